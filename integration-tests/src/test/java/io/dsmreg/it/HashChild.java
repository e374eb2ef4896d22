package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.MapOptions;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;
import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The program the hash integration tests run in child JVMs: {@code HashChild <root> <command> <args...>}.
 * Prints {@code key=value} lines; an exception or failed check prints {@code error=...} and exits 3.
 */
public final class HashChild
{
    static final String REGISTRY = "it";
    static final String COUNTERS = "counters";
    static final String STRING_COUNTERS = "string-counters";
    /**
     * The keys of STRING_COUNTERS, few so that processes race for each: ASCII in the slot, non-ASCII (encoded, not read
     * in place) and one longer than a slot keeps (compared in its block).
     */
    static final List<String> STRING_COUNTER_KEYS = List.of("GET /orders", "GET /zamówienia", "GET /\u6ce8\u6587",
        "POST /orders/{id}/lines/{line}/allocations/retry", "GET /");
    static final String GROWING = "growing";
    static final String TEXTS = "texts";
    static final String STRINGS = "strings";
    static final String SIZED = "sized";
    /** The entries the map SIZED is sized for up front, and holds. */
    static final int SIZED_ENTRIES = 100_000;
    static final MapOptions SIZED_OPTIONS = MapOptions.defaults().expectedEntries(SIZED_ENTRIES);
    /** Few partitions, so that a killed process is likely to hold one. */
    static final MapOptions FEW_PARTITIONS = MapOptions.defaults().partitions(4);
    /** The key under which the growth writer publishes how many keys it has inserted. */
    static final long WATERMARK = -1;

    private HashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(60));
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options))
        {
            switch (args[1])
            {
                case "count" -> count(registry, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]), Integer.parseInt(args[6]));
                case "grow" -> grow(registry, Integer.parseInt(args[2]));
                case "read-while-growing" -> readWhileGrowing(registry, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "churn" -> churn(registry, Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
                case "strings" -> strings(registry, args[2]);
                case "sized" -> sized(registry, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + args[1]);
            }
        }
        catch (final RuntimeException | AssertionError ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            ex.printStackTrace(System.out);
            System.out.flush();
            System.exit(3);
        }
    }

    /**
     * One phase of the String keys shared between JVMs that keep Strings differently ({@code -XX:-CompactStrings}
     * or not): "put" stores key i -> i, "add" finds each (and no absent key) and adds 1000, "check" finds i + 1000
     * and verifies the map. Prints whether this JVM compacts Strings, and how many keys the phase handled.
     */
    private static void strings(final DsmRegistry registry, final String phase)
    {
        final SharedMap<String, Long> map = registry.map(STRINGS, Codec.STRING, Codec.LONG);
        final List<String> keys = stringKeys();
        for (int i = 0; i < keys.size(); i++)
        {
            final String key = keys.get(i);
            switch (phase)
            {
                case "put" ->
                {
                    check(map.put(key, (long)i) == null, "key " + i + " was new");
                    check(Long.valueOf(i).equals(map.get(key)), "key " + i + " is found where it was put");
                }
                case "add" ->
                {
                    check(Long.valueOf(i).equals(map.get(key)), "key " + i + " " + key + " is found: " + map.get(key));
                    check(map.get("#" + key) == null && !map.containsKey("#" + key), "no key #" + i);
                    check(map.addAndGet(key, 1000) == i + 1000, "key " + i + " adds");
                }
                case "check" -> check(Long.valueOf(i + 1000).equals(map.get(key)), "key " + i + " " + key + " holds " + map.get(key));
                default -> throw new IllegalArgumentException("unknown phase " + phase);
            }
        }
        check(map.size() == keys.size(), "the map holds " + map.size() + " keys, not " + keys.size());
        map.verify();
        final String compact = ManagementFactory.getPlatformMXBean(
            HotSpotDiagnosticMXBean.class).getVMOption("CompactStrings").getValue();
        System.out.println("compactStrings=" + compact);
        System.out.println("keys=" + keys.size());
    }

    /**
     * Puts keys {@code first} to {@code first + count - 1} into the map sized up front (creating it if this process
     * is the first), and checks that its memory did not change meanwhile: no table grew, no file was added, whatever
     * the other process filling it at the same time did. Prints how many keys it put.
     */
    private static void sized(final DsmRegistry registry, final int first, final int count)
    {
        final SharedMap<String, Long> map = registry.map(SIZED, Codec.STRING, Codec.LONG, SIZED_OPTIONS);
        final long reserved = map.reservedBytes();
        final long inUse = map.bytesInUse();
        for (int i = first; i < first + count; i++)
        {
            check(map.put(sizedKey(i), (long)i) == null, "key " + i + " was new");
        }
        check(map.reservedBytes() == reserved && map.bytesInUse() == inUse, "the map's memory did not change: reserved " +
            reserved + " -> " + map.reservedBytes() + ", in use " + inUse + " -> " + map.bytesInUse());
        System.out.println("put=" + count);
    }

    static String sizedKey(final int i)
    {
        return String.format("tenant-%06d/route", i);
    }

    /**
     * Keys of 0 to 41 chars: ASCII (read in place where Strings are compact), ending in DEL, in a Latin-1 char
     * that is not ASCII (compact, but two bytes of UTF-8), in a wider char and in a surrogate pair.
     */
    static List<String> stringKeys()
    {
        final List<String> keys = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(5);
        keys.add("");
        for (int length = 1; length <= 41; length++)
        {
            final StringBuilder key = new StringBuilder();
            for (int c = 0; c < length; c++)
            {
                key.append((char)('a' + random.nextInt(26)));
            }
            final String stem = key.substring(0, length - 1);
            keys.add(key.toString());
            keys.add(stem + "\u007F");
            keys.add(stem + "\u00E9");
            keys.add(stem + "\u4E2D");
            keys.add(key + "\uD83D\uDE00");
        }
        return keys;
    }

    private static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }

    /**
     * Once every one of the {@code parties} processes is at the start barrier, two threads share
     * {@code increments} increments of the counters 0..keys-1, round robin: one with addAndGet, one
     * with merge, so both the primitive and the ConcurrentMap paths race; and as many of the few
     * STRING_COUNTERS, in turn by addAndGet, merge and compute. Prints the work window
     * ({@link StartBarrier}) and how many times a compute's function ran again.
     */
    private static void count(final DsmRegistry registry, final int threads, final int increments, final int keys,
        final Path barrier, final int parties) throws Exception
    {
        final SharedMap<Long, Long> counters = registry.map(COUNTERS, Codec.LONG, Codec.LONG);
        final SharedMap<String, Long> routes = registry.map(STRING_COUNTERS, Codec.STRING, Codec.LONG);
        // A compute whose function ran more than once found its entry changed by another writer before its write.
        final AtomicLong computes = new AtomicLong();
        final AtomicLong computeRuns = new AtomicLong();
        StartBarrier.await(barrier, parties);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            workers[t] = new Thread(() ->
            {
                try
                {
                    for (int i = thread; i < increments; i += threads)
                    {
                        final long key = i % keys;
                        if (thread % 2 == 0)
                        {
                            counters.addAndGet(key, 1);
                        }
                        else
                        {
                            counters.merge(key, 1L, Long::sum);
                        }
                        final String route = STRING_COUNTER_KEYS.get(i % STRING_COUNTER_KEYS.size());
                        switch (i / STRING_COUNTER_KEYS.size() % 3)
                        {
                            case 0 -> routes.addAndGet(route, 1);
                            case 1 -> routes.merge(route, 1L, Long::sum);
                            default -> routes.compute(route, (k, v) ->
                            {
                                computeRuns.incrementAndGet();
                                return v == null ? 1L : v + 1;
                            });
                        }
                        if (i / STRING_COUNTER_KEYS.size() % 3 == 2)
                        {
                            computes.incrementAndGet();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        StartBarrier.end();
        if (failure.get() != null)
        {
            throw new AssertionError("a counting thread failed: " + failure.get(), failure.get());
        }
        System.out.println("computeRetries=" + (computeRuns.get() - computes.get()));
        System.out.println("done=" + increments);
    }

    /** Inserts keys 0..count-1 (value 3 x key), publishing its progress under WATERMARK every 1000 keys. */
    private static void grow(final DsmRegistry registry, final int count)
    {
        final SharedMap<Long, Long> map = registry.map(GROWING, Codec.LONG, Codec.LONG);
        for (int i = 0; i < count; i++)
        {
            map.putLong(i, 3L * i);
            if ((i + 1) % 1000 == 0 || i + 1 == count)
            {
                map.putLong(WATERMARK, i + 1);
            }
        }
        System.out.println("inserted=" + count);
    }

    /**
     * While the writer grows the map: checks that every key below its watermark is there with its
     * value (sampled, and all at the end), and inserts keys of its own (negative) meanwhile.
     */
    private static void readWhileGrowing(final DsmRegistry registry, final int count, final int own)
    {
        final SharedMap<Long, Long> map = registry.map(GROWING, Codec.LONG, Codec.LONG);
        final SplittableRandom random = new SplittableRandom(7);
        long checks = 0;
        int inserted = 0;
        long watermark;
        do
        {
            watermark = map.getLong(WATERMARK, 0);
            for (int i = 0; i < 200 && watermark > 0; i++)
            {
                final long key = random.nextLong(watermark);
                final long value = map.getLong(key, -1);
                if (value != 3 * key)
                {
                    throw new AssertionError("key " + key + " below the watermark " + watermark + " has value " + value);
                }
                checks++;
            }
            if (inserted < own)
            {
                for (int i = 0; i < 50 && inserted < own; i++, inserted++)
                {
                    map.put(-2L - inserted, (long)inserted);
                }
            }
        }
        while (watermark < count);
        while (inserted < own)
        {
            map.put(-2L - inserted, (long)inserted);
            inserted++;
        }
        for (long key = 0; key < count; key++)
        {
            if (map.getLong(key, -1) != 3 * key)
            {
                throw new AssertionError("key " + key + " is missing or wrong after the growth: " + map.getLong(key, -1));
            }
        }
        System.out.println("checks=" + checks);
        System.out.println("own=" + inserted);
    }

    /**
     * Text key {@code k}: a short ASCII key (kept in the slot), a long one (in a key block) or a non-ASCII one
     * (hashed by its encoding's decoding), so that every key form meets kills and takeovers.
     */
    static String textKey(final int k)
    {
        return switch (k % 3)
        {
            case 0 -> "text " + k;
            case 1 -> "text " + k + " with a key longer than a map's slot keeps";
            default -> "t\u00ebxt \u4e2d " + k;
        };
    }

    /**
     * Updates until the file {@code stop} exists (or until killed): increments its own counters
     * (key = id x 1000 + i % 100) and shared ones, and puts, replaces and removes texts whose value
     * always starts with their key. Writes its own counters' expected sum to {@code report} at the end.
     */
    private static void churn(final DsmRegistry registry, final Path stop, final int id, final Path report) throws Exception
    {
        final SharedMap<Long, Long> counters = registry.map(COUNTERS, Codec.LONG, Codec.LONG, FEW_PARTITIONS);
        final SharedMap<String, String> texts = registry.map(TEXTS, Codec.STRING, Codec.STRING, FEW_PARTITIONS);
        final SplittableRandom random = new SplittableRandom(id);
        System.out.println("running=" + ProcessHandle.current().pid());
        System.out.flush();
        long own = 0;
        for (long round = 0; round % 1000 != 0 || !Files.exists(stop); round++)
        {
            counters.addAndGet(id * 1000L + round % 100, 1);
            own++;
            counters.merge(random.nextLong(50), 1L, Long::sum);
            final String key = textKey(random.nextInt(3000));
            switch (random.nextInt(4))
            {
                case 0 -> texts.put(key, key + " by " + id + " " + "x".repeat(random.nextInt(200)));
                case 1 -> texts.remove(key);
                case 2 -> texts.computeIfPresent(key, (k, v) -> k + " replaced by " + id);
                default -> texts.putIfAbsent(key, key + " first by " + id);
            }
        }
        Files.writeString(report, Long.toString(own));
        System.out.println("own=" + own);
    }
}
