package io.dsmreg.samples;

import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.time.Instant;

/**
 * A token-bucket rate limiter that every JVM on the host shares, with no dsmreg call in its logic:
 * the agent fills {@link #bucket} with 64 bytes of shared memory named {@code ratelimit.bucket},
 * which {@link Config} initializes once, for all processes, from the annotation's {@code arg}.
 * <p>
 * The bucket is kept as GCRA (the generic cell rate algorithm, a token bucket in one word): word 0
 * holds the theoretical arrival time of the next request, in microseconds of wall-clock time so
 * that all processes agree on it. A request is allowed when that time is at most {@code burst}
 * intervals ahead of now, and pushes it one interval further, with one compare-and-set.
 * <pre>
 * java -javaagent:dsmreg.jar=registry=demo -cp samples.jar io.dsmreg.samples.RateLimiter worker-1 3
 * </pre>
 */
public final class RateLimiter
{
    private static final int NEXT_ARRIVAL_OFFSET = 0;
    private static final int INTERVAL_OFFSET = 8;
    private static final int BURST_OFFSET = 16;

    @SharedNamed(value = "ratelimit.bucket", size = 64, init = Config.class, arg = "rate=50,burst=10")
    static AtomicBuffer bucket;

    private RateLimiter()
    {
    }

    /** Runs once on the host, in whichever JVM asks first: {@code rate=PER_SECOND,burst=REQUESTS}. */
    public static final class Config implements SegmentInitializer<String>
    {
        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
            long rate = 1;
            long burst = 1;
            for (final String part : arg.split(","))
            {
                final String[] pair = part.split("=");
                if ("rate".equals(pair[0]))
                {
                    rate = Long.parseLong(pair[1]);
                }
                else if ("burst".equals(pair[0]))
                {
                    burst = Long.parseLong(pair[1]);
                }
            }
            buffer.putLong(INTERVAL_OFFSET, 1_000_000 / rate);
            buffer.putLong(BURST_OFFSET, burst);
        }
    }

    /** True if a request may go ahead now; never blocks. */
    static boolean tryAcquire()
    {
        final long interval = bucket.getLong(INTERVAL_OFFSET);
        final long tolerance = interval * bucket.getLong(BURST_OFFSET);
        final long now = nowMicros();
        while (true)
        {
            // Volatile read: the CAS below must start from what other processes published.
            final long next = bucket.getLongVolatile(NEXT_ARRIVAL_OFFSET);
            final long earliest = Math.max(next, now);
            if (earliest - now >= tolerance)
            {
                return false;
            }
            if (bucket.compareAndSetLong(NEXT_ARRIVAL_OFFSET, next, earliest + interval))
            {
                return true;
            }
        }
    }

    private static long nowMicros()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** {@code RateLimiter <worker> <seconds>}: tries a request every millisecond, prints how many were allowed. */
    public static void main(final String[] args) throws InterruptedException
    {
        final String worker = args.length > 0 ? args[0] : "worker";
        final long seconds = args.length > 1 ? Long.parseLong(args[1]) : 3;
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        long allowed = 0;
        long refused = 0;
        while (System.nanoTime() < end)
        {
            if (tryAcquire())
            {
                allowed++;
            }
            else
            {
                refused++;
            }
            Thread.sleep(1);
        }
        System.out.println(worker + ": allowed=" + allowed + " refused=" + refused);
    }
}
