package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedArea;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** Areas shared by real JVM processes, including ones killed in the middle of allocating. */
class AreaProcessesIT
{
    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private DsmRegistry open()
    {
        return DsmRegistry.open(AreaChild.REGISTRY, RegistryOptions.defaults().root(root()).timeout(Duration.ofSeconds(60)));
    }

    private Process child(final Path jdk, final String name, final String... args) throws Exception
    {
        return Jvm.startChild(jdk, work, name, AreaChild.class, root(), args);
    }

    private Jvm.Result finish(final Process process, final String name) throws Exception
    {
        return Jvm.finishChild(process, work, name, 120);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anotherProcessReadsByPointerAndFreesAndThisOneReusesTheSpace(final Path jdk) throws Exception
    {
        try (DsmRegistry registry = open())
        {
            final SharedArea area = registry.area(AreaChild.AREA);
            final List<String> lines = new ArrayList<>();
            for (int i = 0; i < 2000; i++)
            {
                final String text = "string " + i + " " + "x".repeat(i % 300);
                final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                final long pointer = area.allocate(bytes.length);
                area.buffer(pointer, bytes.length).putBytes(0, bytes);
                lines.add(pointer + " " + bytes.length + " " + text);
            }
            final Path pointers = work.resolve("pointers.txt");
            final Path freed = work.resolve("freed.txt");
            Files.write(pointers, lines, StandardCharsets.UTF_8);
            final long inUse = area.bytesInUse();

            final Jvm.Result reader = finish(child(jdk, "reader", "read-and-free", pointers.toString(), freed.toString()), "reader");
            assertEquals("2000", reader.value("checked"));
            assertEquals("1000", reader.value("freed"));
            assertTrue(area.bytesInUse() < inUse, "the other process's frees show here");

            final Set<Long> freedPointers = new HashSet<>();
            for (final String line : Files.readAllLines(freed))
            {
                final String[] fields = line.split(" ", 3);
                freedPointers.add(Long.parseLong(fields[0]));
                assertThrows(io.dsmreg.InvalidPointerException.class, () -> area.free(Long.parseLong(fields[0])),
                    "already freed by the other process");
            }
            // The reader exited with freed blocks in its magazines, and this thread's magazines hold blocks it never
            // handed out: trim returns both to their superblocks.
            area.trim();
            final long reserved = area.reservedBytes();
            int reused = 0;
            for (final String line : Files.readAllLines(freed))
            {
                final String[] fields = line.split(" ", 3);
                if (freedPointers.contains(area.allocate(Integer.parseInt(fields[1]))))
                {
                    reused++;
                }
            }
            assertEquals(reserved, area.reservedBytes(), "the freed space is reused: the area did not grow");
            // All but the blocks this thread's magazines held before trim (at most half a magazine in each of the
            // 16 classes these sizes use) come from the other process's frees.
            assertTrue(reused >= 1000 - 16 * 8, "reused " + reused);
            assertEquals(inUse, area.bytesInUse());
            area.verify();
        }
    }

    @Test
    void threadsOfTwoProcessesOnBothJdksAllocateAndFreeRandomSizesWithoutOverlap() throws Exception
    {
        try (DsmRegistry registry = open())
        {
            final SharedArea area = registry.area(AreaChild.AREA);
            final long kept = area.allocate(1000);
            final long start = area.bytesInUse();
            final List<Path> jdks = Jvm.installed();
            final List<Process> children = new ArrayList<>();
            for (int i = 0; i < 2; i++)
            {
                children.add(child(jdks.get(i % jdks.size()), "stress-" + i, "stress", "3", "8000", Integer.toString(i + 1)));
            }
            for (int i = 0; i < children.size(); i++)
            {
                final Jvm.Result result = finish(children.get(i), "stress-" + i);
                assertTrue(Long.parseLong(result.value("operations")) >= 3L * AreaChild.MIN_OPERATIONS, result.output());
            }
            area.verify();
            assertEquals(start, area.bytesInUse(), "every block was freed");
            area.free(kept);
            area.verify();
        }
    }

    @Test
    void processesKilledWhileAllocatingLeaveAnAreaTheSurvivorsKeepUsing() throws Exception
    {
        final AtomicInteger takeovers = new AtomicInteger();
        final Logger logger = Logger.getLogger("io.dsmreg.internal.area.AreaAllocator");
        final Handler counter = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                if (record.getMessage().contains("took over"))
                {
                    takeovers.incrementAndGet();
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        logger.addHandler(counter);
        try (DsmRegistry registry = open())
        {
            final SharedArea area = registry.area(AreaChild.AREA);
            final List<Path> jdks = Jvm.installed();
            final Process survivor = child(jdks.get(jdks.size() - 1), "survivor", "stress", "2", "25000", "99");
            final SplittableRandom random = new SplittableRandom(7);
            int rounds = 0;
            // Until a kill is seen to land while the victim held a lock (taken over here or by the survivor).
            while (rounds < 4 || (rounds < 12 && takeovers.get() + survivorTakeovers() == 0))
            {
                final Path ready = work.resolve("ready-" + rounds);
                final String name = "victim-" + rounds;
                final Process victim = child(jdks.get(rounds % jdks.size()), name, "churn", "2", Integer.toString(rounds), ready.toString());
                Jvm.awaitFile(ready, victim, work.resolve(name + ".out"));
                Thread.sleep(20 + random.nextInt(300));
                assertTrue(victim.isAlive(), "the victim was still working: " + Files.readString(work.resolve(name + ".out")));
                victim.destroyForcibly().waitFor();
                // This process survives too: its next allocation or verify() takes over what the victim held.
                final long p = area.allocate(100 + rounds * 1000);
                area.buffer(p, 8).putLong(0, rounds);
                area.free(p);
                area.verify();
                rounds++;
            }
            final Jvm.Result result = finish(survivor, "survivor");
            assertTrue(Long.parseLong(result.value("operations")) > 0);
            assertTrue(takeovers.get() + survivorTakeovers() > 0, "in " + rounds + " kills, none landed while a lock was held");
            area.verify();
            final long p = area.allocate(300_000);
            area.free(p);
            area.verify();
        }
        finally
        {
            logger.removeHandler(counter);
        }
    }

    @Test
    void theMagazinesOfKilledProcessesAreReclaimedAndAtMostTheBlockInFlightIsLost() throws Exception
    {
        try (DsmRegistry registry = open())
        {
            final SharedArea area = registry.area(AreaChild.AREA);
            final long kept = area.allocate(50_000);
            final long inUse = area.bytesInUse();
            final Path jdk = Jvm.current();

            final Process idle = child(jdk, "idle", "cache", work.resolve("idle-ready").toString());
            Jvm.awaitFile(work.resolve("idle-ready"), idle, work.resolve("idle.out"));
            final long cached = area.cachedBytes();
            assertTrue(cached > 0, "the child's magazines hold its freed blocks");
            assertEquals(inUse, area.bytesInUse(), "blocks in a magazine are not in use");
            idle.destroyForcibly().waitFor();
            assertEquals(cached, area.cachedBytes(), "until someone reclaims them");
            area.verify();
            assertEquals(0, area.cachedBytes(), "verify reclaimed the dead process's magazines");
            assertEquals(inUse, area.bytesInUse());

            final SplittableRandom random = new SplittableRandom(11);
            for (int round = 0; round < 3; round++)
            {
                final String name = "spin-" + round;
                final Path ready = work.resolve(name + "-ready");
                final Process spinner = child(jdk, name, "spin", ready.toString());
                Jvm.awaitFile(ready, spinner, work.resolve(name + ".out"));
                Thread.sleep(random.nextInt(200));
                spinner.destroyForcibly().waitFor();
                area.verify();
                assertEquals(0, area.cachedBytes());
                final long lost = area.bytesInUse() - inUse;
                // Killed between the pop of an allocation and the push of its free, a spinner still held that one block.
                assertTrue(lost >= 0 && lost % 64 == 0 && lost <= 64L * (round + 1), "lost " + lost + " bytes");
            }
            area.free(kept);
            area.verify();
            area.trim();
            assertEquals(area.bytesInUse() == 0 ? 0 : 1, area.segmentCount(), "all free memory went back to the superblocks");
        }
    }

    private int survivorTakeovers() throws Exception
    {
        return (int)Files.readAllLines(work.resolve("survivor.out")).stream().filter(line -> line.contains("took over")).count();
    }
}
