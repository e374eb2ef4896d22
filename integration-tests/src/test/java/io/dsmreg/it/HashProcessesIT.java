package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Shared maps used by real JVM processes, on JDK 17 and 25 together, including one killed mid-update. */
class HashProcessesIT
{
    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private DsmRegistry open()
    {
        return DsmRegistry.open(HashChild.REGISTRY, RegistryOptions.defaults().root(root()).timeout(Duration.ofSeconds(60)));
    }

    private Process child(final Path jdk, final String name, final String... args) throws Exception
    {
        return Jvm.startChild(jdk, work, name, HashChild.class, root(), args);
    }

    private Jvm.Result finish(final Process process, final String name) throws Exception
    {
        return Jvm.finishChild(process, work, name, 150);
    }

    /** Every JDK there is, in turn, for {@code count} children. */
    private static List<Path> spread(final int count)
    {
        final List<Path> homes = Jvm.homes().toList();
        final List<Path> spread = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            spread.add(homes.get(i % homes.size()));
        }
        return spread;
    }

    @Test
    void fourProcessesOfTwoThreadsIncrementingAThousandCountersLoseNoIncrement() throws Exception
    {
        final List<Process> processes = new ArrayList<>();
        final List<Path> homes = spread(4);
        for (int i = 0; i < 4; i++)
        {
            processes.add(child(homes.get(i), "count" + i, "count", "2", "25000", "1000"));
        }
        for (int i = 0; i < 4; i++)
        {
            assertEquals("25000", finish(processes.get(i), "count" + i).value("done"));
        }
        try (DsmRegistry registry = open())
        {
            final SharedMap<Long, Long> counters = registry.map(HashChild.COUNTERS, Codec.LONG, Codec.LONG);
            assertEquals(1000, counters.size());
            long sum = 0;
            for (long key = 0; key < 1000; key++)
            {
                assertEquals(100, counters.getLong(key, 0), "counter " + key + ": 4 processes x 25 increments");
                sum += counters.get(key);
            }
            assertEquals(100_000, sum);
            counters.verify();
        }
    }

    @Test
    void growthToAMillionEntriesUnderAConcurrentReaderAndWriterLosesNothing() throws Exception
    {
        final List<Path> homes = spread(2);
        final Process writer = child(homes.get(0), "grow", "grow", "1000000");
        final Process reader = child(homes.get(1), "read", "read-while-growing", "1000000", "50000");
        assertEquals("1000000", finish(writer, "grow").value("inserted"));
        final Jvm.Result read = finish(reader, "read");
        assertEquals("50000", read.value("own"));
        assertTrue(Long.parseLong(read.value("checks")) > 0, read.output());
        try (DsmRegistry registry = open())
        {
            final SharedMap<Long, Long> map = registry.map(HashChild.GROWING, Codec.LONG, Codec.LONG);
            assertEquals(1_000_000 + 1 + 50_000, map.mappingCount());
            int entries = 0;
            for (final Map.Entry<Long, Long> e : map.entrySet())
            {
                final long key = e.getKey();
                final long expected = key >= 0 ? 3 * key : key == HashChild.WATERMARK ? 1_000_000 : -2 - key;
                assertEquals(expected, e.getValue(), "key " + key);
                entries++;
            }
            assertEquals(1_050_001, entries);
            map.verify();
            final long perEntry = map.reservedBytes() / map.mappingCount();
            assertTrue(perEntry <= 40, "reserved bytes per entry " + perEntry);
        }
    }

    @ParameterizedTest(name = "victim on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aProcessKilledInTheMiddleOfUpdatesLeavesTheOthersRunningAndTheMapsConsistent(final Path victimJdk) throws Exception
    {
        final Process victim = child(victimJdk, "victim", "churn", Long.toString(Long.MAX_VALUE), "9", work.resolve("victim.report").toString());
        final List<Process> survivors = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            survivors.add(child(Jvm.current(), "survivor" + i, "churn", "300000", Integer.toString(i + 1),
                work.resolve("survivor" + i + ".report").toString()));
        }
        for (final String name : List.of("victim", "survivor0", "survivor1"))
        {
            final Path output = work.resolve(name + ".out");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(output).contains("running="))
            {
                assertTrue(System.nanoTime() < deadline, name + " never started:\n" + Files.readString(output));
                Thread.sleep(10);
            }
        }
        Thread.sleep(700);
        assertTrue(victim.isAlive(), Files.readString(work.resolve("victim.out")));
        victim.destroyForcibly().waitFor();
        for (int i = 0; i < 2; i++)
        {
            final String own = finish(survivors.get(i), "survivor" + i).value("own");
            assertEquals(Files.readString(work.resolve("survivor" + i + ".report")), own);
        }
        try (DsmRegistry registry = open())
        {
            final SharedMap<Long, Long> counters = registry.map(HashChild.COUNTERS, Codec.LONG, Codec.LONG, HashChild.FEW_PARTITIONS);
            final SharedMap<String, String> texts = registry.map(HashChild.TEXTS, Codec.STRING, Codec.STRING, HashChild.FEW_PARTITIONS);
            counters.verify();
            texts.verify();
            for (int survivor = 1; survivor <= 2; survivor++)
            {
                long own = 0;
                for (long key = survivor * 1000L; key < survivor * 1000L + 100; key++)
                {
                    own += counters.getLong(key, 0);
                }
                assertEquals(300_000, own, "survivor " + survivor + "'s own increments, all there");
            }
            for (final Map.Entry<Long, Long> e : counters.entrySet())
            {
                assertTrue(e.getValue() > 0, e.toString());
            }
            int count = 0;
            for (final Map.Entry<String, String> e : texts.entrySet())
            {
                assertTrue(e.getValue().startsWith(e.getKey() + " "), e.toString());
                count++;
            }
            assertEquals(texts.size(), count);
            // And this process carries on too.
            texts.put("after", "after the kill");
            assertEquals("after the kill", texts.get("after"));
            assertEquals(1, counters.addAndGet(123_456, 1));
        }
    }
}
