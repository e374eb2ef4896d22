package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.MapOptions;
import io.dsmreg.SharedMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memory per entry of 1,000,000 random Long to Long entries: SharedMap's reserved bytes (all of its
 * files) and bytes in use, grown from empty and sized up front ({@code MapOptions.expectedEntries}), ConcurrentHashMap's retained heap (used heap after full GCs, with and
 * without the map), and Chronicle Map's file size for the same entries. Run with the same flags as
 * the JMH forks: {@code java <flags> -cp benchmarks/target/benchmarks.jar io.dsmreg.bench.HashMemory}.
 */
public final class HashMemory
{
    private HashMemory()
    {
    }

    private static void sharedMap(final long[] keys, final String how, final MapOptions options) throws Exception
    {
        final Path directory = HashData.sharedDirectory("dsmreg-memory");
        try (DsmRegistry registry = HashData.registry(directory))
        {
            final SharedMap<Long, Long> map = registry.map("memory", Codec.LONG, Codec.LONG, options);
            long peak = 0;
            for (int i = 0; i < keys.length; i++)
            {
                map.putLong(keys[i], keys[i]);
                if ((i & 0xFFF) == 0)
                {
                    peak = Math.max(peak, map.reservedBytes());
                }
                if ((i + 1) % 250_000 == 0 && i + 1 < keys.length)
                {
                    System.out.printf("SharedMap<Long,Long> (%s) at %d entries: reserved %.1f B/entry%n", how, i + 1,
                        (double)map.reservedBytes() / (i + 1));
                }
            }
            peak = Math.max(peak, map.reservedBytes());
            System.out.printf("SharedMap<Long,Long> (%s): %d entries, reserved %d bytes = %.1f B/entry (peak while growing %.1f B/entry), " +
                "in use %d bytes = %.1f B/entry%n", how, map.mappingCount(), map.reservedBytes(),
                (double)map.reservedBytes() / map.mappingCount(), (double)peak / map.mappingCount(), map.bytesInUse(),
                (double)map.bytesInUse() / map.mappingCount());
        }
        finally
        {
            HashData.delete(directory);
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final long[] keys = HashData.keys();
        sharedMap(keys, "grown", MapOptions.defaults());
        sharedMap(keys, "expectedEntries(" + HashData.ENTRIES + ")", MapOptions.defaults().expectedEntries(HashData.ENTRIES));

        final long before = usedHeap();
        ConcurrentHashMap<Long, Long> chm = new ConcurrentHashMap<>();
        for (final long key : keys)
        {
            chm.put(key, key);
        }
        final long with = usedHeap();
        System.out.printf("ConcurrentHashMap<Long,Long>: %d entries, retained heap %d bytes = %.1f B/entry%n",
            chm.size(), with - before, (double)(with - before) / chm.size());
        chm = null;

        final Path chronicleDirectory = HashData.sharedDirectory("chronicle-memory");
        try (ChronicleMap<Long, Long> chronicle = ChronicleMap.of(Long.class, Long.class).name("memory")
            .entries(HashData.ENTRIES).createPersistedTo(chronicleDirectory.resolve("memory.dat").toFile()))
        {
            for (final long key : keys)
            {
                chronicle.put(key, key);
            }
            final long file = Files.size(chronicleDirectory.resolve("memory.dat"));
            System.out.printf("ChronicleMap<Long,Long> (entries(1000000)): %d entries, file %d bytes = %.1f B/entry, " +
                "offHeapMemoryUsed %d bytes = %.1f B/entry%n", chronicle.size(), file, (double)file / chronicle.size(),
                chronicle.offHeapMemoryUsed(), (double)chronicle.offHeapMemoryUsed() / chronicle.size());
        }
        finally
        {
            HashData.delete(chronicleDirectory);
        }
    }

    static long usedHeap() throws InterruptedException
    {
        final Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
