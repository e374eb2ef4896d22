package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.MapOptions;
import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.lmdbjava.Dbi;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * String-keyed maps side by side in one JVM (issue 13): {@code SharedMap} against
 * {@code ConcurrentHashMap}, Chronicle Map and LMDB, on the same keys, in interleaved rounds so that
 * every map sees the same load; beside every get, the physical floor: one random cache-line read per
 * operation over an off-heap region as large as the SharedMap's files, with the same random index
 * sequence.
 * <ul>
 *   <li>String -> Long, keys of 8 to 40 ASCII characters: get, put, merge(key, 1L, Long::sum) and
 *       SharedMap's addAndGet(key, 1), compute(key, (k, v) -> v == null ? 1 : v + 1);</li>
 *   <li>String -> Long, keys with about a quarter of their characters outside ASCII: get, merge;</li>
 *   <li>String -> String and String -> byte[], values of 16 B to 1 KiB: get, put (a value of another
 *       random size each time).</li>
 * </ul>
 * Each case runs {@code ops} operations per thread per round. A round's throughput is, per thread,
 * operations over that thread's CPU time (time spent descheduled by the busy machine does not count),
 * summed over the threads; with 2 threads both run at once on the same map. Prints the median and
 * best round of each case and, per group, the median over rounds of the same-round ratios.
 * Arguments: rounds (default 11, the first 3 warm-up), threads (1), String -> Long entries (500,000),
 * String -> String/byte[] entries (100,000), operations per round (200,000).
 */
public final class StringInterleaved
{
    private static final int WARM_UP = 3;
    private static final int LINE = 64;

    /** compute's function: a counter's increment, absent counting as 0 (merge's Long::sum, written as compute). */
    private static final BiFunction<String, Long, Long> INCREMENT = (key, value) -> value == null ? 1L : value + 1;

    private static int ops;
    private static volatile long sink;

    /** One case: {@link #ops} operations of one kind on one map, from the index stream {@code state}. */
    private interface Op
    {
        long run(int[] state);
    }

    private record Case(String group, String name, Op op)
    {
    }

    private StringInterleaved()
    {
    }

    public static void main(final String[] args) throws IOException, InterruptedException, ExecutionException
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        final int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        final int entries = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
        final int valueEntries = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        ops = args.length > 4 ? Integer.parseInt(args[4]) : 200_000;

        final String[] ascii = StringData.keys(entries, false, 42);
        final String[] nonAscii = StringData.keys(entries, true, 43);
        final String[] valueKeys = StringData.keys(valueEntries, false, 44);
        final String[] strings = StringData.stringValues(valueEntries, 45);
        final byte[][] bytes = StringData.byteValues(valueEntries, 46);
        final double averageValue = 16 + (1024 - 16) / 2.0;

        final Path shared = HashData.sharedDirectory("dsmreg-strings");
        final Path chronicleDirectory = HashData.sharedDirectory("chronicle-strings");
        final Path lmdbDirectory = HashData.sharedDirectory("lmdb-strings");
        final List<Floor> floors = new ArrayList<>();
        try (DsmRegistry registry = HashData.registry(shared);
            ChronicleMap<String, Long> csl = ChronicleMap.of(String.class, Long.class).name("sl").entries(entries)
                .averageKeySize(StringData.averageLength(ascii)).createPersistedTo(file(chronicleDirectory, "sl"));
            ChronicleMap<String, Long> csn = ChronicleMap.of(String.class, Long.class).name("sn").entries(entries)
                .averageKeySize(StringData.averageLength(nonAscii)).createPersistedTo(file(chronicleDirectory, "sn"));
            ChronicleMap<String, String> css = ChronicleMap.of(String.class, String.class).name("ss").entries(valueEntries)
                .averageKeySize(StringData.averageLength(valueKeys)).averageValueSize(averageValue)
                .createPersistedTo(file(chronicleDirectory, "ss"));
            ChronicleMap<String, byte[]> csb = ChronicleMap.of(String.class, byte[].class).name("sb").entries(valueEntries)
                .averageKeySize(StringData.averageLength(valueKeys)).averageValueSize(averageValue)
                .createPersistedTo(file(chronicleDirectory, "sb"));
            LmdbStore lmdb = new LmdbStore(lmdbDirectory, 8L << 30))
        {
            // -Ddsmreg.bench.inlineKeyLength=N: how long a key the SharedMaps keep in their slots (MapOptions).
            final MapOptions options = MapOptions.defaults().inlineKeyLength(
                Integer.getInteger("dsmreg.bench.inlineKeyLength", MapOptions.DEFAULT_INLINE_KEY_LENGTH));
            // -Ddsmreg.bench.sized=true: the SharedMaps sized up front for their entries, as the Chronicle Maps are.
            final boolean sized = Boolean.getBoolean("dsmreg.bench.sized");
            final MapOptions keyOptions = sized ? options.expectedEntries(entries) : options;
            final MapOptions valueOptions = sized ? options.expectedEntries(valueEntries) : options;
            final SharedMap<String, Long> sl = registry.map("sl", Codec.STRING, Codec.LONG, keyOptions);
            final SharedMap<String, Long> sn = registry.map("sn", Codec.STRING, Codec.LONG, keyOptions);
            final SharedMap<String, String> ss = registry.map("ss", Codec.STRING, Codec.STRING, valueOptions);
            final SharedMap<String, byte[]> sb = registry.map("sb", Codec.STRING, Codec.BYTES, valueOptions);
            final ConcurrentHashMap<String, Long> hsl = new ConcurrentHashMap<>();
            final ConcurrentHashMap<String, Long> hsn = new ConcurrentHashMap<>();
            final ConcurrentHashMap<String, String> hss = new ConcurrentHashMap<>();
            final ConcurrentHashMap<String, byte[]> hsb = new ConcurrentHashMap<>();
            final Dbi<DirectBuffer> lsl = lmdb.open("sl");
            final Dbi<DirectBuffer> lsn = lmdb.open("sn");
            final Dbi<DirectBuffer> lss = lmdb.open("ss");
            final Dbi<DirectBuffer> lsb = lmdb.open("sb");
            for (int i = 0; i < entries; i++)
            {
                sl.put(ascii[i], (long)i);
                hsl.put(ascii[i], (long)i);
                csl.put(ascii[i], (long)i);
                lmdb.putLong(lsl, ascii[i], i);
                sn.put(nonAscii[i], (long)i);
                hsn.put(nonAscii[i], (long)i);
                csn.put(nonAscii[i], (long)i);
                lmdb.putLong(lsn, nonAscii[i], i);
            }
            for (int i = 0; i < valueEntries; i++)
            {
                ss.put(valueKeys[i], strings[i]);
                hss.put(valueKeys[i], strings[i]);
                css.put(valueKeys[i], strings[i]);
                lmdb.putString(lss, valueKeys[i], strings[i]);
                sb.put(valueKeys[i], bytes[i]);
                hsb.put(valueKeys[i], bytes[i]);
                csb.put(valueKeys[i], bytes[i]);
                lmdb.putBytes(lsb, valueKeys[i], bytes[i]);
            }
            final Floor fsl = new Floor(sl.reservedBytes());
            final Floor fsn = new Floor(sn.reservedBytes());
            final Floor fss = new Floor(ss.reservedBytes());
            final Floor fsb = new Floor(sb.reservedBytes());
            floors.addAll(List.of(fsl, fsn, fss, fsb));

            final int n = entries;
            final int v = valueEntries;
            final List<Case> cases = new ArrayList<>();
            // String -> Long, ASCII keys. One lambda per map and operation: each loop gets a profile of its own.
            cases.add(new Case("S->L get", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sl.get(ascii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L get", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsl.get(ascii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L get", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csl.get(ascii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L get", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.getLong(lsl, ascii[StringData.next(s, n)], -1); return r; }));
            cases.add(new Case("S->L get", "floor", s -> { long r = 0; for (int i = 0; i < ops; i++) r += fsl.read(s); return r; }));
            cases.add(new Case("S->L put", "sharedMap", s -> { for (int i = 0; i < ops; i++) sl.put(ascii[StringData.next(s, n)], s[0] & 0xFFFFL); return 0; }));
            cases.add(new Case("S->L put", "concurrentHashMap", s -> { for (int i = 0; i < ops; i++) hsl.put(ascii[StringData.next(s, n)], s[0] & 0xFFFFL); return 0; }));
            cases.add(new Case("S->L put", "chronicleMap", s -> { for (int i = 0; i < ops; i++) csl.put(ascii[StringData.next(s, n)], s[0] & 0xFFFFL); return 0; }));
            cases.add(new Case("S->L put", "lmdb", s -> { for (int i = 0; i < ops; i++) lmdb.putLong(lsl, ascii[StringData.next(s, n)], s[0] & 0xFFFFL); return 0; }));
            cases.add(new Case("S->L merge", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sl.merge(ascii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L merge", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsl.merge(ascii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L merge", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csl.merge(ascii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L merge", "sharedMap.addAndGet", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sl.addAndGet(ascii[StringData.next(s, n)], 1L); return r; }));
            cases.add(new Case("S->L merge", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.addAndGet(lsl, ascii[StringData.next(s, n)], 1); return r; }));
            cases.add(new Case("S->L compute", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sl.compute(ascii[StringData.next(s, n)], INCREMENT); return r; }));
            cases.add(new Case("S->L compute", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsl.compute(ascii[StringData.next(s, n)], INCREMENT); return r; }));
            cases.add(new Case("S->L compute", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csl.compute(ascii[StringData.next(s, n)], INCREMENT); return r; }));
            cases.add(new Case("S->L compute", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.addAndGet(lsl, ascii[StringData.next(s, n)], 1); return r; }));
            // String -> Long, non-ASCII keys.
            cases.add(new Case("S->L non-ASCII get", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sn.get(nonAscii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L non-ASCII get", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsn.get(nonAscii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L non-ASCII get", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csn.get(nonAscii[StringData.next(s, n)]); return r; }));
            cases.add(new Case("S->L non-ASCII get", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.getLong(lsn, nonAscii[StringData.next(s, n)], -1); return r; }));
            cases.add(new Case("S->L non-ASCII get", "floor", s -> { long r = 0; for (int i = 0; i < ops; i++) r += fsn.read(s); return r; }));
            cases.add(new Case("S->L non-ASCII merge", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sn.merge(nonAscii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L non-ASCII merge", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsn.merge(nonAscii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L non-ASCII merge", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csn.merge(nonAscii[StringData.next(s, n)], 1L, Long::sum); return r; }));
            cases.add(new Case("S->L non-ASCII merge", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.addAndGet(lsn, nonAscii[StringData.next(s, n)], 1); return r; }));
            // String -> String, values of 16 B to 1 KiB.
            cases.add(new Case("S->S get", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += ss.get(valueKeys[StringData.next(s, v)]).length(); return r; }));
            cases.add(new Case("S->S get", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hss.get(valueKeys[StringData.next(s, v)]).length(); return r; }));
            cases.add(new Case("S->S get", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += css.get(valueKeys[StringData.next(s, v)]).length(); return r; }));
            cases.add(new Case("S->S get", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.getString(lss, valueKeys[StringData.next(s, v)]).length(); return r; }));
            cases.add(new Case("S->S get", "floor", s -> { long r = 0; for (int i = 0; i < ops; i++) r += fss.read(s); return r; }));
            cases.add(new Case("S->S put", "sharedMap", s -> { for (int i = 0; i < ops; i++) ss.put(valueKeys[StringData.next(s, v)], strings[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->S put", "concurrentHashMap", s -> { for (int i = 0; i < ops; i++) hss.put(valueKeys[StringData.next(s, v)], strings[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->S put", "chronicleMap", s -> { for (int i = 0; i < ops; i++) css.put(valueKeys[StringData.next(s, v)], strings[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->S put", "lmdb", s -> { for (int i = 0; i < ops; i++) lmdb.putString(lss, valueKeys[StringData.next(s, v)], strings[StringData.next(s, v)]); return 0; }));
            // String -> byte[], values of 16 B to 1 KiB.
            cases.add(new Case("S->B get", "sharedMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += sb.get(valueKeys[StringData.next(s, v)]).length; return r; }));
            cases.add(new Case("S->B get", "concurrentHashMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += hsb.get(valueKeys[StringData.next(s, v)]).length; return r; }));
            cases.add(new Case("S->B get", "chronicleMap", s -> { long r = 0; for (int i = 0; i < ops; i++) r += csb.get(valueKeys[StringData.next(s, v)]).length; return r; }));
            cases.add(new Case("S->B get", "lmdb", s -> { long r = 0; for (int i = 0; i < ops; i++) r += lmdb.getBytes(lsb, valueKeys[StringData.next(s, v)]).length; return r; }));
            cases.add(new Case("S->B get", "floor", s -> { long r = 0; for (int i = 0; i < ops; i++) r += fsb.read(s); return r; }));
            cases.add(new Case("S->B put", "sharedMap", s -> { for (int i = 0; i < ops; i++) sb.put(valueKeys[StringData.next(s, v)], bytes[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->B put", "concurrentHashMap", s -> { for (int i = 0; i < ops; i++) hsb.put(valueKeys[StringData.next(s, v)], bytes[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->B put", "chronicleMap", s -> { for (int i = 0; i < ops; i++) csb.put(valueKeys[StringData.next(s, v)], bytes[StringData.next(s, v)]); return 0; }));
            cases.add(new Case("S->B put", "lmdb", s -> { for (int i = 0; i < ops; i++) lmdb.putBytes(lsb, valueKeys[StringData.next(s, v)], bytes[StringData.next(s, v)]); return 0; }));

            System.out.printf("%d threads, %d String->Long entries (ASCII keys %.1f B, non-ASCII %.1f B of UTF-8 on average), " +
                "%d String->String/byte[] entries, %d ops per thread per round, %d rounds (%d warm-up)%n", threads, entries,
                StringData.averageLength(ascii), StringData.averageLength(nonAscii), valueEntries, ops, rounds, WARM_UP);
            System.out.printf("floor regions (SharedMap's files): S->L %d MiB, non-ASCII %d MiB, S->S %d MiB, S->B %d MiB%n",
                fsl.length >> 20, fsn.length >> 20, fss.length >> 20, fsb.length >> 20);
            final double[][] rates = new double[cases.size()][rounds];
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try
            {
                for (int round = 0; round < rounds; round++)
                {
                    for (int c = 0; c < cases.size(); c++)
                    {
                        rates[c][round] = measure(cases.get(c).op(), pool, threads, 0x2545_F491 + round * 7919);
                    }
                }
            }
            finally
            {
                pool.shutdownNow();
            }
            report(cases, rates);
        }
        finally
        {
            floors.forEach(Floor::free);
            HashData.delete(shared);
            HashData.delete(chronicleDirectory);
            HashData.delete(lmdbDirectory);
        }
    }

    private static File file(final Path directory, final String name)
    {
        return directory.resolve(name + ".dat").toFile();
    }

    /**
     * Ops per microsecond of one round of {@code op} in each of the pool's threads at once, each timed by its
     * CPU time. The threads live for the whole run (LMDB keeps one read transaction per thread).
     */
    private static double measure(final Op op, final ExecutorService pool, final int threads, final int seed)
        throws InterruptedException, ExecutionException
    {
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        final List<Future<Double>> rates = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            rates.add(pool.submit(() ->
            {
                // Every map of a group sees the same index sequence (the floor too).
                final int[] state = {seed + index * 104_729};
                final long start = cpu.getCurrentThreadCpuTime();
                sink += op.run(state);
                return ops * 1000.0 / (cpu.getCurrentThreadCpuTime() - start);
            }));
        }
        double sum = 0;
        for (final Future<Double> rate : rates)
        {
            sum += rate.get();
        }
        return sum;
    }

    private static void report(final List<Case> cases, final double[][] rates)
    {
        System.out.printf("%-22s %-18s %14s %14s%n", "group", "map", "median ops/us", "best ops/us");
        final Map<String, Map<String, double[]>> groups = new LinkedHashMap<>();
        for (int c = 0; c < cases.size(); c++)
        {
            final double[] measured = Arrays.copyOfRange(rates[c], Math.min(WARM_UP, rates[c].length - 1), rates[c].length);
            groups.computeIfAbsent(cases.get(c).group(), g -> new LinkedHashMap<>()).put(cases.get(c).name(), measured);
            final double[] sorted = measured.clone();
            Arrays.sort(sorted);
            System.out.printf("%-22s %-18s %14.3f %14.3f%n", cases.get(c).group(), cases.get(c).name(),
                sorted[sorted.length / 2], sorted[sorted.length - 1]);
        }
        System.out.println();
        System.out.println("same-round ratios (median over rounds): sharedMap / each other");
        for (final Map.Entry<String, Map<String, double[]>> group : groups.entrySet())
        {
            // The SharedMap's case against every other; another operation of the SharedMap's (sharedMap.addAndGet)
            // against the other maps too, on a line of its own.
            for (final String subject : group.getValue().keySet())
            {
                if (!subject.startsWith("sharedMap"))
                {
                    continue;
                }
                final double[] shared = group.getValue().get(subject);
                final String label = subject.equals("sharedMap") ? group.getKey() :
                    group.getKey() + " (" + subject.substring("sharedMap.".length()) + ")";
                final StringBuilder line = new StringBuilder(String.format("%-22s", label));
                for (final Map.Entry<String, double[]> other : group.getValue().entrySet())
                {
                    if (other.getKey().equals(subject) || !subject.equals("sharedMap") && other.getKey().startsWith("sharedMap"))
                    {
                        continue;
                    }
                    final double[] ratios = new double[shared.length];
                    for (int r = 0; r < shared.length; r++)
                    {
                        ratios[r] = shared[r] / other.getValue()[r];
                    }
                    Arrays.sort(ratios);
                    line.append(String.format("  vs %s %.2fx (%.2f..%.2f)", other.getKey(), ratios[ratios.length / 2], ratios[0],
                        ratios[ratios.length - 1]));
                }
                System.out.println(line);
            }
        }
    }

    /** The physical floor: one random cache-line read per operation over an off-heap region of a map's size. */
    static final class Floor
    {
        final long length;
        private final long address;
        private final int lines;

        Floor(final long length)
        {
            this.length = length;
            this.address = UnsafeApi.allocateMemory(length);
            this.lines = (int)(length / LINE);
            // Touched, so that every line is backed by memory before the first round.
            UnsafeApi.setMemory(address, length, (byte)1);
        }

        /** Reads one random line: the next index of the same stream the maps' cases draw from, over the region's lines. */
        long read(final int[] state)
        {
            return UnsafeApi.getLong(null, address + (long)StringData.next(state, lines) * LINE);
        }

        void free()
        {
            UnsafeApi.freeMemory(address);
        }
    }
}
