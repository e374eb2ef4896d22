package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedLock;
import org.agrona.concurrent.AtomicBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * The program {@link LockProcessesIT} runs in child JVMs: {@code LockChild <root> <command> <args...>}, on
 * the registry {@value #REGISTRY}. It prints {@code key=value} lines; a failed check exits with 4 and
 * {@code failed=<what>}, an exception with 3 and {@code error=<class>: <message>}.
 */
public final class LockChild
{
    static final String REGISTRY = "locks";
    /** The segment of PostgreSQL's scenario: its lock at offset 0, then the value as two longs that must stay equal. */
    static final String STATE = "pg.state";
    static final int VALUE_OFFSET = SharedLock.LENGTH;
    static final String VICTIM = "victim.lock";
    static final String CONDITION_LOCK = "cv.lock";
    static final String CONDITION_STATE = "cv.state";

    private LockChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(60));
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options))
        {
            switch (args[1])
            {
                case "setget" -> setGet(registry, Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
                case "hold" -> hold(registry, "exclusive".equals(args[2]), Path.of(args[3]));
                case "consume" -> consume(registry, Long.parseLong(args[2]), Path.of(args[3]));
                case "produce" -> produce(registry, Long.parseLong(args[2]));
                case "await-nothing" -> awaitNothing(registry, Long.parseLong(args[2]));
                case "read-loop" -> readLoop(registry, Path.of(args[2]), Path.of(args[3]));
                case "wait-cpu" -> waitCpu(registry, Long.parseLong(args[2]), Path.of(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + args[1]);
            }
        }
        catch (final RuntimeException ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }

    /** The segment of PostgreSQL's scenario, its lock made by its initializer. */
    static NamedSegment state(final DsmRegistry registry)
    {
        return registry.segment(STATE, SharedLock.LENGTH + 2 * Long.BYTES, (buffer, offset) -> SharedLock.initialize(buffer, offset), 0);
    }

    /**
     * PostgreSQL's test_dsm_registry: set and get a value in a segment under the segment's lock, {@code rounds}
     * times each. The set writes the value's two halves apart, so an unlocked reader would see them differ.
     */
    private static void setGet(final DsmRegistry registry, final Path ready, final Path start, final int rounds) throws Exception
    {
        final NamedSegment segment = state(registry);
        final SharedLock lock = registry.lock(segment, 0);
        final AtomicBuffer buffer = segment.buffer();
        Files.writeString(ready, "");
        awaitFile(start);
        System.out.println("start=" + micros());
        for (int i = 0; i < rounds; i++)
        {
            try (SharedLock.Held held = lock.exclusive())
            {
                final long value = buffer.getLong(VALUE_OFFSET);
                buffer.putLongVolatile(VALUE_OFFSET, value + 1);
                for (int spin = 0; spin < 20; spin++)
                {
                    Thread.onSpinWait();
                }
                buffer.putLongVolatile(VALUE_OFFSET + Long.BYTES, value + 1);
            }
            try (SharedLock.Held held = lock.shared())
            {
                final long second = buffer.getLongVolatile(VALUE_OFFSET + Long.BYTES);
                final long first = buffer.getLongVolatile(VALUE_OFFSET);
                if (first != second)
                {
                    fail("torn value " + first + " / " + second);
                }
            }
        }
        System.out.println("end=" + micros());
    }

    /** Takes the victim lock in one mode, says so through {@code holding}, and keeps it until killed. */
    private static void hold(final DsmRegistry registry, final boolean exclusive, final Path holding) throws Exception
    {
        final SharedLock lock = registry.lock(VICTIM);
        if (exclusive)
        {
            lock.writeLock().lock();
        }
        else
        {
            lock.readLock().lock();
        }
        Files.writeString(holding, Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        fail("was not killed");
    }

    /**
     * Waits for every one of {@code count} increments of the condition's value, one signal at a time: a
     * lost signal leaves it waiting for the next, which never comes, and it fails after 20 s.
     */
    private static void consume(final DsmRegistry registry, final long count, final Path ready) throws Exception
    {
        final SharedLock lock = registry.lock(CONDITION_LOCK);
        final AtomicBuffer value = registry.segment(CONDITION_STATE, Long.BYTES).buffer();
        final Condition changed = lock.writeLock().newCondition();
        long wakeUps = 0;
        try (SharedLock.Held held = lock.exclusive())
        {
            Files.writeString(ready, "");
            long seen = value.getLong(0);
            while (seen < count)
            {
                while (value.getLong(0) == seen)
                {
                    if (!changed.await(20, TimeUnit.SECONDS))
                    {
                        fail("no wake-up after value " + seen + " of " + count);
                    }
                    wakeUps++;
                }
                seen = value.getLong(0);
            }
        }
        System.out.println("woke=" + wakeUps);
    }

    /** Adds 1 to the condition's value {@code count} times, signalling each time. */
    private static void produce(final DsmRegistry registry, final long count) throws Exception
    {
        final SharedLock lock = registry.lock(CONDITION_LOCK);
        final AtomicBuffer value = registry.segment(CONDITION_STATE, Long.BYTES).buffer();
        final Condition changed = lock.writeLock().newCondition();
        for (long i = 0; i < count; i++)
        {
            try (SharedLock.Held held = lock.exclusive())
            {
                value.putLong(0, value.getLong(0) + 1);
                changed.signal();
            }
            Thread.sleep(2);
        }
        System.out.println("produced=" + count);
    }

    /** Awaits the condition with nobody to signal it: the wait ends at its timeout, holding the lock again. */
    private static void awaitNothing(final DsmRegistry registry, final long millis) throws Exception
    {
        final SharedLock lock = registry.lock(CONDITION_LOCK);
        final Condition changed = lock.writeLock().newCondition();
        try (SharedLock.Held held = lock.exclusive())
        {
            final long start = System.nanoTime();
            final boolean signalled = changed.await(millis, TimeUnit.MILLISECONDS);
            System.out.println("signalled=" + signalled);
            System.out.println("waitedMs=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            // Signalling needs the lock exclusively: it throws IllegalMonitorStateException otherwise.
            changed.signal();
            System.out.println("holdsAgain=true");
        }
    }

    /** Two threads take the victim lock shared in a tight loop, each hold 0.2 ms long, until {@code stop} exists. */
    private static void readLoop(final DsmRegistry registry, final Path ready, final Path stop) throws Exception
    {
        final SharedLock lock = registry.lock(VICTIM);
        final AtomicLong reads = new AtomicLong();
        final Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++)
        {
            readers[t] = new Thread(() ->
            {
                while (!Files.exists(stop))
                {
                    for (int i = 0; i < 100; i++)
                    {
                        try (SharedLock.Held held = lock.shared())
                        {
                            // Held for a while, and taken again at once: together the four readers leave no gap.
                            LockSupport.parkNanos(200_000);
                            reads.incrementAndGet();
                        }
                    }
                }
            });
            readers[t].start();
        }
        while (reads.get() < 1_000)
        {
            Thread.sleep(1);
        }
        Files.writeString(ready, "");
        for (final Thread reader : readers)
        {
            reader.join();
        }
        System.out.println("reads=" + reads.get());
    }

    /** Waits {@code seconds} for the victim lock, which the parent holds, and prints the CPU the waiting thread used. */
    private static void waitCpu(final DsmRegistry registry, final long seconds, final Path waiting) throws Exception
    {
        final SharedLock lock = registry.lock(VICTIM);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Files.writeString(waiting, "");
        final long cpuBefore = threads.getCurrentThreadCpuTime();
        final long processBefore = processCpuNanos();
        final long start = System.nanoTime();
        final boolean taken = lock.writeLock().tryLock(seconds, TimeUnit.SECONDS);
        final long wall = System.nanoTime() - start;
        System.out.println("taken=" + taken);
        System.out.println("wallMs=" + TimeUnit.NANOSECONDS.toMillis(wall));
        System.out.println("threadCpuMs=" + TimeUnit.NANOSECONDS.toMillis(threads.getCurrentThreadCpuTime() - cpuBefore));
        System.out.println("processCpuMs=" + TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - processBefore));
    }

    private static long processCpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long micros()
    {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private static void awaitFile(final Path file) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                fail("no " + file + " within 60 s");
            }
            Thread.sleep(1);
        }
    }

    private static void fail(final String what)
    {
        System.out.println("failed=" + what);
        System.out.flush();
        System.exit(4);
    }
}
