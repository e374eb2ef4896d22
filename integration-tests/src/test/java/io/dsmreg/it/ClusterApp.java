package io.dsmreg.it;

import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import io.dsmreg.cluster.ClusterMap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * The application of {@link ClusterIT}: the same class with and without the agent's {@code cluster=},
 * counting through a {@code ConcurrentMap<String, Long>} field with {@code merge}, as application code
 * would. Its field lives in {@link Counters}, so that {@code main} starts before the field is filled.
 * <ul>
 * <li>{@code kind}: prints which map the field holds.</li>
 * <li>{@code count <stop file|-> <increments> <expected total>}: adds 1 to the keys c0..c3 in turn,
 *     printing {@code acked=N} after each acknowledged merge, {@code increments} times or until the stop
 *     file exists; prints {@code done=N}; then, if the expected total is not 0, waits (bounded) for the
 *     map to hold it and prints {@code total=} and the registry MBean's cluster entries
 *     ({@code mbean=name,entries,owned entries,owned bytes}); then prints {@code holding} and holds until its standard input closes.</li>
 * <li>{@code report}: prints {@code total=} and each key.</li>
 * </ul>
 * A field that cannot be filled prints {@code failed=<message>} and exits with 3.
 */
public final class ClusterApp
{
    private static final int KEYS = 4;

    private ClusterApp()
    {
    }

    static final class Counters
    {
        @SharedNamed("hits")
        static ConcurrentMap<String, Long> hits;

        private Counters()
        {
        }
    }

    public static void main(final String[] args) throws Exception
    {
        System.out.println("started");
        final ConcurrentMap<String, Long> hits;
        try
        {
            hits = Counters.hits;
        }
        catch (final ExceptionInInitializerError ex)
        {
            System.out.println("failed=" + ex.getCause().getMessage());
            System.exit(3);
            return;
        }
        System.out.println("kind=" + (hits instanceof SharedMap ? "SharedMap" : hits instanceof ClusterMap ? "ClusterMap" :
            hits.getClass().getName()));
        switch (args[0])
        {
            case "kind" -> { }
            case "count" -> count(hits, args[1].equals("-") ? null : Path.of(args[1]), Long.parseLong(args[2]),
                Long.parseLong(args[3]));
            case "report" -> report(hits);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void count(final ConcurrentMap<String, Long> hits, final Path stop, final long increments, final long expected)
        throws IOException, InterruptedException, JMException
    {
        long acked = 0;
        while (acked < increments && (stop == null || !Files.exists(stop)))
        {
            hits.merge("c" + acked % KEYS, 1L, Long::sum);
            acked++;
            System.out.println("acked=" + acked);
        }
        System.out.println("done=" + acked);
        if (expected != 0)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (total(hits) != expected && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            report(hits);
            mbean();
        }
        System.out.println("holding");
        final InputStream in = System.in;
        while (in.read() >= 0)
        {
            // Held until the test closes standard input: the member keeps its partitions for the others meanwhile.
        }
    }

    private static void report(final ConcurrentMap<String, Long> hits)
    {
        System.out.println("total=" + total(hits));
        for (int key = 0; key < KEYS; key++)
        {
            System.out.println("c" + key + "=" + hits.getOrDefault("c" + key, 0L));
        }
    }

    /** The rows of the registry MBean's ClusterEntries, as a JMX client without dsmreg's classes reads them. */
    private static void mbean() throws JMException
    {
        final ObjectName registry = new ObjectName("io.dsmreg:type=Registry,name=orders");
        for (final CompositeData row : (CompositeData[])ManagementFactory.getPlatformMBeanServer().getAttribute(registry,
            "ClusterEntries"))
        {
            System.out.println("mbean=" + row.get("name") + "," + row.get("entryCount") + "," + row.get("ownedEntryCount") + "," +
                row.get("ownedBytes"));
        }
    }

    private static long total(final ConcurrentMap<String, Long> hits)
    {
        long total = 0;
        for (int key = 0; key < KEYS; key++)
        {
            total += hits.getOrDefault("c" + key, 0L);
        }
        return total;
    }
}
