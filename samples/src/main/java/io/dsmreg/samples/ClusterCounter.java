package io.dsmreg.samples;

import io.dsmreg.SharedNamed;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Request counts per route, added up by every worker JVM, on one host or on a cluster: the field is
 * declared {@code ConcurrentMap}, so the agent fills it with a host-local {@code SharedMap}, or, with
 * {@code cluster=FILE}, with a map on that Hazelcast cluster. The code is the same either way.
 * <pre>
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.ClusterCounter worker-1 10000 30000
 * java -javaagent:dsmreg.jar=registry=demo,cluster=hazelcast.yaml \
 *      -cp samples.jar:dsmreg-cluster.jar:hazelcast.jar io.dsmreg.samples.ClusterCounter worker-1 10000 30000
 * </pre>
 * {@code <worker> <requests> <expected total>}: handles the requests, waits (at most a minute) until
 * every worker's are counted, and prints the counts.
 */
public final class ClusterCounter
{
    // Its own copy: RequestCounter's class declares a SharedMap field, which is host-local and so refused
    // in cluster scope when that class initializes.
    private static final String[] ROUTES = {"GET /", "GET /items", "GET /items/{id}", "POST /orders", "DELETE /orders/{id}"};

    @SharedNamed("requests")
    static ConcurrentMap<String, Long> hits;

    private ClusterCounter()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int requests = Integer.parseInt(args[1]);
        final long expected = Long.parseLong(args[2]);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < requests; i++)
        {
            hits.merge(ROUTES[random.nextInt(ROUTES.length)], 1L, Long::sum);
        }
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (total() < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
        final StringBuilder report = new StringBuilder(args[0] + " (" + hits.getClass().getSimpleName() + "): handled " +
            requests + " requests; all workers:");
        for (final Map.Entry<String, Long> route : new TreeMap<>(hits).entrySet())
        {
            report.append(' ').append(route.getKey()).append('=').append(route.getValue());
        }
        System.out.println(report.append(", total ").append(total()));
    }

    private static long total()
    {
        long total = 0;
        for (final long count : hits.values())
        {
            total += count;
        }
        return total;
    }
}
