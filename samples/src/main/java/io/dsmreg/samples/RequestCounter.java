package io.dsmreg.samples;

import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request counts per route, added up by every worker JVM on the host, with no dsmreg call in its
 * logic: the agent fills {@link #hits} with a shared map named {@code requests.by-route}, whose
 * codecs it takes from the field's type. It is a {@code ConcurrentMap}: {@code merge} adds one
 * atomically, however many JVMs count the same route at once.
 * <pre>
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.RequestCounter serve worker-1 10000
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.RequestCounter report
 * </pre>
 */
public final class RequestCounter
{
    static final String[] ROUTES = {"GET /", "GET /items", "GET /items/{id}", "POST /orders", "DELETE /orders/{id}"};

    @SharedNamed("requests.by-route")
    static SharedMap<String, Long> hits;

    private RequestCounter()
    {
    }

    static long total()
    {
        long total = 0;
        for (final long count : hits.values())
        {
            total += count;
        }
        return total;
    }

    /** {@code serve <worker> <requests>} handles random requests; {@code report} prints the shared counts. */
    public static void main(final String[] args)
    {
        if ("serve".equals(args[0]))
        {
            final int requests = Integer.parseInt(args[2]);
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < requests; i++)
            {
                hits.merge(ROUTES[random.nextInt(ROUTES.length)], 1L, Long::sum);
            }
            System.out.println(args[1] + ": handled " + requests + " requests; all workers so far: " + total());
        }
        else
        {
            for (final Map.Entry<String, Long> route : new TreeMap<>(hits).entrySet())
            {
                System.out.printf("%-22s %8d%n", route.getKey(), route.getValue());
            }
            System.out.printf("%-22s %8d%n", "total", total());
        }
    }
}
