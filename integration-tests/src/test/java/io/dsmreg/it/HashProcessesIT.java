package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.dsmreg.internal.hash.HashTable;
import io.dsmreg.internal.layout.HashDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.*;

/** Shared maps used by real JVM processes, on JDK 17 and 25 together, including ones killed while holding a partition. */
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
        final List<Path> homes = Jvm.installed();
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
        final int processes = 4;
        final int increments = 200_000;
        final List<Process> children = new ArrayList<>();
        final List<Path> homes = spread(processes);
        for (int i = 0; i < processes; i++)
        {
            children.add(child(homes.get(i), "count" + i, "count", "2", Integer.toString(increments), "1000",
                work.resolve("barrier").toString(), Integer.toString(processes)));
        }
        final List<Jvm.Result> results = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            final Jvm.Result result = finish(children.get(i), "count" + i);
            assertEquals(Integer.toString(increments), result.value("done"));
            results.add(result);
        }
        StartBarrier.assertOverlapped(results, "counters");
        try (DsmRegistry registry = open())
        {
            final SharedMap<Long, Long> counters = registry.map(HashChild.COUNTERS, Codec.LONG, Codec.LONG);
            assertEquals(1000, counters.size());
            long sum = 0;
            for (long key = 0; key < 1000; key++)
            {
                assertEquals(processes * increments / 1000, counters.getLong(key, 0),
                    "counter " + key + ": " + processes + " processes x " + increments / 1000 + " increments");
                sum += counters.get(key);
            }
            assertEquals((long)processes * increments, sum);
            counters.verify();
            final SharedMap<String, Long> routes = registry.map(HashChild.STRING_COUNTERS, Codec.STRING, Codec.LONG);
            assertEquals(HashChild.STRING_COUNTER_KEYS.size(), routes.size());
            for (final String route : HashChild.STRING_COUNTER_KEYS)
            {
                assertEquals(processes * increments / HashChild.STRING_COUNTER_KEYS.size(), routes.get(route), route);
            }
            routes.verify();
        }
        // The race the loops of merge and compute are for happened: a compute found its entry changed before its write.
        long retries = 0;
        for (final Jvm.Result result : results)
        {
            retries += Long.parseLong(result.value("computeRetries"));
        }
        assertTrue(retries > 0, "no compute of " + processes + " processes on " + HashChild.STRING_COUNTER_KEYS.size() +
            " keys ran its function again");
    }

    /**
     * A JVM run with {@code -XX:-CompactStrings} keeps every String in UTF-16 and encodes keys char by char; a
     * default JVM reads an ASCII String's own bytes in place: both must write and find the same keys.
     */
    @Test
    void processesWithAndWithoutCompactStringsShareStringKeys() throws Exception
    {
        final List<String> utf16 = List.of(Jvm.AGRONA_FLAG, "-XX:-CompactStrings");
        final String[] phases = {"put", "add", "check"};
        for (int phase = 0; phase < phases.length; phase++)
        {
            final boolean compact = phase == 1;
            final Path output = work.resolve("strings-" + phases[phase] + ".out");
            final Process process = Jvm.start(Jvm.current(), output, compact ? List.of(Jvm.AGRONA_FLAG) : utf16, HashChild.class,
                root().toString(), "strings", phases[phase]);
            final Jvm.Result result = Jvm.await(process, output, "strings " + phases[phase], 120);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(Boolean.toString(compact), result.value("compactStrings"), "the flag took effect: " + result.output());
            assertEquals(Integer.toString(HashChild.stringKeys().size()), result.value("keys"));
        }
        try (DsmRegistry registry = open())
        {
            final SharedMap<String, Long> map = registry.map(HashChild.STRINGS, Codec.STRING, Codec.LONG);
            final List<String> keys = HashChild.stringKeys();
            for (int i = 0; i < keys.size(); i++)
            {
                assertEquals(i + 1000L, map.get(keys.get(i)), keys.get(i));
            }
        }
    }

    /**
     * Two processes (on each JDK there is) fill a map sized up front for their keys, at the same time: each sees the
     * map's memory unchanged by every put, its own and the other's. Another process finds every key, in tables about
     * as large as their one file, and asking for the map unsized is a mismatch.
     */
    @Test
    void twoProcessesFillAMapSizedUpFrontWithoutGrowingIt() throws Exception
    {
        final List<Path> homes = spread(2);
        final int half = HashChild.SIZED_ENTRIES / 2;
        final Process first = child(homes.get(0), "sized-first", "sized", "0", Integer.toString(half));
        final Process second = child(homes.get(1), "sized-second", "sized", Integer.toString(half), Integer.toString(half));
        assertEquals(Integer.toString(half), finish(first, "sized-first").value("put"));
        assertEquals(Integer.toString(half), finish(second, "sized-second").value("put"));
        try (DsmRegistry registry = open())
        {
            final SharedMap<String, Long> map = registry.map(HashChild.SIZED, Codec.STRING, Codec.LONG, HashChild.SIZED_OPTIONS);
            assertEquals(HashChild.SIZED_ENTRIES, map.size());
            for (int i = 0; i < HashChild.SIZED_ENTRIES; i++)
            {
                assertEquals(i, map.get(HashChild.sizedKey(i)), HashChild.sizedKey(i));
            }
            assertTrue(map.reservedBytes() < map.bytesInUse() * 21 / 20 + (1 << 16),
                "reserved " + map.reservedBytes() + " for " + map.bytesInUse() + " in use");
            map.verify();
            final EntryMismatchException ex =
                assertThrows(EntryMismatchException.class, () -> registry.map(HashChild.SIZED, Codec.STRING, Codec.LONG));
            assertTrue(ex.getMessage().contains("sized for " + HashChild.SIZED_ENTRIES + " entries"), ex.getMessage());
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

    /**
     * Victims churn beside two survivors; each victim is killed at a moment its pid is seen in a partition's
     * lock word (read from the shared header files), and the rounds go on, bounded, until a takeover of a
     * dead holder's partition was reported: by a survivor, a later victim or this process. Every round ends
     * with both maps verified.
     */
    @ParameterizedTest(name = "victim on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aProcessKilledWhileHoldingAPartitionIsTakenOverAndTheOthersKeepRunningWithConsistentMaps(final Path victimJdk)
        throws Exception
    {
        final Path stop = work.resolve("stop");
        final List<Process> survivors = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            survivors.add(child(Jvm.current(), "survivor" + i, "churn", stop.toString(), Integer.toString(i + 1),
                work.resolve("survivor" + i + ".report").toString()));
            awaitRunning("survivor" + i, survivors.get(i));
        }
        final List<String> children = new ArrayList<>(List.of("survivor0", "survivor1"));
        final TakeoverCounter here = new TakeoverCounter();
        int rounds = 0;
        try (DsmRegistry registry = open())
        {
            final SharedMap<Long, Long> counters = registry.map(HashChild.COUNTERS, Codec.LONG, Codec.LONG, HashChild.FEW_PARTITIONS);
            final SharedMap<String, String> texts = registry.map(HashChild.TEXTS, Codec.STRING, Codec.STRING, HashChild.FEW_PARTITIONS);
            final List<PartitionLocks> locks = PartitionLocks.of(registry.directory());
            assertEquals(2, locks.size(), "the header files of the two maps in " + registry.directory());
            while (rounds < 3 || (rounds < 15 && here.count() + reportedTakeovers(children) == 0))
            {
                final String name = "victim" + rounds;
                children.add(name);
                final Process victim = child(victimJdk, name, "churn", work.resolve("never").toString(), Integer.toString(9),
                    work.resolve(name + ".report").toString());
                awaitRunning(name, victim);
                killWhileHolding(victim, locks, name);
                counters.verify();
                texts.verify();
                rounds++;
            }
            final int takeovers = here.count() + reportedTakeovers(children);
            System.out.println("map kills: " + rounds + " victims killed holding a partition, " + takeovers + " takeovers reported");
            assertTrue(takeovers > 0, "in " + rounds + " kills, no process reported taking a partition over from a dead holder");

            Files.createFile(stop);
            for (int i = 0; i < 2; i++)
            {
                final String own = finish(survivors.get(i), "survivor" + i).value("own");
                assertEquals(Files.readString(work.resolve("survivor" + i + ".report")), own);
                long counted = 0;
                for (long key = (i + 1) * 1000L; key < (i + 1) * 1000L + 100; key++)
                {
                    counted += counters.getLong(key, 0);
                }
                assertEquals(Long.parseLong(own), counted, "survivor " + (i + 1) + "'s own increments, all there");
            }
            counters.verify();
            texts.verify();
            for (final Map.Entry<Long, Long> e : counters.entrySet())
            {
                assertTrue(e.getValue() > 0, e.toString());
            }
            int count = 0;
            for (final Map.Entry<String, String> e : texts.entrySet())
            {
                assertTrue(e.getValue().startsWith(e.getKey() + " "), e.toString());
                // Found by this process's hash of the String, whichever process stored it and in whichever form.
                assertEquals(e.getValue(), texts.get(e.getKey()), e.getKey());
                count++;
            }
            assertEquals(texts.size(), count);
            // And this process carries on too.
            texts.put("after", "after the kill");
            assertEquals("after the kill", texts.get("after"));
            assertEquals(1, counters.addAndGet(123_456, 1));
        }
        finally
        {
            here.close();
            for (final Process survivor : survivors)
            {
                survivor.destroyForcibly().waitFor();
            }
        }
    }

    private void awaitRunning(final String name, final Process process) throws Exception
    {
        Children.awaitLine(work.resolve(name + ".out"), "running=", process);
    }

    /** Kills {@code victim} the moment one of the partition locks is seen to name it as its holder (bounded). */
    private void killWhileHolding(final Process victim, final List<PartitionLocks> locks, final String name) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (locks.stream().noneMatch(partitions -> partitions.heldBy(victim.pid())))
        {
            if (!victim.isAlive() || System.nanoTime() - deadline > 0)
            {
                victim.destroyForcibly().waitFor();
                fail(name + " was never seen holding a partition lock:\n" + Files.readString(work.resolve(name + ".out")));
            }
            Thread.onSpinWait();
        }
        victim.destroyForcibly().waitFor();
    }

    /** Lines in which children reported taking a partition over from a dead holder (System.Logger, to their output). */
    private int reportedTakeovers(final List<String> children) throws Exception
    {
        int count = 0;
        for (final String child : children)
        {
            count += (int)Files.readAllLines(work.resolve(child + ".out")).stream()
                .filter(line -> line.contains(TakeoverCounter.TOOK_OVER)).count();
        }
        return count;
    }

    /** The partition lock words of one hash table header file, mapped read-only ({@link HashDescriptor}). */
    private record PartitionLocks(UnsafeBuffer header, int partitions)
    {
        static List<PartitionLocks> of(final Path registryDirectory) throws Exception
        {
            final List<PartitionLocks> all = new ArrayList<>();
            try (var files = Files.list(registryDirectory))
            {
                for (final Path file : files.filter(f -> f.getFileName().toString().endsWith("_" + HashDescriptor.HEADER_PART + ".dsm"))
                    .toList())
                {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                    {
                        final UnsafeBuffer header = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
                        all.add(new PartitionLocks(header, header.getInt(HashDescriptor.PARTITION_COUNT_OFFSET)));
                    }
                }
            }
            return all;
        }

        boolean heldBy(final long pid)
        {
            for (int p = 0; p < partitions; p++)
            {
                if (header.getLongVolatile(HashDescriptor.partitionOffset(p) + HashDescriptor.LOCK_OFFSET) >>> 32 == pid)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /** Counts this process's reports of a partition taken over from a dead holder (the hash table's System.Logger, on JUL). */
    private static final class TakeoverCounter extends Handler
    {
        static final String TOOK_OVER = "took over the lock of a dead process";
        private final Logger logger = Logger.getLogger(HashTable.class.getName());
        private final AtomicInteger count = new AtomicInteger();

        TakeoverCounter()
        {
            logger.addHandler(this);
        }

        int count()
        {
            return count.get();
        }

        @Override
        public void publish(final LogRecord record)
        {
            if (new SimpleFormatter().formatMessage(record).contains(TOOK_OVER))
            {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
            logger.removeHandler(this);
        }
    }
}
