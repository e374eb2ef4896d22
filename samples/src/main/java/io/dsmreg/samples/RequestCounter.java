package io.dsmreg.samples;

import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request counts per route, added up by every worker JVM on the host, with no dsmreg call in its
 * logic: the agent fills {@link #counters} with a shared segment named {@code requests.by-route}.
 * <p>
 * Each route owns one counter on its own 64-byte cache line (so workers counting different routes
 * do not slow each other down), incremented with an atomic add. A fixed set of named slots stands
 * in for a {@code SharedMap<String, Long>} until typed maps exist.
 * <pre>
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.RequestCounter serve worker-1 10000
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.RequestCounter report
 * </pre>
 */
public final class RequestCounter
{
    static final String[] ROUTES = {"GET /", "GET /items", "GET /items/{id}", "POST /orders", "DELETE /orders/{id}"};
    private static final int SLOT = 64;

    @SharedNamed(value = "requests.by-route", size = 64 * 8)
    static AtomicBuffer counters;

    private RequestCounter()
    {
    }

    static void count(final int route)
    {
        counters.getAndAddLong(route * SLOT, 1);
    }

    static long total()
    {
        long total = 0;
        for (int route = 0; route < ROUTES.length; route++)
        {
            total += counters.getLongVolatile(route * SLOT);
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
                count(random.nextInt(ROUTES.length));
            }
            System.out.println(args[1] + ": handled " + requests + " requests; all workers so far: " + total());
        }
        else
        {
            for (int route = 0; route < ROUTES.length; route++)
            {
                System.out.printf("%-22s %8d%n", ROUTES[route], counters.getLongVolatile(route * SLOT));
            }
            System.out.printf("%-22s %8d%n", "total", total());
        }
    }
}
