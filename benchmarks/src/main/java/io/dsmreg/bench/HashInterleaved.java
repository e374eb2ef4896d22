package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HashBenchmark's single-thread operations on the same data, measured for a machine shared with
 * other jobs: the maps are built in one JVM, then every operation runs 1,000,000 times per round,
 * rounds interleaved so that all operations see the same load, timed by this thread's CPU time
 * (time spent descheduled does not count). Prints the median and best round per operation, and getLong
 * against its floor (one random cache-line read per operation over a region of the map's size), as the
 * median of the same-round ratios: getLong as the other operations run it, with each key read from a random
 * index of the 8 MB key array (a second random read per operation, which the floor does not make), and getLong
 * over a stream of the same random draws read in order (the map's reads the only random ones, as in the lookup
 * benchmarks of C++ hash tables).
 * Arguments: rounds (default 25); the first 5 are warm-up.
 */
public final class HashInterleaved
{
    private static final int OPS = 1_000_000;
    private static final int WARM_UP = 5;

    private static long sink;

    private HashInterleaved()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        final long[] keys = HashData.keys();
        final long[] stream = HashData.stream(keys, OPS);
        final Long[] boxed = HashData.boxed(keys);
        final Path shared = HashData.sharedDirectory("dsmreg-interleaved");
        final Path chronicleDirectory = HashData.sharedDirectory("chronicle-interleaved");
        try (DsmRegistry registry = HashData.registry(shared);
            ChronicleMap<Long, Long> chronicle = ChronicleMap.of(Long.class, Long.class).name("bench")
                .entries(HashData.ENTRIES).createPersistedTo(chronicleDirectory.resolve("bench.dat").toFile()))
        {
            final SharedMap<Long, Long> map = registry.map("bench", Codec.LONG, Codec.LONG);
            final ConcurrentHashMap<Long, Long> chm = new ConcurrentHashMap<>();
            for (final Long key : boxed)
            {
                map.putLong(key, key);
                chm.put(key, key);
                chronicle.put(key, key);
            }
            // The floor of getLong: one random cache-line read per operation over a region as large as the map's files.
            final StringInterleaved.Floor floor = new StringInterleaved.Floor(map.reservedBytes());
            final String[] names = {"sharedMapGet", "sharedMapGetLong", "concurrentHashMapGet", "chronicleMapGet",
                "sharedMapPut", "sharedMapPutLong", "concurrentHashMapPut", "chronicleMapPut", "sharedMapGetLong, keys streamed", "floor (one line)"};
            final double[][] nanos = new double[names.length][rounds];
            final int[] state = {0x2545_F491};
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int round = 0; round < rounds; round++)
            {
                for (int op = 0; op < names.length; op++)
                {
                    final long start = threads.getCurrentThreadCpuTime();
                    sink += switch (op)
                    {
                        case 0 -> get(map, boxed, state);
                        case 1 -> getLong(map, keys, state);
                        case 2 -> get(chm, boxed, state);
                        case 3 -> get(chronicle, boxed, state);
                        case 4 -> put(map, boxed, state);
                        case 5 -> putLong(map, keys, state);
                        case 6 -> put(chm, boxed, state);
                        case 7 -> put(chronicle, boxed, state);
                        case 8 -> getLongStreamed(map, stream);
                        default -> floor(floor, state);
                    };
                    nanos[op][round] = (threads.getCurrentThreadCpuTime() - start) / (double)OPS;
                }
            }
            System.out.printf("%-32s %14s %14s%n", "operation", "median ops/us", "best ops/us");
            for (int op = 0; op < names.length; op++)
            {
                final double[] measured = Arrays.copyOfRange(nanos[op], Math.min(WARM_UP, rounds - 1), rounds);
                Arrays.sort(measured);
                System.out.printf("%-32s %14.2f %14.2f%n", names[op], 1000 / measured[measured.length / 2], 1000 / measured[0]);
            }
            printOfFloor("get (boxed) / floor", nanos, 0, rounds, floor);
            printOfFloor("getLong / floor", nanos, 1, rounds, floor);
            printOfFloor("getLong, keys streamed / floor", nanos, 8, rounds, floor);
            floor.free();
        }
        finally
        {
            HashData.delete(shared);
            HashData.delete(chronicleDirectory);
        }
        if (sink == 42)
        {
            System.out.println();
        }
    }

    private static void printOfFloor(
        final String what, final double[][] nanos, final int op, final int rounds, final StringInterleaved.Floor floor)
    {
        final int first = Math.min(WARM_UP, rounds - 1);
        final double[] ofFloor = new double[rounds - first];
        for (int round = first; round < rounds; round++)
        {
            ofFloor[round - first] = nanos[nanos.length - 1][round] / nanos[op][round];
        }
        Arrays.sort(ofFloor);
        System.out.printf("%s, median of same-round ratios: %.3f (%.3f to %.3f); floor region %d MiB%n",
            what, ofFloor[ofFloor.length / 2], ofFloor[0], ofFloor[ofFloor.length - 1], floor.length >> 20);
    }

    // One copy per map type, so that each loop has a profile of its own (as each JMH benchmark has its own fork).

    private static long get(final SharedMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.get(keys[HashData.next(state)]);
        }
        return sum;
    }

    private static long get(final ConcurrentHashMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.get(keys[HashData.next(state)]);
        }
        return sum;
    }

    private static long get(final ChronicleMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.get(keys[HashData.next(state)]);
        }
        return sum;
    }

    private static long floor(final StringInterleaved.Floor floor, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += floor.read(state);
        }
        return sum;
    }

    private static long getLong(final SharedMap<Long, Long> map, final long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.getLong(keys[HashData.next(state)], -1);
        }
        return sum;
    }

    private static long getLongStreamed(final SharedMap<Long, Long> map, final long[] stream)
    {
        long sum = 0;
        for (final long key : stream)
        {
            sum += map.getLong(key, -1);
        }
        return sum;
    }

    private static long put(final SharedMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            sum += map.put(keys[index], state[0] & 0xFFFFL);
        }
        return sum;
    }

    private static long put(final ConcurrentHashMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            sum += map.put(keys[index], state[0] & 0xFFFFL);
        }
        return sum;
    }

    private static long put(final ChronicleMap<Long, Long> map, final Long[] keys, final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            sum += map.put(keys[index], state[0] & 0xFFFFL);
        }
        return sum;
    }

    private static long putLong(final SharedMap<Long, Long> map, final long[] keys, final int[] state)
    {
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            map.putLong(keys[index], state[0]);
        }
        return 0;
    }
}
