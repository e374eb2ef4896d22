package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedArea;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The program the area integration tests run in child JVMs: {@code AreaChild <root> <command> <args...>}.
 * Prints {@code key=value} lines; an exception or failed check prints {@code error=...} and exits 3.
 */
public final class AreaChild
{
    static final String REGISTRY = "it";
    static final String AREA = "shared";
    /** Operations each stress thread does at least, whatever its time limit. */
    static final int MIN_OPERATIONS = 2_000;

    private AreaChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(60));
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options))
        {
            final SharedArea area = registry.area(AREA);
            switch (args[1])
            {
                case "read-and-free" -> readAndFree(area, Path.of(args[2]), Path.of(args[3]));
                case "stress" -> stress(area, Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]), null);
                case "churn" -> stress(area, Integer.parseInt(args[2]), Long.MAX_VALUE, Long.parseLong(args[3]), Path.of(args[4]));
                case "cache" -> cache(area, Path.of(args[2]));
                case "spin" -> spin(area, Path.of(args[2]));
                default -> throw new IllegalArgumentException("unknown command " + args[1]);
            }
        }
        catch (final RuntimeException | AssertionError ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }

    /** Allocates and frees blocks of small sizes, so that its magazines hold free blocks, then waits to be killed. */
    private static void cache(final SharedArea area, final Path ready) throws Exception
    {
        for (final int size : new int[] {8, 64, 100, 1000})
        {
            final long[] blocks = new long[12];
            for (int i = 0; i < blocks.length; i++)
            {
                blocks[i] = area.allocate(size);
                area.buffer(blocks[i], size).setMemory(0, size, (byte)i);
            }
            for (final long block : blocks)
            {
                area.free(block);
            }
        }
        System.out.println("cached=" + area.cachedBytes());
        System.out.flush();
        markReady(ready);
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Allocates and frees one 64 B block at a time until killed: nearly every instant is inside a magazine push or pop. */
    private static void spin(final SharedArea area, final Path ready) throws Exception
    {
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (long i = 0; ; i++)
        {
            final long pointer = area.allocate(64);
            area.wrap(view, pointer, 64);
            view.putLong(56, i);
            area.free(pointer);
            if (i == 10_000)
            {
                markReady(ready);
            }
        }
    }

    /** Reads each "pointer length text" line's string by pointer; frees every other one and lists those. */
    private static void readAndFree(final SharedArea area, final Path pointers, final Path freed) throws Exception
    {
        final List<String> freedLines = new ArrayList<>();
        int checked = 0;
        int line = 0;
        for (final String entry : Files.readAllLines(pointers))
        {
            final String[] fields = entry.split(" ", 3);
            final long pointer = Long.parseLong(fields[0]);
            final int length = Integer.parseInt(fields[1]);
            final AtomicBuffer buffer = area.buffer(pointer, length);
            final String text = buffer.getStringWithoutLengthUtf8(0, length);
            if (!text.equals(fields[2]))
            {
                throw new AssertionError("pointer " + pointer + " holds \"" + text + "\", not \"" + fields[2] + "\"");
            }
            checked++;
            if (line++ % 2 == 0)
            {
                area.free(pointer);
                freedLines.add(entry);
            }
        }
        Files.write(freed, freedLines, StandardCharsets.UTF_8);
        System.out.println("checked=" + checked);
        System.out.println("freed=" + freedLines.size());
    }

    /**
     * Threads allocating and freeing random sizes (8 B to 1 MB, log-uniform) until the deadline or
     * until killed; each live block carries a pattern that is checked before it is freed. At the
     * end every block is freed. With a ready file (a child to be killed), sizes stay up to 16 KB (1 to
     * 8 KiB in odd threads) and the file is created once work is under way.
     */
    private static void stress(final SharedArea area, final int threads, final long millis, final long seed, final Path ready)
        throws Exception
    {
        final long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        final AtomicLong operations = new AtomicLong();
        final List<Thread> workers = new ArrayList<>();
        final Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++)
        {
            final SplittableRandom random = new SplittableRandom(seed * 1000 + t);
            // In a killable child, odd threads keep to the sizes that take a class lock (1 to 8 KiB): smaller ones come
            // from magazines, without a lock, and a kill should often land while a lock is held.
            final boolean locking = ready != null && t % 2 == 1;
            final double minimumLog2 = locking ? 10.1 : 3;
            final double maximumLog2 = locking ? 13 : ready != null ? 14 : 20;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    operations.addAndGet(work(area, random, deadline, ready, minimumLog2, maximumLog2));
                }
                catch (final Throwable ex)
                {
                    synchronized (failure)
                    {
                        failure[0] = ex;
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failure[0] != null)
        {
            throw new AssertionError("worker failed: " + failure[0], failure[0]);
        }
        System.out.println("operations=" + operations.get());
    }

    private static long work(
        final SharedArea area, final SplittableRandom random, final long deadline, final Path ready, final double minimumLog2,
        final double maximumLog2)
        throws Exception
    {
        final int maxLive = 24;
        final long[] pointers = new long[maxLive];
        final int[] sizes = new int[maxLive];
        int live = 0;
        long operations = 0;
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        // At least MIN_OPERATIONS, however slow the machine: a deadline alone let a loaded host's run end
        // after a few hundred operations.
        while (System.nanoTime() < deadline || (ready == null && operations < MIN_OPERATIONS))
        {
            if (live < maxLive && (live == 0 || random.nextBoolean()))
            {
                final int size = (int)Math.min(1 << 20, Math.round(Math.pow(2, random.nextDouble(minimumLog2, maximumLog2))));
                final long pointer = area.allocate(size);
                area.wrap(view, pointer, size);
                fill(view, pointer, size);
                pointers[live] = pointer;
                sizes[live++] = size;
            }
            else
            {
                final int victim = random.nextInt(live);
                release(area, view, pointers[victim], sizes[victim]);
                pointers[victim] = pointers[--live];
                sizes[victim] = sizes[live];
            }
            if (++operations == 100 && ready != null)
            {
                markReady(ready);
            }
        }
        while (live > 0)
        {
            live--;
            release(area, view, pointers[live], sizes[live]);
        }
        return operations;
    }

    private static synchronized void markReady(final Path ready) throws Exception
    {
        if (!Files.exists(ready))
        {
            Files.createFile(ready);
        }
    }

    private static void fill(final UnsafeBuffer view, final long pointer, final int size)
    {
        final byte mark = (byte)(pointer * 31 + size);
        view.setMemory(0, size, mark);
    }

    private static void release(final SharedArea area, final UnsafeBuffer view, final long pointer, final int size)
    {
        area.wrap(view, pointer, size);
        final byte mark = (byte)(pointer * 31 + size);
        for (int i = 0; i < size; i += 61)
        {
            if (view.getByte(i) != mark)
            {
                throw new AssertionError("block " + pointer + " of " + size + " bytes was overwritten at byte " + i);
            }
        }
        if (view.getByte(size - 1) != mark)
        {
            throw new AssertionError("block " + pointer + " of " + size + " bytes was overwritten at its end");
        }
        area.free(pointer);
    }
}
