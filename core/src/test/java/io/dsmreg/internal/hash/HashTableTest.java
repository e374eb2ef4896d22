package io.dsmreg.internal.hash;

import io.dsmreg.AreaOptions;
import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAGIC_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The hash table on its own, without a registry: its write protocols run through its own operations,
 * its repair of what a dead writer left, its seqlock, its growth and its header checks.
 */
class HashTableTest
{
    private static final long FILE_ID = 7;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A map of variable-size keys and values: both fields are pointers to blocks. */
    private static final HashShape BLOCKS = new HashShape(
        KIND_MAP, 1, Long.BYTES, 2 * Long.BYTES, KEY_POINTER, HASH_BYTES, VALUE_POINTER, Long.BYTES, "test.s", -1, "test.s", -1, Long.MAX_VALUE, 0);
    /** A Long -> Long map: both fields inline. */
    private static final HashShape LONGS = new HashShape(
        KIND_MAP, 1, Long.BYTES, 2 * Long.BYTES, KEY_INLINE, HASH_BYTES, VALUE_INLINE, Long.BYTES, "test.l", 8, "test.l", 8, Long.MAX_VALUE, 0);
    /** A String -> Long map: keys of up to 28 bytes in a 32-byte key field, longer ones in blocks; values inline. */
    private static final HashShape SHORT_KEYS = new HashShape(
        KIND_MAP, 1, 32, 40, KEY_SHORT, HASH_UTF8, VALUE_INLINE, 32, "test.s", -1, "test.l", 8, Long.MAX_VALUE, 0);
    /** A String -> String map: short keys as in SHORT_KEYS, values in blocks. */
    private static final HashShape SHORT_KEYS_BLOCK_VALUES = new HashShape(
        KIND_MAP, 1, 32, 40, KEY_SHORT, HASH_UTF8, VALUE_POINTER, 32, "test.s", -1, "test.s", -1, Long.MAX_VALUE, 0);
    /** A SharedHash of 8-byte keys and 24-byte entries. */
    private static final HashShape ENTRIES = new HashShape(
        KIND_HASH, 1, Long.BYTES, 24, KEY_INLINE, HASH_BYTES, VALUE_NONE, Long.BYTES, "", 0, "", 0, Long.MAX_VALUE, 0);

    @TempDir
    Path directory;

    @Test
    void insertReplaceAndDeleteRunThroughTheTablesOwnOperationsAndFreeTheirBlocks()
    {
        final HashTable table = create(BLOCKS);
        final DirectBuffer key = bytes("a key longer than any inline key could be");
        insert(table, key, bytes("first"));
        final long withTable = table.area().bytesInUse();
        assertEquals(1, table.size());
        assertPendingBlocksCleared();
        assertEquals("first", string(table.value(table.view(0), position(table, key))));
        assertEquals("a key longer than any inline key could be", string(table.key(table.view(0), position(table, key))));

        locked(table, p -> table.replaceValue(p, table.view(p), position(table, key), bytes("other"), 5));
        assertEquals("other", string(table.value(table.view(0), position(table, key))));
        assertEquals(withTable, table.area().bytesInUse(), "the replaced value block was freed");
        assertPendingBlocksCleared();

        final DirectBuffer longer = bytes("a value of more bytes than the first");
        locked(table, p -> table.replaceValue(p, table.view(p), position(table, key), longer, longer.capacity()));
        assertEquals("a value of more bytes than the first", string(table.value(table.view(0), position(table, key))));

        locked(table, p -> table.delete(p, table.view(p), position(table, key)));
        assertEquals(-1, position(table, key));
        assertEquals(0, table.size());
        final long emptyTable = withTable - blockBytes(table, bytes("first")) - blockBytes(table, key);
        assertEquals(emptyTable, table.area().bytesInUse(), "the key and value blocks were freed");
        assertPendingBlocksCleared();
        assertEquals(0, version() & 1);
        table.verify();
    }

    @Test
    void longEntriesAreInsertedReplacedAndReadWithoutBlocks()
    {
        final HashTable table = create(LONGS);
        final HashTable.View[] views = table.longViews();
        for (long k = 0; k < 100; k++)
        {
            final long key = k;
            locked(table, p -> table.insertLong(p, Hashing.hashLong(key), key, key * 10));
        }
        locked(table, p -> table.replaceLong(p, table.view(p), HashTable.findLong(table.view(p), Hashing.hashLong(42), 42), -1));
        for (long k = 0; k < 100; k++)
        {
            assertEquals(k == 42 ? -1 : k * 10, HashTable.tryGetLong(views, Hashing.hashLong(k), k, Long.MIN_VALUE), "key " + k);
        }
        assertEquals(Long.MIN_VALUE, HashTable.tryGetLong(views, Hashing.hashLong(100), 100, Long.MIN_VALUE));
        assertEquals(100, table.size());
        table.verify();
    }

    @Test
    void anEntryWriteKeepsReadersOutUntilItEndsAndAnInsertedEntryIsZeroed()
    {
        final HashTable table = create(ENTRIES);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        key.putLong(0, 5);
        final long hash = Hashing.hashLong(5);
        table.lock(0);
        long position = table.insertEntry(0, hash, key, Long.BYTES);
        HashTable.View view = table.view(0);
        assertEquals(1, version() & 1, "the entry write is open: readers must not trust the partition");
        assertNull(table.readOptimistically(0, null, (v, c) -> "read", null), "a lock-free read gives up while the write is open");
        view.mapping().putLong(table.slotOffset(position) + 8, 99);
        view.mapping().putLong(table.slotOffset(position) + 16, 98);
        table.deleteInEntryWrite(0, view, position);
        table.endEntryWrite(0);
        table.unlock(0);
        assertEquals(0, version() & 1);
        assertEquals(0, table.size());
        assertEquals("read", table.readOptimistically(0, null, (v, c) -> "read", null));

        table.lock(0);
        position = table.insertEntry(0, hash, key, Long.BYTES);
        view = table.view(0);
        assertEquals(5, view.mapping().getLong(table.slotOffset(position)), "the key");
        assertEquals(0, view.mapping().getLong(table.slotOffset(position) + 8), "zeroed after the key, whatever the slot held");
        assertEquals(0, view.mapping().getLong(table.slotOffset(position) + 16));
        table.endEntryWrite(0);
        table.unlock(0);
        assertEquals(1, table.size());
        table.verify();
    }

    @Test
    void blocksAWriterNamedPendingAreFreedAfterItDiedBetweenClaimAndPublish() throws Exception
    {
        final HashTable table = create(BLOCKS);
        insert(table, bytes("an entry, so that the partition has a table"), bytes("v"));
        final long inUse = table.area().bytesInUse();
        final UnsafeBuffer header = header();
        final int po = partitionOffset(0);
        // What the dead writer left: both blocks allocated, filled and named, a free slot claimed and
        // filled, the version odd, the control byte not yet written, and its lock word.
        final DirectBuffer key = bytes("a key that never became an entry");
        final long keyBlock = block(table, key);
        final long valueBlock = block(table, bytes("its value"));
        header.putLong(po + PENDING_KEY_OFFSET, keyBlock);
        header.putLong(po + PENDING_VALUE_OFFSET, valueBlock);
        final HashTable.View view = table.view(0);
        final int slot = table.slotOffset(freeSlot(view));
        view.mapping().putLong(slot + KEY_FIELD_OFFSET, keyBlock);
        view.mapping().putLong(slot + BLOCKS.valueOffset(), valueBlock);
        header.putLong(po + VERSION_OFFSET, header.getLong(po + VERSION_OFFSET) + 1);
        header.putLong(po + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        table.lock(0);
        table.unlock(0);
        assertEquals(inUse, table.area().bytesInUse(), "both pending blocks were freed");
        assertPendingBlocksCleared();
        assertEquals(0, version() & 1, "the version is even again");
        assertEquals(1, table.size());
        assertEquals(-1, position(table, key));
        insert(table, key, bytes("its value"));
        assertEquals(2, table.size());
        table.verify();
    }

    @Test
    void blocksAWriterNamedPendingAreKeptWhenItDiedAfterPublishingThem() throws Exception
    {
        final HashTable table = create(BLOCKS);
        final DirectBuffer key = bytes("a key that became an entry");
        insert(table, key, bytes("its value"));
        final long inUse = table.area().bytesInUse();
        final UnsafeBuffer header = header();
        final int po = partitionOffset(0);
        // The writer died after the control byte, before it cleared the pending names.
        final int slot = table.slotOffset(position(table, key));
        header.putLong(po + PENDING_KEY_OFFSET, table.view(0).mapping().getLong(slot + KEY_FIELD_OFFSET));
        header.putLong(po + PENDING_VALUE_OFFSET, table.view(0).mapping().getLong(slot + BLOCKS.valueOffset()));
        header.putLong(po + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        table.lock(0);
        table.unlock(0);
        assertEquals(inUse, table.area().bytesInUse(), "nothing a slot links was freed");
        assertPendingBlocksCleared();
        assertEquals("its value", string(table.value(table.view(0), position(table, key))));
        table.verify();
    }

    @Test
    void aReadThatAWriterIntervenedInIsRejectedAndRetried()
    {
        final HashTable table = create(LONGS);
        locked(table, p -> table.insertLong(p, Hashing.hashLong(1), 1, 100));
        final int[] attempts = new int[1];
        final Long read = table.readOptimistically(0, 1L, (view, key) ->
        {
            final long value = HashTable.longValue(view, HashTable.findLong(view, Hashing.hashLong(key), key));
            if (++attempts[0] == 1)
            {
                // A writer changes the value after this attempt read it.
                locked(table, p -> table.replaceLong(p, table.view(p), HashTable.findLong(table.view(p), Hashing.hashLong(key), key), 200));
            }
            return value;
        }, null);
        assertEquals(200L, read, "the value read before the write was rejected");
        assertEquals(2, attempts[0]);

        table.lock(0);
        table.beginEntryWrite(0);
        assertEquals(HashTable.UNDECIDED, HashTable.tryGetLong(table.longViews(), Hashing.hashLong(1), 1, 0),
            "a read during a write cannot decide");
        table.endEntryWrite(0);
        table.unlock(0);
        assertEquals(200, HashTable.tryGetLong(table.longViews(), Hashing.hashLong(1), 1, 0));
    }

    @Test
    void aPartitionGrowsByHalfAndFreesTheTableItReplaced()
    {
        final HashTable table = create(LONGS);
        final UnsafeBuffer header = header();
        final int po = partitionOffset(0);
        int growths = 0;
        int capacity = 0;
        for (long k = 0; k < 20_000; k++)
        {
            final long key = k;
            locked(table, p -> table.insertLong(p, Hashing.hashLong(key), key, -key));
            final int grown = table.view(0).capacity();
            if (grown != capacity)
            {
                assertEquals(HashTable.capacityFor((int)k + 1), grown, "growth at entry " + k);
                assertTrue(grown >= capacity * 3 / 2, "grows by half: " + capacity + " to " + grown);
                capacity = grown;
                growths++;
            }
        }
        assertEquals(growths, header.getLong(po + RESIZE_COUNT_OFFSET), "one resize per growth");
        assertEquals(table.view(0).pointer, header.getLong(po + TABLE_OFFSET));
        assertEquals(0, header.getLong(po + PENDING_TABLE_OFFSET));
        assertTrue(20_000 * 5 <= capacity * 4, "loaded to 80% at most");
        for (long k = 0; k < 20_000; k++)
        {
            assertEquals(-k, HashTable.tryGetLong(table.longViews(), Hashing.hashLong(k), k, 1));
        }
        final long length = tableLength(capacity, LONGS.slotSize());
        assertTrue(table.area().bytesInUse() < length * 3 / 2,
            "only the current table is in use: " + table.area().bytesInUse() + " bytes for a table of " + length);
        table.verify();
    }

    /**
     * A table sized up front holds its expected entries without growing, and a growth that tombstones brought
     * about (fewer live entries than the table was made for) never makes it smaller than it was created.
     */
    @Test
    void aTableSizedUpFrontHoldsItsExpectedEntriesAndNeverShrinksBelowThem()
    {
        final int expected = 10_000;
        final HashShape sized = new HashShape(KIND_MAP, 1, Long.BYTES, 2 * Long.BYTES, KEY_INLINE, HASH_BYTES, VALUE_INLINE,
            Long.BYTES, "test.l", 8, "test.l", 8, Long.MAX_VALUE, expected);
        final HashTable table = create(sized);
        final int created = HashTable.expectedCapacity(expected, 1, sized.slotSize());
        assertEquals(created, table.view(0).capacity(), "the table was made at creation");
        assertTrue(expected * 5 < created * 4 && created < expected * 3 / 2, "room for the entries below a load of 0.8: " + created);
        final UnsafeBuffer header = header();
        final int po = partitionOffset(0);
        long key = 0;
        for (; key < expected; key++)
        {
            final long k = key;
            locked(table, p -> table.insertLong(p, Hashing.hashLong(k), k, k));
        }
        assertEquals(0, header.getLong(po + RESIZE_COUNT_OFFSET), "no growth up to the expected entries");
        assertEquals(created, table.view(0).capacity());
        // Most entries deleted, and the tombstones counted as if the deletes had left the table full of them (each a
        // slot a growth sweeps out): the next insert grows the table from a few live entries.
        for (long k = expected / 10; k < expected; k++)
        {
            final long old = k;
            locked(table, p -> table.delete(p, table.view(p), HashTable.findLong(table.view(p), Hashing.hashLong(old), old)));
        }
        header.putInt(po + TOMBSTONES_OFFSET, created * 4 / 5 - expected / 10);
        final long next = key;
        locked(table, p -> table.insertLong(p, Hashing.hashLong(next), next, next));
        assertEquals(1, header.getLong(po + RESIZE_COUNT_OFFSET), "the tombstones made the table grow");
        assertTrue(HashTable.capacityFor(expected / 10 + 1) < created, "growth by the live entries alone makes a smaller table");
        for (long k = 0; k < expected / 10; k++)
        {
            assertEquals(k, HashTable.tryGetLong(table.longViews(), Hashing.hashLong(k), k, -1));
        }
        assertEquals(next, HashTable.tryGetLong(table.longViews(), Hashing.hashLong(next), next, -1));
        assertTrue(table.view(0).capacity() >= created,
            "a table of a map sized up front stays at least as large: " + table.view(0).capacity() + " < " + created);
        table.verify();
    }

    /**
     * A reader by address compares a long key with its block only through segments its process has mapped: a
     * block in another segment makes the attempt undecided (the general path then maps it), never "absent".
     */
    @Test
    void aKeyBlockInASegmentThisProcessHasNotMappedIsNeverTakenForAbsent()
    {
        final HashTable writer = create(SHORT_KEYS, AreaOptions.MIN_SEGMENT_SIZE);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        int keys = 0;
        while (writer.area().statistics().segmentCount() < 4)
        {
            final UnsafeBuffer key = longKey(keys);
            value.putLong(0, keys);
            final long hash = writer.hashKey(key, 0, key.capacity());
            locked(writer, p -> writer.insert(p, hash, key, key.capacity(), value, Long.BYTES));
            keys++;
        }
        final HashTable reader = attach();
        reader.view(0);
        int undecided = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < keys; k++)
            {
                final UnsafeBuffer key = longKey(k);
                final long hash = reader.hashKey(key, 0, key.capacity());
                final long found = reader.tryGetShort(hash, key.byteArray(), key.capacity(), Long.MIN_VALUE);
                if (pass == 0 && found == HashTable.UNDECIDED)
                {
                    undecided++;
                    // The general path maps the block's segment.
                    assertTrue(reader.find(reader.view(0), hash, key, 0, key.capacity()) >= 0, "key " + k);
                }
                else
                {
                    assertEquals(k, found, "key " + k + ", pass " + pass);
                }
            }
            final UnsafeBuffer absent = longKey(keys);
            assertEquals(Long.MIN_VALUE, reader.tryGetShort(reader.hashKey(absent, 0, absent.capacity()), absent.byteArray(),
                absent.capacity(), Long.MIN_VALUE), "an absent key is absent, or undecided: never found");
        }
        assertTrue(undecided > 0, "some blocks lay in segments the reader had not mapped: " + keys + " keys");
        assertTrue(undecided < keys, "and some in segments it had: " + undecided + " of " + keys);
    }

    /**
     * A reader by address of values in blocks ({@link HashTable#tryGetShortValue}) copies a value only into an
     * array it fits (a longer one's length is returned, the array untouched), copies exactly the value written,
     * and answers "undecided", never "absent", for a value block in a segment its process has not mapped.
     */
    @Test
    void aValueReadByAddressIsCopiedWhole()
    {
        final HashTable writer = create(SHORT_KEYS_BLOCK_VALUES, AreaOptions.MIN_SEGMENT_SIZE);
        int keys = 0;
        while (writer.area().statistics().segmentCount() < 4)
        {
            final UnsafeBuffer key = keys % 2 == 0 ? longKey(keys) : new UnsafeBuffer(("k" + keys).getBytes(StandardCharsets.US_ASCII));
            final UnsafeBuffer value = valueOf(keys);
            final long hash = writer.hashKey(key, 0, key.capacity());
            locked(writer, p -> writer.insert(p, hash, key, key.capacity(), value, value.capacity()));
            keys++;
        }
        final HashTable reader = attach();
        reader.view(0);
        int undecided = 0;
        final byte[] small = new byte[16];
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < keys; k++)
            {
                final UnsafeBuffer key = k % 2 == 0 ? longKey(k) : new UnsafeBuffer(("k" + k).getBytes(StandardCharsets.US_ASCII));
                final long hash = reader.hashKey(key, 0, key.capacity());
                final byte[] expected = valueOf(k).byteArray();
                final byte[] into = new byte[expected.length + 5];
                final int found = reader.tryGetShortValue(hash, key.byteArray(), key.capacity(), into);
                if (pass == 0 && found == HashTable.VALUE_UNDECIDED)
                {
                    undecided++;
                    // The general path maps the key's and the value's segments.
                    final long position = reader.find(reader.view(0), hash, key, 0, key.capacity());
                    assertTrue(position >= 0, "key " + k);
                    assertEquals(expected.length, reader.value(reader.view(0), position).capacity(), "key " + k);
                    continue;
                }
                assertEquals(expected.length, found, "key " + k + ", pass " + pass);
                assertArrayEquals(expected, Arrays.copyOf(into, found), "key " + k);
                assertEquals(0, into[found], "nothing past the value is written");
                if (expected.length > small.length)
                {
                    assertEquals(expected.length, reader.tryGetShortValue(hash, key.byteArray(), key.capacity(), small));
                    assertArrayEquals(new byte[small.length], small, "a value that does not fit is not copied");
                }
            }
            final UnsafeBuffer absent = longKey(keys);
            final int found = reader.tryGetShortValue(reader.hashKey(absent, 0, absent.capacity()), absent.byteArray(),
                absent.capacity(), new byte[8]);
            assertTrue(found == HashTable.VALUE_ABSENT || found == HashTable.VALUE_UNDECIDED, "an absent key: " + found);
        }
        assertTrue(undecided > 0, "some blocks lay in segments the reader had not mapped: " + keys + " keys");
        assertTrue(undecided < keys, "and some in segments it had: " + undecided + " of " + keys);
    }

    /** Value {@code k}: 0 to 1,500 bytes, none of them zero. */
    private static UnsafeBuffer valueOf(final int k)
    {
        final byte[] value = new byte[k * 37 % 1_501];
        Arrays.fill(value, (byte)(1 + k % 250));
        return new UnsafeBuffer(value);
    }

    /** Key {@code k} of 40 bytes: in a block, past the 28 the slot keeps. */
    private static UnsafeBuffer longKey(final int k)
    {
        return new UnsafeBuffer(String.format("a key kept in a block of its own %07d", k).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aDamagedHeaderIsRefusedWithTheFileAndTheProblem()
    {
        create(BLOCKS);
        final Path file = EntryFiles.path(directory, FILE_ID, HEADER_PART);
        final UnsafeBuffer header = header();
        assertRefused(header, h -> h.putLong(MAGIC_OFFSET, 0x1234), "file " + file + " of map \"t\" cannot be used: its magic " +
            "number is 0x0000000000001234, not \"dsmregHT\": it is not a dsmreg hash table header. " + HeaderedFile.REMOVE_ENTRY);
        assertRefused(header, h -> h.putInt(MAJOR_VERSION_OFFSET, 1),
            "it has layout version 1." + MINOR_VERSION + " but this dsmreg reads version " + MAJOR_VERSION + ".x");
        assertRefused(header, h -> h.putLong(READY_OFFSET, 0), "its header was never published");
        assertRefused(header, h -> h.putLong(FILE_ID_OFFSET, 8), "its header records file id 8 but the registry records 7");
        assertRefused(header, h -> h.putInt(PARTITION_COUNT_OFFSET, 3), "it records 3 partitions");
        assertRefused(header, h -> h.putInt(PARTITION_COUNT_OFFSET, 1 << 20), "it records 1048576 partitions");
        assertRefused(header, h -> h.putInt(SLOT_SIZE_OFFSET, 24), "it records slots of 24 bytes for entries of 16 bytes");
        assertRefused(header, h -> h.putInt(KEY_HASH_OFFSET, 7), "it records key hash 7; known are 0 (bytes) and 1 (UTF-8 strings)");
        // Short keys need a key field with room for the length word and a block pointer, the value right after it.
        assertRefused(header, h -> h.putInt(KEY_MODE_OFFSET, KEY_SHORT), "it records short keys in a key field of 8 bytes, " +
            "the value at offset 8 and entries of 16 bytes; short key fields are multiples of 8 from 16 to 256 bytes, the value's " +
            "8 bytes right after");
        assertRefused(header, h ->
        {
            h.putInt(KEY_MODE_OFFSET, KEY_SHORT);
            h.putInt(KEY_SIZE_OFFSET, 32);
            h.putInt(VALUE_OFFSET_OFFSET, 32);
            h.putInt(ENTRY_SIZE_OFFSET, 36);
            h.putInt(SLOT_SIZE_OFFSET, 40);
        }, "it records short keys in a key field of 32 bytes, the value at offset 32 and entries of 36 bytes");
        assertRefused(header, h -> h.putLong(EXPECTED_ENTRIES_OFFSET, -1),
            "it records -1 expected entries, which no map of 1 partitions and 16-byte slots can be sized for");
        assertRefused(header, h -> h.putLong(EXPECTED_ENTRIES_OFFSET, Long.MAX_VALUE), "it records " + Long.MAX_VALUE + " expected entries");
        assertEquals(BLOCKS, attach().shape(), "every damage was undone: the header attaches");
    }

    // ---------------------------------------------------------------------------------------------

    private HashTable create(final HashShape shape)
    {
        final AreaOptions options = AreaOptions.defaults();
        return create(shape, options.initialSegmentSize(), options.maxSegmentSize());
    }

    /** A table whose area's segments are of {@code segmentSize} bytes each. */
    private HashTable create(final HashShape shape, final long segmentSize)
    {
        return create(shape, segmentSize, segmentSize);
    }

    private HashTable create(final HashShape shape, final long initialSegmentSize, final long maxSegmentSize)
    {
        final AreaAllocator area = AreaAllocator.create(directory, FILE_ID, "t", initialSegmentSize,
            maxSegmentSize, shape.sizeLimit(), TIMEOUT_NANOS, () -> false);
        return HashTable.create(directory, FILE_ID, "map \"t\"", area, shape, TIMEOUT_NANOS);
    }

    private HashTable attach()
    {
        final AreaAllocator area = AreaAllocator.attach(directory, FILE_ID, "t", TIMEOUT_NANOS, () -> false);
        return HashTable.attach(directory, FILE_ID, "map \"t\"", area, TIMEOUT_NANOS);
    }

    /** Damages a copy of the header's bytes in place, expects attach to refuse it naming the problem, and undoes the damage. */
    private void assertRefused(final UnsafeBuffer header, final Consumer<UnsafeBuffer> damage, final String problem)
    {
        final byte[] intact = new byte[HEADER_LENGTH];
        header.getBytes(0, intact);
        damage.accept(header);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, this::attach);
        header.putBytes(0, intact);
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
        assertTrue(ex.getMessage().startsWith("file " + EntryFiles.path(directory, FILE_ID, HEADER_PART) +
            " of map \"t\" cannot be used: "), ex.getMessage());
    }

    private UnsafeBuffer header()
    {
        return new UnsafeBuffer(MappedFiles.mapExisting(EntryFiles.path(directory, FILE_ID, HEADER_PART), HEADER_LENGTH, "test"));
    }

    private long version()
    {
        return header().getLongVolatile(partitionOffset(0) + VERSION_OFFSET);
    }

    private void assertPendingBlocksCleared()
    {
        final UnsafeBuffer header = header();
        assertEquals(0, header.getLong(partitionOffset(0) + PENDING_KEY_OFFSET), "pending key block");
        assertEquals(0, header.getLong(partitionOffset(0) + PENDING_VALUE_OFFSET), "pending value block");
    }

    private static void locked(final HashTable table, final IntConsumer write)
    {
        table.lock(0);
        try
        {
            write.accept(0);
        }
        finally
        {
            table.unlock(0);
        }
    }

    private static void insert(final HashTable table, final DirectBuffer key, final DirectBuffer value)
    {
        final long hash = Hashing.hashBytes(key, 0, key.capacity());
        locked(table, p ->
        {
            assertEquals(-1, table.find(table.view(p), hash, key, 0, key.capacity()));
            table.insert(p, hash, key, key.capacity(), value, value.capacity());
        });
    }

    private static long position(final HashTable table, final DirectBuffer key)
    {
        return table.find(table.view(0), Hashing.hashBytes(key, 0, key.capacity()), key, 0, key.capacity());
    }

    /** A block holding {@code bytes}, allocated and filled as the table does, not linked. */
    private static long block(final HashTable table, final DirectBuffer bytes)
    {
        final long block = table.area().allocate(blockLength(bytes.capacity()), 0);
        final UnsafeBuffer mapping = table.area().mapping(block, (int)blockLength(bytes.capacity()));
        mapping.putInt((int)pointerOffset(block) + BLOCK_LENGTH_OFFSET, bytes.capacity());
        mapping.putBytes((int)pointerOffset(block) + BLOCK_DATA_OFFSET, bytes, 0, bytes.capacity());
        return block;
    }

    /** The bytes the area counts for a block of {@code bytes}: measured by allocating and freeing one. */
    private static long blockBytes(final HashTable table, final DirectBuffer bytes)
    {
        final long before = table.area().bytesInUse();
        final long block = block(table, bytes);
        final long size = table.area().bytesInUse() - before;
        table.area().free(block);
        return size;
    }

    /** The position of an empty slot of the view's table. */
    private static long freeSlot(final HashTable.View view)
    {
        for (int i = 0; i < view.capacity(); i++)
        {
            final int groupOffset = view.groupsOffset + (i >>> 3) * groupLength(BLOCKS.slotSize());
            if (view.mapping().getByte(groupOffset + (i & 7)) == CTRL_EMPTY)
            {
                return ((long)groupOffset << 3) | (i & 7);
            }
        }
        throw new AssertionError("no empty slot");
    }

    private static DirectBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(final DirectBuffer bytes)
    {
        return bytes.getStringWithoutLengthUtf8(0, bytes.capacity());
    }

    /** The identity of a process that has exited, to stand in for one that died holding a lock. */
    private static ProcessIdentity deadProcess() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return new ProcessIdentity(process.pid(), 12345);
    }
}
