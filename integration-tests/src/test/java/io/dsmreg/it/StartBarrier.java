package io.dsmreg.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start line of the tests whose children race, and the proof that they did.
 * <ol>
 *   <li>Each child calls {@link #await}: it registers its arrival (a file named by its pid in the barrier
 *       directory, created atomically) and waits, bounded, until every party has arrived, so none starts
 *       its work before the last one is ready to start too; no sleep of the parent decides who races.</li>
 *   <li>Each child prints {@code start=} (from {@code await}) and {@code end=} ({@link #end}) around its
 *       work: {@link System#nanoTime}, which on Linux is the host's monotonic clock, the same in every
 *       process.</li>
 *   <li>The test calls {@link #assertOverlapped}: the last start came before the first end, so at one
 *       moment every child was working. A run in which the children worked one after another fails.</li>
 * </ol>
 */
final class StartBarrier
{
    private static final long WAIT_SECONDS = 120;

    private StartBarrier()
    {
    }

    /** In a child: arrives at the barrier in {@code directory}, waits until {@code parties} have, and prints {@code start=}. */
    static void await(final Path directory, final int parties) throws IOException, InterruptedException
    {
        Files.createDirectories(directory);
        Files.createFile(directory.resolve(Long.toString(ProcessHandle.current().pid())));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long arrived;
        while ((arrived = arrived(directory)) < parties)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("only " + arrived + " of " + parties + " processes reached the start barrier " +
                    directory + " in " + WAIT_SECONDS + " s");
            }
            Thread.sleep(1);
        }
        System.out.println("start=" + System.nanoTime());
    }

    /** In a child: prints {@code end=}, when its work is done. */
    static void end()
    {
        System.out.println("end=" + System.nanoTime());
    }

    /** In the test: every child's work window, {@code start=} to {@code end=}, contains one common moment. */
    static void assertOverlapped(final List<Jvm.Result> children, final String what)
    {
        long latestStart = Long.MIN_VALUE;
        long earliestEnd = Long.MAX_VALUE;
        for (final Jvm.Result child : children)
        {
            final long start = Long.parseLong(child.value("start"));
            final long end = Long.parseLong(child.value("end"));
            assertTrue(start <= end, "a child's window ends before it starts: " + child.output());
            latestStart = Math.max(latestStart, start);
            earliestEnd = Math.min(earliestEnd, end);
        }
        assertTrue(latestStart < earliestEnd, what + ": the " + children.size() + " processes did not race, the last one " +
            "started " + TimeUnit.NANOSECONDS.toMicros(latestStart - earliestEnd) + " us after the first one had finished");
        System.out.println(what + ": all " + children.size() + " processes worked at once for " +
            TimeUnit.NANOSECONDS.toMillis(earliestEnd - latestStart) + " ms");
    }

    private static long arrived(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.count();
        }
    }
}
