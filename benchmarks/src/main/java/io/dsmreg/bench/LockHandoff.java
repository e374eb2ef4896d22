package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedLock;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hand-off latency of a lock between two processes: the time from one process's release to the
 * other's acquisition, for a {@link SharedLock} and for an OS file lock ({@link FileChannel#lock()}),
 * which is what Java programs use between processes today. Not JMH: the figure is a distribution
 * over two JVMs.
 * <p>
 * Two processes take turns: each takes the lock, and if it is its turn, records the time since the
 * other's release (both read the same monotonic clock, {@code System.nanoTime} on Linux), gives the
 * turn to the other, notes the release time and releases; if it is not its turn, it releases at once
 * and tries again (a process that retakes the lock it just released delays the hand-off, as in real
 * use). The turn and the release time live in a segment, guarded by the lock being measured.
 * <pre>
 *   java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *       io.dsmreg.bench.LockHandoff [hand-offs per process, default 20000]
 * </pre>
 */
public final class LockHandoff
{
    private static final String FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final int TURN = 0;
    private static final int RELEASED_AT = 8;

    private LockHandoff()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "child".equals(args[0]))
        {
            final long[] latencies = run(Path.of(args[1]), args[2], 1, Integer.parseInt(args[3]));
            System.out.println(summary(latencies));
            return;
        }
        final int handoffs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        for (final String kind : List.of("shared-lock", "file-lock"))
        {
            final Path root = Files.createTempDirectory(Path.of(System.getProperty("dsmreg.bench.dir", "/dev/shm")), "dsmreg-handoff");
            try (DsmRegistry registry = open(root))
            {
                segment(registry);
            }
            final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), FLAG, "-cp", System.getProperty("java.class.path"),
                LockHandoff.class.getName(), "child", root.toString(), kind, Integer.toString(handoffs)));
            final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            final long[] latencies = run(root, kind, 0, handoffs);
            final String childSummary = new String(child.getInputStream().readAllBytes()).trim();
            if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0)
            {
                throw new IllegalStateException("the child failed: " + childSummary);
            }
            System.out.println(kind + ": parent " + summary(latencies) + "; child " + childSummary);
        }
    }

    private static DsmRegistry open(final Path root)
    {
        return DsmRegistry.open("handoff", RegistryOptions.defaults().root(root));
    }

    private static NamedSegment segment(final DsmRegistry registry)
    {
        return registry.segment("handoff.state", SharedLock.LENGTH + 64, (buffer, offset) -> SharedLock.initialize(buffer, offset), 64);
    }

    /** Takes {@code handoffs} turns as process {@code me} (0 or 1) and returns each acquisition's latency. */
    private static long[] run(final Path root, final String kind, final int me, final int handoffs) throws IOException
    {
        try (DsmRegistry registry = open(root); FileChannel file = FileChannel.open(root.resolve("handoff.lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            final NamedSegment segment = segment(registry);
            final AtomicBuffer state = segment.buffer();
            final SharedLock lock = registry.lock(segment, 64);
            final boolean fileLock = "file-lock".equals(kind);
            final long[] latencies = new long[handoffs];
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int taken = 0;
            while (taken < handoffs)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("process " + me + " made " + taken + " of " + handoffs + " hand-offs in 120 s");
                }
                final FileLock held = fileLock ? file.lock() : null;
                if (!fileLock)
                {
                    lock.writeLock().lock();
                }
                final long acquiredAt = System.nanoTime();
                final boolean mine = state.getLong(TURN) == me;
                if (mine)
                {
                    final long releasedAt = state.getLong(RELEASED_AT);
                    if (releasedAt != 0)
                    {
                        latencies[taken] = acquiredAt - releasedAt;
                    }
                    taken++;
                    state.putLong(TURN, 1 - me);
                    state.putLong(RELEASED_AT, System.nanoTime());
                }
                if (fileLock)
                {
                    held.release();
                }
                else
                {
                    lock.writeLock().unlock();
                }
            }
            return latencies;
        }
    }

    private static String summary(final long[] latencies)
    {
        final long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return String.format("hand-off median %.1f us, p90 %.1f us, p99 %.1f us (%d)", sorted[sorted.length / 2] / 1e3,
            sorted[sorted.length * 9 / 10] / 1e3, sorted[sorted.length * 99 / 100] / 1e3, sorted.length);
    }
}
