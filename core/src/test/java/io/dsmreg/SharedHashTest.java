package io.dsmreg;

import io.dsmreg.internal.hash.HashHandle;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MINOR_VERSION_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class SharedHashTest extends RegistryTestBase
{
    SharedHashTest()
    {
        super(Duration.ofSeconds(5));
    }

    @Test
    void findOrInsertFindDeleteAndEntriesStayLockedUntilClosed()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 24));
        assertNull(hash.find(7L, false));
        assertNull(hash.find(7L, true));
        try (SharedHash.Entry e = hash.findOrInsert(7L))
        {
            assertFalse(e.found());
            assertTrue(e.isExclusive());
            assertEquals(7L, e.buffer().getLong(0), "the key comes first");
            assertEquals(0L, e.buffer().getLong(8), "zeroed after the key");
            assertEquals(24, e.buffer().capacity());
            e.buffer().putLong(8, 100);
            e.buffer().putLong(16, 200);
            assertThrows(IllegalStateException.class, () -> hash.find(7L, true),
                "the same thread asking for the same partition is refused, not left waiting for itself");
        }
        try (SharedHash.Entry e = hash.findOrInsert(7L))
        {
            assertTrue(e.found());
            assertEquals(100L, e.buffer().getAndAddLong(8, 1));
        }
        try (SharedHash.Entry e = hash.find(7L, false))
        {
            assertFalse(e.isExclusive(), "a shared find is a copy");
            assertEquals(101L, e.buffer().getLong(8));
            e.buffer().putLong(8, -1);
        }
        try (SharedHash.Entry e = hash.find(7L, true))
        {
            assertEquals(101L, e.buffer().getLong(8), "writing a copy changes nothing");
            assertEquals(200L, e.buffer().getLong(16));
        }
        assertEquals(1, hash.size());
        assertTrue(hash.delete(7L));
        assertFalse(hash.delete(7L));
        assertNull(hash.find(7L, false));
        assertEquals(0, hash.size());
        try (SharedHash.Entry e = hash.findOrInsert(9L))
        {
            e.delete();
        }
        assertNull(hash.find(9L, true));
        hash.verify();
    }

    @Test
    void growsFromNothingToManyEntriesAndKeepsEveryOne()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(8));
        final int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            try (SharedHash.Entry e = hash.findOrInsert((long)i * 7919))
            {
                assertFalse(e.found());
                e.buffer().putLong(8, i);
            }
        }
        assertEquals(n, hash.size());
        for (int i = 0; i < n; i++)
        {
            try (SharedHash.Entry e = hash.find((long)i * 7919, false))
            {
                assertNotNull(e, "key " + i);
                assertEquals(i, e.buffer().getLong(8));
            }
        }
        for (int i = 0; i < n; i += 2)
        {
            assertTrue(hash.delete((long)i * 7919));
        }
        assertEquals(n / 2, hash.size());
        for (int i = 1; i < n; i += 2)
        {
            try (SharedHash.Entry e = hash.find((long)i * 7919, true))
            {
                assertEquals(i, e.buffer().getLong(8));
            }
        }
        hash.verify();
        final long perEntry = hash.reservedBytes() / n;
        assertTrue(perEntry < 64, "reserved bytes per entry: " + perEntry);
    }

    @Test
    void stringKeysAreNulPaddedUtf8AndCheckedForSize()
    {
        final SharedHash hash = registry.hash("users", HashParams.of(16, 24).stringKeys());
        try (SharedHash.Entry e = hash.findOrInsert("zoë"))
        {
            e.buffer().putLong(16, 5);
        }
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        key.putStringWithoutLengthUtf8(0, "zoë");
        key.putByte(key.capacity() - 1, (byte)'x');
        key.putByte(5, (byte)0);
        try (SharedHash.Entry e = hash.find(key, false))
        {
            assertNotNull(e, "bytes after the NUL do not count");
            assertEquals(5, e.buffer().getLong(16));
        }
        final InvalidSizeException tooLong = assertThrows(InvalidSizeException.class, () -> hash.findOrInsert("a string of many bytes"));
        assertEquals("the key \"a string of many bytes\" has 22 bytes of UTF-8 but hash \"users\" has keys of at most 16 bytes",
            tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hash.find("a\0b", false));
        // Half of a surrogate pair has no UTF-8: refused, not stored as '?' (which would make it the key "a?").
        final IllegalArgumentException unpaired = assertThrows(IllegalArgumentException.class, () -> hash.findOrInsert("a\uD800"));
        assertTrue(unpaired.getMessage().contains("unpaired surrogate, U+D800, at index 1"), unpaired.getMessage());
        assertTrue(unpaired.getMessage().contains("pass its bytes as a DirectBuffer to hash \"users\""), unpaired.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hash.find("\uDC00", false));
        assertNull(hash.find("a?", false));
        final InvalidSizeException longKey = assertThrows(InvalidSizeException.class, () -> hash.find(1L, false));
        assertTrue(longKey.getMessage().contains("has keys of 16 bytes"), longKey.getMessage());
        final InvalidSizeException shortBuffer = assertThrows(InvalidSizeException.class,
            () -> hash.find(new UnsafeBuffer(new byte[4]), false));
        assertEquals("the key buffer has 4 bytes but hash \"users\" has keys of 16 bytes; pass a buffer whose first 16 bytes " +
            "are the key", shortBuffer.getMessage());
        assertEquals(1, hash.size());
    }

    @Test
    void scansSeeEveryEntryAndAnExclusiveScanDeletesTheCurrentOne()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(4));
        for (long k = 0; k < 1000; k++)
        {
            try (SharedHash.Entry e = hash.findOrInsert(k))
            {
                e.buffer().putLong(8, k * 2);
            }
        }
        final Set<Long> seen = new HashSet<>();
        try (SharedHash.Scan scan = hash.scan(false))
        {
            while (scan.next())
            {
                assertEquals(scan.buffer().getLong(0) * 2, scan.buffer().getLong(8));
                assertTrue(seen.add(scan.buffer().getLong(0)));
            }
        }
        assertEquals(1000, seen.size());
        try (SharedHash.Scan scan = hash.scan(true))
        {
            while (scan.next())
            {
                if (scan.buffer().getLong(0) % 3 == 0)
                {
                    scan.deleteCurrent();
                }
                else
                {
                    scan.buffer().putLong(8, -1);
                }
            }
        }
        assertEquals(1000 - 334, hash.size());
        try (SharedHash.Scan scan = hash.scan(false))
        {
            int count = 0;
            while (scan.next())
            {
                assertNotEquals(0, scan.buffer().getLong(0) % 3);
                assertEquals(-1, scan.buffer().getLong(8));
                count++;
            }
            assertEquals(666, count);
        }
        try (SharedHash.Scan scan = hash.scan(false))
        {
            assertTrue(scan.next());
            assertThrows(IllegalStateException.class, scan::deleteCurrent);
        }
        hash.verify();
    }

    @Test
    void parametersAreCheckedOnAttachAndTheSameInstanceIsReturned()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16));
        assertSame(hash, registry.hash("h", HashParams.of(8, 16)));
        final EntryMismatchException ex = assertThrows(EntryMismatchException.class,
            () -> registry.hash("h", HashParams.of(8, 24)));
        assertEquals("requested hash \"h\" with keys of 8 bytes, entries of 24 bytes, 128 partitions, no size limit but " +
            "the existing hash has keys of 8 bytes, entries of 16 bytes, 128 partitions, no size limit; ask for it as a hash " +
            "with those, or remove the entry first to create it anew", ex.getMessage());
        final EntryMismatchException asMap = assertThrows(EntryMismatchException.class,
            () -> registry.map("h", Codec.LONG, Codec.LONG));
        assertTrue(asMap.getMessage().startsWith("requested map \"h\" with key codec \"dsmreg.long\" (8 bytes)"), asMap.getMessage());
        assertTrue(asMap.getMessage().contains("but the existing hash has keys of 8 bytes"), asMap.getMessage());
        assertThrows(EntryMismatchException.class, () -> registry.area("h"));
        assertThrows(InvalidSizeException.class, () -> HashParams.of(8, 4));
        assertThrows(IllegalArgumentException.class, () -> HashParams.of(8, 8).partitions(3));
    }

    @Test
    void anotherProcessHandleSeesTheSameTableAndTheListingReportsIt() throws Exception
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16));
        for (long k = 0; k < 5000; k++)
        {
            try (SharedHash.Entry e = hash.findOrInsert(k))
            {
                e.buffer().putLong(8, k);
            }
        }
        final RegistryEntry row = registry.entries().stream().filter(r -> r.name().equals("h")).findFirst().orElseThrow();
        assertEquals(EntryType.HASH, row.type());
        assertEquals(5000L, row.entryCount());
        assertEquals(hash.reservedBytes(), row.sizeBytes());
        assertEquals(hash.bytesInUse(), row.usedBytes());
        assertTrue(row.usedBytes() > 5000 * 17 && row.usedBytes() <= row.sizeBytes(), row.toString());
        assertTrue(registry.remove("h"));
        try (var files = Files.list(registry.directory()))
        {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".dsm")).toList(), "every file is gone");
        }
        assertTrue(hash.isRemoved());
        final SharedHash fresh = registry.hash("h", HashParams.of(8, 16));
        assertNotSame(hash, fresh);
        assertEquals(0, fresh.size());
    }

    @Test
    void aSizeLimitStopsGrowthWithAClearExceptionAndLeavesTheTableAsItWas()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 64).partitions(1).sizeLimit(AreaOptions.MIN_SIZE_LIMIT));
        long inserted = 0;
        OutOfSpaceException full = null;
        while (full == null)
        {
            try (SharedHash.Entry e = hash.findOrInsert(inserted))
            {
                e.buffer().putLong(8, inserted);
                inserted++;
            }
            catch (final OutOfSpaceException ex)
            {
                full = ex;
            }
        }
        assertTrue(full.getMessage().startsWith("cannot insert into hash \"h\": partition 0 holds " + inserted + " entries"),
            full.getMessage());
        assertEquals(inserted, hash.size());
        assertNull(hash.find(inserted, false));
        try (SharedHash.Entry e = hash.find(inserted - 1, false))
        {
            assertEquals(inserted - 1, e.buffer().getLong(8));
        }
        assertTrue(hash.reservedBytes() <= AreaOptions.MIN_SIZE_LIMIT + hash.reservedBytes() - hash.bytesInUse());
        hash.verify();
    }

    @Test
    void threadsUpdatingTheSameEntriesLoseNothing() throws Exception
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(4));
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final int seed = t;
                futures.add(pool.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 50_000; i++)
                    {
                        try (SharedHash.Entry e = hash.findOrInsert(random.nextLong(5000)))
                        {
                            e.buffer().putLong(8, e.buffer().getLong(8) + 1);
                        }
                        final SharedHash.Entry read = hash.find(random.nextLong(5000), false);
                        if (read != null)
                        {
                            assertTrue(read.buffer().getLong(8) > 0);
                        }
                    }
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
        }
        finally
        {
            pool.shutdown();
        }
        long total = 0;
        try (SharedHash.Scan scan = hash.scan(false))
        {
            while (scan.next())
            {
                total += scan.buffer().getLong(8);
            }
        }
        assertEquals(200_000, total);
        hash.verify();
    }

    @Test
    void aPartitionADeadProcessHeldIsTakenOverAndRepaired() throws Exception
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(1));
        for (long k = 0; k < 100; k++)
        {
            try (SharedHash.Entry e = hash.findOrInsert(k))
            {
                e.buffer().putLong(8, k);
            }
        }
        final long inUse = hash.bytesInUse();
        final UnsafeBuffer header = header(1);
        final int p = HashDescriptor.partitionOffset(0);
        // The dead process was growing the table (a filled, unlinked new table) and had miscounted.
        final long orphan = ((HashHandle)hash).table().area().allocate(4096, 0);
        header.putLong(p + PENDING_TABLE_OFFSET, orphan);
        header.putLong(p + VERSION_OFFSET, header.getLong(p + VERSION_OFFSET) + 1);
        header.putInt(p + LIVE_OFFSET, 7);
        header.putLong(p + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        try (SharedHash.Entry e = hash.find(42L, false))
        {
            assertEquals(42L, e.buffer().getLong(8), "an optimistic reader falls back to the lock and repairs");
        }
        assertEquals(100, hash.size(), "recounted");
        assertEquals(inUse, hash.bytesInUse(), "the unlinked table was freed");
        assertEquals(0, header.getLong(p + VERSION_OFFSET) & 1);
        hash.verify();
    }

    @Test
    void aTableOfAnotherHashFormatIsRefusedWithItsVersion()
    {
        registry.map("old", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(1)).putLong(1, 2);
        registry.close();
        // A table written by a dsmreg whose keys hashed elsewhere (format 1: MurmurHash3's finalizer).
        header(1).putInt(MAJOR_VERSION_OFFSET, 1);
        header(1).putInt(MINOR_VERSION_OFFSET, 0);
        registry = DsmRegistry.open("test", RegistryOptions.defaults().root(root));
        final CorruptFileException ex = assertThrows(
            CorruptFileException.class, () -> registry.map("old", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(1)));
        assertTrue(ex.getMessage().contains("it has layout version 1.0 but this dsmreg reads version " + MAJOR_VERSION + ".x"),
            ex.getMessage());
    }

    private UnsafeBuffer header(final int partitions)
    {
        return mapPart(HEADER_PART, HashDescriptor.fileLength(partitions));
    }
}
