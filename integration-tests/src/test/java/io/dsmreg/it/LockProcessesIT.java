package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared locks between real JVM processes ({@link LockChild}): PostgreSQL's set/get scenario, holders
 * killed with SIGKILL while they hold the lock, conditions signalled across processes, a writer among
 * looping readers, and the CPU a long wait costs. Timings are printed, never asserted.
 */
class LockProcessesIT
{
    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private DsmRegistry open()
    {
        return DsmRegistry.open(LockChild.REGISTRY, RegistryOptions.defaults().root(root()).timeout(Duration.ofSeconds(30)));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void fourProcessesSetAndGetAValueUnderTheSegmentsLockWithoutATornOrLostUpdate(final Path jdk) throws Exception
    {
        final int processes = 4;
        final int rounds = 50_000;
        final Path start = work.resolve("start");
        final List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            children.add(Jvm.startChild(jdk, work, "setget-" + i, LockChild.class, root(), "setget",
                work.resolve("setget-" + i + ".ready").toString(), start.toString(), Integer.toString(rounds)));
        }
        for (int i = 0; i < processes; i++)
        {
            Jvm.awaitFile(work.resolve("setget-" + i + ".ready"), children.get(i), work.resolve("setget-" + i + ".out"));
        }
        Files.createFile(start);
        long latestStart = Long.MIN_VALUE;
        long earliestEnd = Long.MAX_VALUE;
        for (int i = 0; i < processes; i++)
        {
            final Jvm.Result result = Jvm.finishChild(children.get(i), work, "setget-" + i, 120);
            latestStart = Math.max(latestStart, Long.parseLong(result.value("start")));
            earliestEnd = Math.min(earliestEnd, Long.parseLong(result.value("end")));
        }
        assertTrue(latestStart < earliestEnd, "the four processes ran at the same time: the last started at " + latestStart +
            " us, before the first ended at " + earliestEnd + " us");
        System.out.println("set/get: all four processes overlapped for " + (earliestEnd - latestStart) / 1000 + " ms");
        try (DsmRegistry registry = open())
        {
            final NamedSegment segment = LockChild.state(registry);
            assertEquals((long)processes * rounds, segment.buffer().getLong(LockChild.VALUE_OFFSET), "no update lost");
            assertEquals((long)processes * rounds, segment.buffer().getLong(LockChild.VALUE_OFFSET + Long.BYTES));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anExclusiveHolderKilledWhileHoldingIsRecoveredAndReported(final Path jdk) throws Exception
    {
        killHolderAndTakeOver(jdk, "exclusive");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aSharedHolderKilledWhileHoldingIsRecoveredAndReported(final Path jdk) throws Exception
    {
        killHolderAndTakeOver(jdk, "shared");
    }

    /** A child takes the lock in {@code mode} and says so; we kill it and take the lock exclusively. */
    private void killHolderAndTakeOver(final Path jdk, final String mode) throws Exception
    {
        try (DsmRegistry registry = open())
        {
            final SharedLock lock = registry.lock(LockChild.VICTIM);
            final Path holding = work.resolve("holding");
            final Process holder = Jvm.startChild(jdk, work, "holder", LockChild.class, root(), "hold", mode, holding.toString());
            try
            {
                Jvm.awaitFile(holding, holder, work.resolve("holder.out"));
                assertFalse(lock.writeLock().tryLock(), "the child holds the lock (" + mode + ") before the kill");
                final long killed = System.nanoTime();
                holder.destroyForcibly();
                try (SharedLock.Held held = lock.exclusive())
                {
                    final long acquiredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                    System.out.println("kill -9 of the " + mode + " holder " + holder.pid() + " to acquisition: " + acquiredMs + " ms");
                    assertTrue(lock.ownerDied(), "the acquirer is told that the " + mode + " holder died");
                    lock.markConsistent();
                }
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, holder.exitValue(), "the holder was killed by SIGKILL, holding the lock");
                try (SharedLock.Held held = lock.shared())
                {
                    assertFalse(lock.ownerDied(), "marked consistent");
                }
            }
            finally
            {
                holder.destroyForcibly().waitFor();
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aProducerProcessWakesConsumersInOtherProcessesAtEverySignal(final Path jdk) throws Exception
    {
        final int consumers = 3;
        final int signals = 200;
        final List<Process> children = new ArrayList<>();
        for (int i = 0; i < consumers; i++)
        {
            final Path ready = work.resolve("consumer-" + i + ".ready");
            final Process consumer = Jvm.startChild(jdk, work, "consumer-" + i, LockChild.class, root(), "consume",
                Integer.toString(signals), ready.toString());
            children.add(consumer);
            Jvm.awaitFile(ready, consumer, work.resolve("consumer-" + i + ".out"));
        }
        final Process producer = Jvm.startChild(jdk, work, "producer", LockChild.class, root(), "produce", Integer.toString(signals));
        assertEquals(Integer.toString(signals), Jvm.finishChild(producer, work, "producer", 120).value("produced"));
        for (int i = 0; i < consumers; i++)
        {
            final Jvm.Result result = Jvm.finishChild(children.get(i), work, "consumer-" + i, 120);
            System.out.println("consumer " + i + " woke " + result.value("woke") + " times for " + signals + " signals");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anAwaitWithoutASignalTimesOutInAnotherProcess(final Path jdk) throws Exception
    {
        final Process waiter = Jvm.startChild(jdk, work, "waiter", LockChild.class, root(), "await-nothing", "300");
        final Jvm.Result result = Jvm.finishChild(waiter, work, "waiter", 120);
        assertEquals("false", result.value("signalled"));
        assertEquals("true", result.value("holdsAgain"), "the waiter holds the lock again after the timeout");
        assertTrue(Long.parseLong(result.value("waitedMs")) >= 300, result.output());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aWriterGetsTheLockWhileReadersInTwoProcessesLoop(final Path jdk) throws Exception
    {
        final Path stop = work.resolve("stop");
        final List<Process> readers = new ArrayList<>();
        try (DsmRegistry registry = open())
        {
            final SharedLock lock = registry.lock(LockChild.VICTIM);
            for (int i = 0; i < 2; i++)
            {
                final Path ready = work.resolve("reader-" + i + ".ready");
                final Process reader = Jvm.startChild(jdk, work, "reader-" + i, LockChild.class, root(), "read-loop",
                    ready.toString(), stop.toString());
                readers.add(reader);
                Jvm.awaitFile(ready, reader, work.resolve("reader-" + i + ".out"));
            }
            for (int i = 0; i < 20; i++)
            {
                final long start = System.nanoTime();
                assertTrue(lock.writeLock().tryLock(10, TimeUnit.SECONDS), "the writer got the lock among looping readers");
                final long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                lock.writeLock().unlock();
                if (i == 0 || i == 19)
                {
                    System.out.println("writer among looping readers acquired in " + micros + " us");
                }
                assertTrue(readers.stream().allMatch(Process::isAlive), "the readers still loop");
            }
        }
        finally
        {
            Files.writeString(stop, "");
        }
        for (int i = 0; i < readers.size(); i++)
        {
            Jvm.finishChild(readers.get(i), work, "reader-" + i, 120);
        }
    }

    /** Not parameterized: a minute on one JDK is the measurement. */
    @Test
    void aProcessWaitingAMinuteForTheLockUsesLittleCpu() throws Exception
    {
        final long seconds = Long.getLong("dsmreg.test.waitSeconds", 60);
        try (DsmRegistry registry = open())
        {
            final SharedLock lock = registry.lock(LockChild.VICTIM);
            lock.writeLock().lock();
            try
            {
                final Path waiting = work.resolve("waiting");
                final Process waiter = Jvm.startChild(Jvm.current(), work, "waiter", LockChild.class, root(), "wait-cpu",
                    Long.toString(seconds), waiting.toString());
                final Jvm.Result result = Jvm.finishChild(waiter, work, "waiter", seconds + 120);
                assertEquals("false", result.value("taken"));
                final long wallMs = Long.parseLong(result.value("wallMs"));
                final long threadCpuMs = Long.parseLong(result.value("threadCpuMs"));
                System.out.printf("waiting %d ms for a held lock cost the waiting thread %d ms of CPU (%.2f%% of a core), " +
                    "the whole process %s ms%n", wallMs, threadCpuMs, 100.0 * threadCpuMs / wallMs, result.value("processCpuMs"));
                assertTrue(threadCpuMs * 4 < wallMs, "a waiter parks instead of spinning: " + result.output());
            }
            finally
            {
                lock.writeLock().unlock();
            }
        }
    }
}
