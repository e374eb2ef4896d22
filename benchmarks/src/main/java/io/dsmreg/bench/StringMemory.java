package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.MapOptions;
import io.dsmreg.SharedMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.DirectBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memory per entry of 1,000,000 String to Long entries, keys of 24 ASCII characters (issue 13):
 * SharedMap's reserved bytes (all of its files) and bytes in use, grown from empty and sized up front
 * ({@code MapOptions.expectedEntries(1_000_000)}), Chronicle Map's file sized for the
 * same data ({@code entries(1_000_000).averageKeySize(24)}), LMDB's pages in use, and
 * ConcurrentHashMap's retained heap. Run with the benchmarks' flags:
 * {@code java <flags> -Xmx2g -cp benchmarks/target/benchmarks.jar io.dsmreg.bench.StringMemory}.
 */
public final class StringMemory
{
    private static final int ENTRIES = 1_000_000;
    private static final int KEY_LENGTH = 24;

    private StringMemory()
    {
    }

    private static void sharedMap(final String[] keys, final String how, final MapOptions options) throws Exception
    {
        final Path directory = HashData.sharedDirectory("dsmreg-string-memory");
        try (DsmRegistry registry = HashData.registry(directory))
        {
            final SharedMap<String, Long> map = registry.map("memory", Codec.STRING, Codec.LONG, options);
            for (int i = 0; i < keys.length; i++)
            {
                map.put(keys[i], (long)i);
            }
            System.out.printf("SharedMap<String,Long> (%s): %d entries, reserved %d bytes = %.1f B/entry, in use %d bytes = %.1f B/entry%n",
                how, map.mappingCount(), map.reservedBytes(), (double)map.reservedBytes() / map.mappingCount(), map.bytesInUse(),
                (double)map.bytesInUse() / map.mappingCount());
        }
        finally
        {
            HashData.delete(directory);
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final String[] keys = StringData.keysOfLength(ENTRIES, KEY_LENGTH, 42);
        sharedMap(keys, "grown", MapOptions.defaults());
        sharedMap(keys, "expectedEntries(" + ENTRIES + ")", MapOptions.defaults().expectedEntries(ENTRIES));

        final Path chronicleDirectory = HashData.sharedDirectory("chronicle-string-memory");
        try (ChronicleMap<String, Long> chronicle = ChronicleMap.of(String.class, Long.class).name("memory")
            .entries(ENTRIES).averageKeySize(KEY_LENGTH).createPersistedTo(chronicleDirectory.resolve("memory.dat").toFile()))
        {
            for (int i = 0; i < keys.length; i++)
            {
                chronicle.put(keys[i], (long)i);
            }
            final long file = Files.size(chronicleDirectory.resolve("memory.dat"));
            System.out.printf("ChronicleMap<String,Long> (entries(%d), averageKeySize(%d)): %d entries, file %d bytes = %.1f B/entry, " +
                "offHeapMemoryUsed %d bytes = %.1f B/entry%n", ENTRIES, KEY_LENGTH, chronicle.size(), file,
                (double)file / chronicle.size(), chronicle.offHeapMemoryUsed(), (double)chronicle.offHeapMemoryUsed() / chronicle.size());
        }
        finally
        {
            HashData.delete(chronicleDirectory);
        }

        final Path lmdbDirectory = HashData.sharedDirectory("lmdb-string-memory");
        try (LmdbStore lmdb = new LmdbStore(lmdbDirectory, 1L << 30))
        {
            final org.lmdbjava.Dbi<DirectBuffer> db = lmdb.open("memory");
            for (int i = 0; i < keys.length; i++)
            {
                lmdb.putLong(db, keys[i], i);
            }
            System.out.printf("LMDB: %d entries, pages in use %d bytes = %.1f B/entry%n", ENTRIES, lmdb.usedBytes(),
                (double)lmdb.usedBytes() / ENTRIES);
        }
        finally
        {
            HashData.delete(lmdbDirectory);
        }

        final long before = HashMemory.usedHeap();
        final ConcurrentHashMap<String, Long> chm = new ConcurrentHashMap<>();
        for (int i = 0; i < keys.length; i++)
        {
            chm.put(keys[i], (long)i);
        }
        final long with = HashMemory.usedHeap();
        // The keys exist without the map too (the benchmark holds them): this is the map's own heap, as a map that owns its keys would add their copies.
        System.out.printf("ConcurrentHashMap<String,Long>: %d entries, retained heap %d bytes = %.1f B/entry (keys not counted: they are shared with the caller)%n",
            chm.size(), with - before, (double)(with - before) / chm.size());
    }
}
