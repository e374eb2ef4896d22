package io.dsmreg;

import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.hash.HashTable;
import io.dsmreg.internal.hash.Hashing;
import io.dsmreg.internal.map.MapHandle;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static io.dsmreg.internal.layout.HashDescriptor.GROUP_WIDTH;
import static io.dsmreg.internal.layout.HashDescriptor.HEADER_PART;
import static io.dsmreg.internal.layout.HashDescriptor.LIVE_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.LOCK_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.TABLE_HEADER_LENGTH;
import static io.dsmreg.internal.layout.HashDescriptor.TABLE_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.VERSION_OFFSET;
import static io.dsmreg.internal.layout.HashDescriptor.partitionOffset;
import static io.dsmreg.internal.layout.RegistryDescriptor.DEFAULT_PROCESS_CAPACITY;
import static io.dsmreg.internal.layout.RegistryDescriptor.DIRTY_SLOT_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_GENERATION_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_LENGTH;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_HASH_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_STATE_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_TYPE_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.slotTableOffset;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Each consistency check is shown to find what it claims to (issue 18): the registry table's, an
 * area's and a hash table's, each structure damaged the way the check names, and the report asserted,
 * both from the read-only {@link RegistryView#verify()} and, where it applies, the handle's own verify.
 * Locks found held are reported with their holder and the entry is not checked; what a dead process
 * left is reported as repairable, and {@link DsmRegistry#repair()} repairs it and says so.
 */
class VerifyFindsDamageTest extends RegistryTestBase
{
    // ---------------------------------------------------------------------------------------------
    // The registry table
    // ---------------------------------------------------------------------------------------------

    @Test
    void aSlotLeftMidWriteIsReported()
    {
        registry.segment("s", 64);
        final UnsafeBuffer table = table();
        final int slot = slotOf(table, "s");
        table.putLong(slot + SLOT_GENERATION_OFFSET, table.getLong(slot + SLOT_GENERATION_OFFSET) + 1);
        table.putLong(DIRTY_SLOT_OFFSET, slotIndex(slot));
        assertReports(view(), "slot " + slotIndex(slot) + " of " + registry.directory().resolve("registry.dat") +
            " is held mid-write by a process that seems to have stopped");
    }

    @Test
    void anUnknownSlotStateIsReported()
    {
        registry.segment("s", 64);
        final UnsafeBuffer table = table();
        final int slot = slotOf(table, "s");
        table.putInt(slot + SLOT_STATE_OFFSET, 7);
        assertReports(view(), "slot " + slotIndex(slot) + " of " + registry.directory().resolve("registry.dat") +
            " has the unknown state 7; the table is damaged");
    }

    @Test
    void aNameInTwoSlotsIsReported()
    {
        registry.segment("s", 64);
        registry.segment("t", 64);
        final UnsafeBuffer table = table();
        final int s = slotOf(table, "s");
        final int t = slotOf(table, "t");
        // "t" is renamed "s", hash and all: two slots now hold the same name.
        table.putBytes(t + SLOT_NAME_LENGTH_OFFSET, table, s + SLOT_NAME_LENGTH_OFFSET, SLOT_LENGTH - SLOT_NAME_LENGTH_OFFSET);
        assertReports(view(), "entry \"s\" is in slots " + slotIndex(s) + " and " + slotIndex(t));
    }

    @Test
    void anEntryItsNameDoesNotFindIsReported()
    {
        registry.segment("s", 64);
        final UnsafeBuffer table = table();
        final int slot = slotOf(table, "s");
        table.putInt(slot + SLOT_NAME_HASH_OFFSET, table.getInt(slot + SLOT_NAME_HASH_OFFSET) ^ 1);
        assertReports(view(), "entry \"s\" in slot " + slotIndex(slot) + " of " + registry.directory().resolve("registry.dat") +
            " cannot be found by its name");
    }

    @Test
    void anUnknownTypeIsReported()
    {
        registry.segment("s", 64);
        final UnsafeBuffer table = table();
        table.putInt(slotOf(table, "s") + SLOT_TYPE_OFFSET, 99);
        assertReports(view(), "entry \"s\" has the unknown type code 99; it was written by a newer dsmreg");
    }

    @Test
    void aFileOfNoEntryIsReported() throws Exception
    {
        registry.segment("s", 64);
        final Path stray = Files.write(registry.directory().resolve("77_0.dsm"), new byte[64]);
        assertReports(view(), "file " + stray + " belongs to no entry");
    }

    @Test
    void aTableWhoseHeaderWasZeroedBesideEntryFilesIsRefusedNotRecreated() throws Exception
    {
        assertTableBesideEntryFilesIsRefused("zeroed", table ->
        {
            try (var file = new java.io.RandomAccessFile(table.toFile(), "rw"))
            {
                file.write(new byte[4096]);
            }
        }, "its header is blank (magic number and ready word are 0)");
    }

    @Test
    void anEmptyTableBesideEntryFilesIsRefusedNotRecreated() throws Exception
    {
        assertTableBesideEntryFilesIsRefused("emptied", table -> Files.write(table, new byte[0]), "it is empty (0 bytes)");
    }

    /** Damages the table of a registry with one entry, and expects opening and viewing it to refuse it, changing nothing. */
    private void assertTableBesideEntryFilesIsRefused(final String name, final TableDamage damage, final String problem)
        throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(root);
        final Path directory;
        try (DsmRegistry registry = DsmRegistry.open(name, options))
        {
            registry.segment("kept", 64).buffer().putLong(0, 42);
            directory = registry.directory();
        }
        final Path table = directory.resolve("registry.dat");
        damage.apply(table);
        final byte[] damaged = Files.readAllBytes(table);
        final String expected = "file " + table + " of registry \"" + name + "\" cannot be used: " + problem + " but 1 entry " +
            "files lie beside it, so it is a damaged table, not one whose creator died; dsmreg will not recreate it over " +
            "them. Nothing was changed; move the registry directory away";
        final CorruptFileException opened = assertThrows(CorruptFileException.class, () -> DsmRegistry.open(name, options));
        assertTrue(opened.getMessage().startsWith(expected), opened.getMessage());
        final CorruptFileException viewed = assertThrows(CorruptFileException.class, () -> RegistryView.open(name, options));
        assertTrue(viewed.getMessage().startsWith(expected), viewed.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(table), "the table was not recreated");
        assertTrue(Files.exists(directory.resolve("1_0.dsm")), "the entry's file is still there");
    }

    private interface TableDamage
    {
        void apply(Path table) throws Exception;
    }

    /** What a creator that died before publishing leaves: a blank header and no entry files. */
    @Test
    void aTableWhoseCreatorDiedBeforePublishingItIsStillRecreated() throws Exception
    {
        assertUnfinishedTableIsRecreated("unfinished", table ->
        {
            try (var file = new java.io.RandomAccessFile(table.toFile(), "rw"))
            {
                file.write(new byte[4096]);
            }
        });
    }

    /**
     * What a creator leaves that died between creating the table's file and sizing it (a JVM that exits while
     * a daemon thread creates the registry, or a kill -9 there): an empty file. It is recreated, as a blank one.
     */
    @Test
    void aTableWhoseCreatorDiedBeforeSizingItIsRecreated() throws Exception
    {
        assertUnfinishedTableIsRecreated("unsized", table -> Files.write(table, new byte[0]));
    }

    private void assertUnfinishedTableIsRecreated(final String name, final TableDamage unfinish) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(root);
        final Path directory;
        try (DsmRegistry unfinished = DsmRegistry.open(name, options))
        {
            directory = unfinished.directory();
        }
        unfinish.apply(directory.resolve("registry.dat"));
        assertTrue(RegistryView.open(name, options).isEmpty(), "a view sees no registry yet");
        try (DsmRegistry recreated = DsmRegistry.open(name, options))
        {
            assertEquals(List.of(), recreated.entries());
            recreated.segment("new", 8).buffer().putLong(0, 7);
        }
        try (DsmRegistry reopened = DsmRegistry.open(name, options))
        {
            assertEquals(7, reopened.segment("new", 8).buffer().getLong(0));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Areas
    // ---------------------------------------------------------------------------------------------

    @Test
    void areaCountersThatDisagreeWithTheMetadataAreReported()
    {
        assertAreaReports(control -> control.putLong(RESERVED_BYTES_OFFSET, control.getLong(RESERVED_BYTES_OFFSET) + PAGE_SIZE),
            "reserved bytes is recorded as");
        assertAreaReports(control -> control.putLong(SEGMENT_COUNT_OFFSET, 5), "segment count is recorded as 5");
        assertAreaReports(control -> control.putLong(LARGE_BYTES_IN_USE_OFFSET, 1), "large bytes in use is recorded as 1");
        assertAreaReports(control -> control.putLong(classBlockOffset(0) + CLASS_BYTES_IN_USE_OFFSET, 12345),
            "bytes in use of size class 8 is recorded as 12345");
    }

    @Test
    void areaListsMissingTheirMembersAreReported()
    {
        assertAreaReports(control ->
        {
            for (int bucket = 0; bucket < FREE_RUN_BUCKETS; bucket++)
            {
                control.putInt(freeRunHeadOffset(bucket), 0);
            }
        }, "is on no free-run list");
        assertAreaReports(control ->
        {
            for (int c = 0; c < 20; c++)
            {
                control.putInt(classBlockOffset(c) + CLASS_PARTIAL_HEAD_OFFSET, 0);
            }
        }, "has free objects but is on no partial list");
    }

    @Test
    void aMagazineCountOutsideItsCapacityIsReported()
    {
        assertAreaReports(control -> control.putInt(magazineCountOffset(magazineOffset(3), 2), 99),
            "magazine slot 3, class 24 B counts 99 objects, outside 0.." + MAGAZINE_CAPACITY);
    }

    @Test
    void anUnfinishedOperationUnderAFreeLockIsRepairableAndRepaired()
    {
        final SharedArea area = areaWithData();
        final UnsafeBuffer control = mapPart(0, CONTROL_LENGTH);
        // One logged write that restores the value it already holds: rolling it back changes nothing else.
        control.putLong(AREA_LOG_ENTRIES_OFFSET, ((long)SEGMENT_COUNT_OFFSET << 1) | 1);
        control.putLong(AREA_LOG_ENTRIES_OFFSET + 8, control.getLong(SEGMENT_COUNT_OFFSET));
        control.putInt(AREA_LOG_COUNT_OFFSET, 1);
        assertReports(view(), "the area lock is free but its undo log holds 1 writes of an operation that did not finish; " +
            "repairable");
        assertEquals(List.of("entry \"a\": undid the unfinished operation (1 writes) a dead process left under the area lock"),
            registry.repair());
        assertEquals(List.of(), view().verify());
        area.verify();
    }

    @Test
    void aLockOfADeadProcessIsRepairableAndRepaired() throws Exception
    {
        areaWithData();
        final UnsafeBuffer control = mapPart(0, CONTROL_LENGTH);
        final ProcessIdentity dead = deadProcess();
        control.putLong(classBlockOffset(2) + CLASS_LOCK_OFFSET, SharedMutex.ownerWord(dead));
        assertReports(view(), "the lock of size class 24 B is held by pid " + dead.pid() + " (no longer running), which " +
            "died inside an operation (0 logged writes to undo); repairable");
        assertEquals(List.of("entry \"a\": undid the unfinished operation (0 writes) a dead process left under the lock of " +
            "size class 24 B"), registry.repair("a"));
        assertEquals(0, control.getLong(classBlockOffset(2) + CLASS_LOCK_OFFSET), "the lock is free again");
        assertEquals(List.of(), view().verify());
    }

    @Test
    void aLockALiveProcessHoldsIsReportedWithItsHolderAndNothingIsWritten() throws Exception
    {
        areaWithData();
        final UnsafeBuffer control = mapPart(0, CONTROL_LENGTH);
        final ProcessIdentity live = liveOtherProcess();
        control.putLong(classBlockOffset(2) + CLASS_LOCK_OFFSET, SharedMutex.ownerWord(live));
        final byte[] before = Files.readAllBytes(controlFile());
        assertReports(view(), "the lock of size class 24 B is held by pid " + live.pid() + " (running",
            "for the whole check (10 attempts); the area's metadata was not checked");
        assertArrayEquals(before, Files.readAllBytes(controlFile()), "verify wrote nothing");
        assertEquals(SharedMutex.ownerWord(live), control.getLong(classBlockOffset(2) + CLASS_LOCK_OFFSET));
    }

    // ---------------------------------------------------------------------------------------------
    // Hash tables (and maps, which are the same table)
    // ---------------------------------------------------------------------------------------------

    /** {@link #hashWithData}'s slots: an 8-byte key and 8 bytes of the caller's. */
    private static final int HASH_SLOT_SIZE = 16;
    private static final int HASH_GROUP_LENGTH = GROUP_WIDTH + GROUP_WIDTH * HASH_SLOT_SIZE;

    @Test
    void aPartitionCountThatDisagreesWithItsTableIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        header.putInt(partitionOffset(0) + LIVE_OFFSET, header.getInt(partitionOffset(0) + LIVE_OFFSET) + 3);
        final String problem = "partition 0 counts " + header.getInt(partitionOffset(0) + LIVE_OFFSET) + " entries";
        assertReports(view(), problem);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, hash::verify);
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
    }

    @Test
    void aDamagedControlByteIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        group.putByte(full, (byte)0x81);
        final String problem = "partition 0 slot " + full + " has control byte 0x81";
        assertReports(view(), problem);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, hash::verify);
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
    }

    @Test
    void aControlByteWithTheWrongTagIsReported()
    {
        hashWithData();
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        group.putByte(full, (byte)((group.getByte(full) + 1) & 0x7F));
        assertReports(view(), "partition 0 slot " + full + " holds a key of partition 0 or with a wrong tag");
    }

    @Test
    void aKeyOfAnotherPartitionIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        final int slot = GROUP_WIDTH + full * HASH_SLOT_SIZE;
        // A key of partition 1 (the hash's top bit) with its tag right: only the partition is wrong.
        long key = 1_000;
        while (hashOfKeyAt(keyBuffer(key), 0) >>> 63 == 0)
        {
            key++;
        }
        group.putLong(slot, key);
        group.putByte(full, (byte)(hashOfKeyAt(group, slot) & 0x7F));
        assertOnlyProblem(hash::verify, "partition 0 slot " + full + " holds a key of partition 1 or with a wrong tag");
    }

    @Test
    void anEntryItsHomeGroupCannotReachIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer table = bucketTable(0);
        final int groups = table.getInt(0) / GROUP_WIDTH;
        final int from = firstFull(group(table, 0));
        // Half the table away from its home group (probing stops at group 0, which has an empty slot):
        // an entry no lookup finds.
        final int toGroup = groups / 2;
        final int to = firstEmpty(group(table, toGroup));
        moveSlot(group(table, 0), from, group(table, toGroup), to);
        assertOnlyProblem(hash::verify, "partition 0 slot " + (toGroup * GROUP_WIDTH + to) + " is not reachable from its home group");
    }

    @Test
    void aKeyInTwoSlotsIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        final int empty = firstEmpty(group);
        group.putByte(empty, group.getByte(full));
        group.putBytes(GROUP_WIDTH + empty * HASH_SLOT_SIZE, group, GROUP_WIDTH + full * HASH_SLOT_SIZE, HASH_SLOT_SIZE);
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        header.putInt(partitionOffset(0) + LIVE_OFFSET, header.getInt(partitionOffset(0) + LIVE_OFFSET) + 1);
        // The probe meets the lower slot first: the higher one is the copy.
        assertOnlyProblem(hash::verify, "partition 0 slot " + Math.max(full, empty) + " holds a key that slot " + Math.min(full, empty) +
            " also holds");
    }

    @Test
    void aTombstoneCountThatDisagreesWithItsTableIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer group = firstGroup(0);
        group.putByte(firstEmpty(group), HashDescriptor.CTRL_DELETED);
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        header.putInt(partitionOffset(0) + HashDescriptor.TOMBSTONES_OFFSET, 3);
        final int live = header.getInt(partitionOffset(0) + LIVE_OFFSET);
        assertOnlyProblem(hash::verify, "partition 0 counts " + live + " entries and 3 tombstones but its table holds " + live + " and 1");
    }

    @Test
    void aPartitionLoadedPastItsLimitIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer table = bucketTable(0);
        final int capacity = table.getInt(0);
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final int live = header.getInt(partitionOffset(0) + LIVE_OFFSET);
        // Tombstones, counted as the table holds them, up to one slot past 80% (which is allowed).
        final int tombstones = (capacity * 4 + 4) / 5 + 1 - live;
        int marked = 0;
        for (int i = 0; marked < tombstones; i++)
        {
            final UnsafeBuffer group = group(table, i / GROUP_WIDTH);
            if (group.getByte(i % GROUP_WIDTH) == HashDescriptor.CTRL_EMPTY)
            {
                group.putByte(i % GROUP_WIDTH, HashDescriptor.CTRL_DELETED);
                marked++;
            }
        }
        header.putInt(partitionOffset(0) + HashDescriptor.TOMBSTONES_OFFSET, tombstones);
        assertOnlyProblem(hash::verify, "partition 0 is loaded past 80%: " + (live + tombstones) + " of " + capacity + " slots");
    }

    @Test
    void aDamagedTableHeaderIsReported()
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer partitions = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final long linked = partitions.getLong(partitionOffset(0) + TABLE_OFFSET);
        final UnsafeBuffer table = bucketTable(0);
        final int capacity = table.getInt(HashDescriptor.TABLE_CAPACITY_OFFSET);
        final String prefix = "partition 0: hash \"h\" is corrupt in partition 0: ";
        final String header = "its table header (capacity ";
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_CAPACITY_OFFSET, 0),
            prefix + header + "0, slot size 16, partition 0) does not fit");
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_CAPACITY_OFFSET, capacity + 4),
            prefix + header + (capacity + 4) + ", slot size 16, partition 0) does not fit");
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_CAPACITY_OFFSET, 1 << 24),
            prefix + header + (1 << 24) + ", slot size 16, partition 0) does not fit");
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_SLOT_SIZE_OFFSET, 24),
            prefix + header + capacity + ", slot size 24, partition 0) does not fit");
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_PARTITION_OFFSET, 1),
            prefix + header + capacity + ", slot size 16, partition 1) does not fit");
        assertTableDamage(hash, () -> table.putInt(HashDescriptor.TABLE_MAGIC_OFFSET, 0),
            prefix + header + capacity + ", slot size 16, partition 0) does not fit");
        final long nowhere = pointer(200, 0);
        assertTableDamage(hash, () -> partitions.putLong(partitionOffset(0) + TABLE_OFFSET, nowhere),
            prefix + "its table pointer 0x" + Long.toHexString(nowhere) + " is not valid: ");
        partitions.putLong(partitionOffset(0) + TABLE_OFFSET, linked);
        final int resizeCount = partitionOffset(0) + HashDescriptor.RESIZE_COUNT_OFFSET;
        partitions.putLong(resizeCount, partitions.getLong(resizeCount) + 1);
        assertEquals(List.of(), view().verify(), "every damage was put back");
        hash.verify();
    }

    @Test
    void aValueBlockThatEndsAtItsSegmentsLastByteIsValid() throws Exception
    {
        final SharedMap<String, byte[]> map = registry.map("m", Codec.STRING, Codec.BYTES, MapOptions.defaults().partitions(1));
        // Larger than a standard segment: the area gives it a segment of its own, of exactly its pages.
        final byte[] value = new byte[(4 << 20) - HashDescriptor.BLOCK_DATA_OFFSET];
        Arrays.fill(value, (byte)7);
        map.put("large", value);
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final UnsafeBuffer group = firstGroup(0);
        final long block = group.getLong(GROUP_WIDTH + firstFull(group) * header.getInt(HashDescriptor.SLOT_SIZE_OFFSET) +
            header.getInt(HashDescriptor.VALUE_OFFSET_OFFSET));
        final long segmentLength;
        try (var files = Files.list(registry.directory()))
        {
            segmentLength = Files.size(files.filter(f -> f.getFileName().toString().endsWith("_" + pointerSegment(block) + ".dsm"))
                .findFirst().orElseThrow());
        }
        assertEquals(segmentLength, pointerOffset(block) + HashDescriptor.BLOCK_DATA_OFFSET + value.length,
            "the block ends at its segment's last byte, as the test intends");
        assertArrayEquals(value, map.get("large"));
        assertEquals(List.of(), view().verify());
        map.verify();
    }

    /** Keys in blocks: every key (inline key length 0), or keys longer than the slot keeps (short mode, 28). */
    @ParameterizedTest
    @ValueSource(ints = {0, MapOptions.DEFAULT_INLINE_KEY_LENGTH})
    void aBlockOfNegativeLengthIsReportedForKeysAndValues(final int inlineKeyLength)
    {
        final SharedMap<String, String> map = mapOfKeysInBlocks(inlineKeyLength);
        assertEquals(List.of(), view().verify());
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final int slotSize = header.getInt(HashDescriptor.SLOT_SIZE_OFFSET);
        final int valueOffset = header.getInt(HashDescriptor.VALUE_OFFSET_OFFSET);
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        final int slot = GROUP_WIDTH + full * slotSize;
        for (final int field : new int[] {valueOffset, keyBlockField(inlineKeyLength)})
        {
            final long block = group.getLong(slot + field);
            final UnsafeBuffer segment = mapPart(pointerSegment(block), pointerOffset(block) + 8);
            final int lengthAt = (int)pointerOffset(block) + HashDescriptor.BLOCK_LENGTH_OFFSET;
            final int length = segment.getInt(lengthAt);
            segment.putInt(lengthAt, -1);
            final String problem = "partition 0 slot " + full + ": map \"m\" is corrupt: a block at 0x" + Long.toHexString(block) + " records -1 bytes";
            assertOnlyProblem(map::verify, problem);
            segment.putInt(lengthAt, length);
        }
        map.verify();
    }

    @Test
    void aPartitionALiveProcessHoldsIsReportedAndTheOthersAreChecked() throws Exception
    {
        hashWithData();
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final ProcessIdentity live = liveOtherProcess();
        header.putLong(partitionOffset(1) + LOCK_OFFSET, SharedMutex.ownerWord(live));
        header.putInt(partitionOffset(0) + LIVE_OFFSET, 999);
        final List<String> problems = view().verify();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("partition 0 counts 999 entries"), "partition 0 was checked: " + problems);
        assertTrue(problems.get(1).contains("partition 1 is locked by pid " + live.pid() + " (running") &&
            problems.get(1).contains("it was not checked"), problems.toString());
    }

    @Test
    void aPartitionADeadWriterLeftIsRepairableAndRepaired() throws Exception
    {
        final SharedHash hash = hashWithData();
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final ProcessIdentity dead = deadProcess();
        header.putLong(partitionOffset(1) + LOCK_OFFSET, SharedMutex.ownerWord(dead));
        header.putLong(partitionOffset(1) + VERSION_OFFSET, header.getLong(partitionOffset(1) + VERSION_OFFSET) + 1);
        header.putInt(partitionOffset(1) + LIVE_OFFSET, 0);
        assertReports(view(), "partition 1 is locked by pid " + dead.pid() + " (no longer running), which died inside a " +
            "write; repairable");
        final List<String> repaired = registry.repair();
        assertEquals(1, repaired.size(), repaired.toString());
        assertTrue(repaired.get(0).startsWith("entry \"h\": took over the lock of a dead process and repaired partition 1 " +
            "(recounted "), repaired.toString());
        assertEquals(List.of(), view().verify());
        hash.verify();
        assertEquals(200, hash.size(), "the recount restored the damaged count");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, MapOptions.DEFAULT_INLINE_KEY_LENGTH})
    void aDeadWritersRepairFreesItsUnlinkedBlocksKeepsLinkedOnesRecountsAndMakesReadersRetry(final int inlineKeyLength) throws Exception
    {
        final SharedMap<String, String> map = mapOfKeysInBlocks(inlineKeyLength);
        final HashTable table = ((MapHandle<?, ?>)map).table();
        final long inUse = map.bytesInUse();
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final int p = partitionOffset(0);
        final UnsafeBuffer group = firstGroup(0);
        // A deleted slot the counts left out, and the blocks of a dead insert: its key's block already linked to a slot
        // (it died after claiming it; a slot past the group's first, so that its offset is computed in full), its value's
        // block and a new table not.
        group.putByte(firstEmpty(group), HashDescriptor.CTRL_DELETED);
        final int slotSize = header.getInt(HashDescriptor.SLOT_SIZE_OFFSET);
        final int linkedSlot = GROUP_WIDTH + fullSlotPastTheFirst(group) * slotSize;
        header.putLong(p + HashDescriptor.PENDING_KEY_OFFSET, group.getLong(linkedSlot + keyBlockField(inlineKeyLength)));
        header.putLong(p + HashDescriptor.PENDING_VALUE_OFFSET, table.area().allocate(40, 0));
        header.putLong(p + HashDescriptor.PENDING_TABLE_OFFSET, table.area().allocate(4096, 0));
        header.putInt(p + LIVE_OFFSET, 999);
        final long version = header.getLong(p + VERSION_OFFSET);
        final long resizes = header.getLong(p + HashDescriptor.RESIZE_COUNT_OFFSET);
        header.putLong(p + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        assertEquals(List.of("entry \"m\": took over the lock of a dead process and repaired partition 0 (recounted 20 entries, freed 2 " +
            "unlinked blocks)"), registry.repair("m"));
        assertEquals(20, header.getInt(p + LIVE_OFFSET));
        assertEquals(1, header.getInt(p + HashDescriptor.TOMBSTONES_OFFSET));
        assertEquals(0, header.getLong(p + HashDescriptor.PENDING_KEY_OFFSET));
        assertEquals(0, header.getLong(p + HashDescriptor.PENDING_VALUE_OFFSET));
        assertEquals(0, header.getLong(p + HashDescriptor.PENDING_TABLE_OFFSET));
        assertEquals(version + 2, header.getLong(p + VERSION_OFFSET), "a version written through: optimistic readers retry");
        assertEquals(resizes + 1, header.getLong(p + HashDescriptor.RESIZE_COUNT_OFFSET), "every process re-resolves the table");
        assertEquals(inUse, map.bytesInUse(), "the unlinked blocks were freed, the linked key was not");
        assertEveryValue(map, 20);

        // The other way round: a key block not linked yet, a value block linked, and the new table already swapped in.
        header.putLong(p + HashDescriptor.PENDING_KEY_OFFSET, table.area().allocate(40, 0));
        header.putLong(p + HashDescriptor.PENDING_VALUE_OFFSET, group.getLong(linkedSlot + header.getInt(HashDescriptor.VALUE_OFFSET_OFFSET)));
        header.putLong(p + HashDescriptor.PENDING_TABLE_OFFSET, header.getLong(p + TABLE_OFFSET));
        header.putLong(p + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));
        assertEquals(List.of("entry \"m\": took over the lock of a dead process and repaired partition 0 (recounted 20 entries, freed 1 " +
            "unlinked blocks)"), registry.repair("m"));
        assertEquals(inUse, map.bytesInUse(), "the unlinked key was freed; the linked value and the table were not");
        assertEveryValue(map, 20);
        assertEquals(List.of(), view().verify());

        // A pending block that cannot be freed (named by damage, not by a writer) is left (and logged), not fatal.
        header.putLong(p + HashDescriptor.PENDING_VALUE_OFFSET, pointer(200, 0));
        header.putLong(p + LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));
        assertEquals(List.of("entry \"m\": took over the lock of a dead process and repaired partition 0 (recounted 20 entries, freed 0 " +
            "unlinked blocks)"), registry.repair("m"));
        assertEquals(0, header.getLong(p + HashDescriptor.PENDING_VALUE_OFFSET));
        assertEquals(List.of(), view().verify());
    }

    @Test
    void aShortKeysLengthOutsideItsSlotIsReported()
    {
        final SharedMap<String, String> map = registry.map("m", Codec.STRING, Codec.STRING, MapOptions.defaults().partitions(1));
        for (int key = 0; key < 20; key++)
        {
            map.put("key " + key, "value " + key);
        }
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        assertEquals(HashDescriptor.KEY_SHORT, header.getInt(HashDescriptor.KEY_MODE_OFFSET));
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        final int lengthAt = GROUP_WIDTH + full * header.getInt(HashDescriptor.SLOT_SIZE_OFFSET) +
            HashDescriptor.SHORT_KEY_LENGTH_OFFSET;
        final int length = group.getInt(lengthAt);
        for (final int damaged : new int[] {MapOptions.DEFAULT_INLINE_KEY_LENGTH + 1, HashDescriptor.KEY_IN_BLOCK - 1})
        {
            group.putInt(lengthAt, damaged);
            assertOnlyProblem(map::verify, "partition 0 slot " + full + ": map \"m\" is corrupt: a slot records a key of " + damaged +
                " bytes in a key field of 32 bytes (0 to 28 fit, -1 marks a key block)");
        }
        group.putInt(lengthAt, length);
        assertEquals(List.of(), view().verify());
        map.verify();
    }

    @Test
    void everyDamagedShortKeyIsReportedWithItsSlotAndTheAdviceOnce()
    {
        final SharedMap<String, String> map = registry.map("m", Codec.STRING, Codec.STRING, MapOptions.defaults().partitions(1));
        for (int key = 0; key < 20; key++)
        {
            map.put("key " + key, "value " + key);
        }
        final int slotSize = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH).getInt(HashDescriptor.SLOT_SIZE_OFFSET);
        final UnsafeBuffer group = firstGroup(0);
        final int first = firstFull(group);
        int second = first + 1;
        while (group.getByte(second) < 0)
        {
            second++;
        }
        for (final int full : new int[] {first, second})
        {
            group.putInt(GROUP_WIDTH + full * slotSize + HashDescriptor.SHORT_KEY_LENGTH_OFFSET, 1000);
        }
        final String problem = ": map \"m\" is corrupt: a slot records a key of 1000 bytes";
        final List<String> problems = view().verify();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("partition 0 slot " + first + problem), problems.toString());
        assertTrue(problems.get(1).contains("partition 0 slot " + second + problem), problems.toString());
        final String message = assertThrows(CorruptFileException.class, map::verify).getMessage();
        assertTrue(message.contains("partition 0 slot " + first + problem) && message.contains("partition 0 slot " + second + problem),
            message);
        assertEquals(message.indexOf(HeaderedFile.REMOVE_ENTRY), message.lastIndexOf(HeaderedFile.REMOVE_ENTRY),
            "the advice is given once: " + message);
    }

    @Test
    void growthOverADamagedKeyFailsEachTimeAndLeavesNoTableBehind()
    {
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1));
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        int keys = 0;
        map.put("key " + keys++, 0L);
        while ((long)(header.getInt(partitionOffset(0) + LIVE_OFFSET) + 1) * 5 <= (long)bucketCapacity(0) * 4)
        {
            map.put("key " + keys, (long)keys++);
        }
        final long resizes = header.getLong(partitionOffset(0) + HashDescriptor.RESIZE_COUNT_OFFSET);
        final int slotSize = header.getInt(HashDescriptor.SLOT_SIZE_OFFSET);
        final UnsafeBuffer group = firstGroup(0);
        final int lengthAt = GROUP_WIDTH + firstFull(group) * slotSize + HashDescriptor.SHORT_KEY_LENGTH_OFFSET;
        final int length = group.getInt(lengthAt);
        group.putInt(lengthAt, 1000);
        final long inUse = map.bytesInUse();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            // The insert needs growth, which rehashes every key and so meets the damaged one after allocating the new table.
            final String key = "grows " + attempt;
            final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> map.put(key, 1L));
            assertTrue(ex.getMessage().contains("a slot records a key of 1000 bytes"), ex.getMessage());
            assertEquals(inUse, map.bytesInUse(), "the table growth began was freed");
            assertEquals(0, header.getLong(partitionOffset(0) + HashDescriptor.PENDING_TABLE_OFFSET), "and no longer named");
            assertEquals(resizes, header.getLong(partitionOffset(0) + HashDescriptor.RESIZE_COUNT_OFFSET));
        }
        group.putInt(lengthAt, length);
        map.put("grows", 1L);
        assertEquals(resizes + 1, header.getLong(partitionOffset(0) + HashDescriptor.RESIZE_COUNT_OFFSET));
        assertEquals(keys + 1, map.size());
        assertEquals(List.of(), view().verify());
        map.verify();
    }

    /**
     * A map of 20 entries of one partition whose keys are all in key blocks: the map's every key with inline key
     * length 0, or keys longer than its slots keep.
     */
    private SharedMap<String, String> mapOfKeysInBlocks(final int inlineKeyLength)
    {
        final SharedMap<String, String> map = registry.map("m", Codec.STRING, Codec.STRING,
            MapOptions.defaults().partitions(1).inlineKeyLength(inlineKeyLength));
        for (int key = 0; key < 20; key++)
        {
            map.put(longKey(key), "value " + key);
        }
        return map;
    }

    /** A key longer than the default slot keeps, {@code key} told apart in its first bytes. */
    private static String longKey(final int key)
    {
        return "key " + key + " ".repeat(MapOptions.DEFAULT_INLINE_KEY_LENGTH);
    }

    /** Where a slot of {@link #mapOfKeysInBlocks} holds the pointer to its key's block. */
    private static int keyBlockField(final int inlineKeyLength)
    {
        return inlineKeyLength == 0 ? HashDescriptor.KEY_FIELD_OFFSET : HashDescriptor.SHORT_KEY_BLOCK_OFFSET;
    }

    @Test
    void aPartitionLeftMidWriteUnderAFreeLockIsRepairable()
    {
        hashWithData();
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        header.putLong(partitionOffset(0) + VERSION_OFFSET, header.getLong(partitionOffset(0) + VERSION_OFFSET) + 1);
        assertReports(view(), "partition 0 was left mid-write", "repairable");
        assertTrue(registry.repair("h").get(0).contains("repaired partition 0"));
        assertEquals(List.of(), view().verify());
    }

    @Test
    void aMapValueBlockPastItsSegmentIsReported()
    {
        final SharedMap<Long, String> map = registry.map("m", Codec.LONG, Codec.STRING, MapOptions.defaults().partitions(1));
        for (long key = 0; key < 20; key++)
        {
            map.put(key, "value " + key);
        }
        assertEquals(List.of(), view().verify());
        final UnsafeBuffer header = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final int slotSize = header.getInt(HashDescriptor.SLOT_SIZE_OFFSET);
        final int valueOffset = header.getInt(HashDescriptor.VALUE_OFFSET_OFFSET);
        final UnsafeBuffer group = firstGroup(0);
        final int full = firstFull(group);
        final long block = group.getLong(GROUP_WIDTH + full * slotSize + valueOffset);
        final UnsafeBuffer segment = mapPart(pointerSegment(block), pointerOffset(block) + 8);
        segment.putInt((int)pointerOffset(block) + HashDescriptor.BLOCK_LENGTH_OFFSET, Integer.MAX_VALUE);
        final String problem = "a block at 0x" + Long.toHexString(block) + " records " + Integer.MAX_VALUE + " bytes, past the end " +
            "of its segment";
        assertReports(view(), "map \"m\" (", "partition 0 slot " + full + ": map \"m\" is corrupt: " + problem);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, map::verify);
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private RegistryView view()
    {
        return RegistryView.open("test", RegistryOptions.defaults().root(root)).orElseThrow();
    }

    /** Some problem reported by {@code view} contains every one of {@code expected}. */
    private static void assertReports(final RegistryView view, final String... expected)
    {
        final List<String> problems = view.verify();
        assertTrue(problems.stream().anyMatch(problem -> Arrays.stream(expected).allMatch(problem::contains)),
            "expected a problem with " + List.of(expected) + " in " + problems);
    }

    private UnsafeBuffer table()
    {
        return new UnsafeBuffer(MappedFiles.mapExisting(registry.directory().resolve("registry.dat"), 4096, "test"));
    }

    /** The offset of the slot holding {@code name}. */
    private static int slotOf(final UnsafeBuffer table, final String name)
    {
        for (int offset = slotTableOffset(DEFAULT_PROCESS_CAPACITY); offset < table.capacity(); offset += SLOT_LENGTH)
        {
            if (table.getInt(offset + SLOT_STATE_OFFSET) != 0 && table.getInt(offset + SLOT_NAME_LENGTH_OFFSET) == name.length() &&
                table.getStringWithoutLengthUtf8(offset + SLOT_NAME_OFFSET, name.length()).equals(name))
            {
                return offset;
            }
        }
        throw new AssertionError("no slot holds " + name);
    }

    private static int slotIndex(final int slotOffset)
    {
        return (slotOffset - slotTableOffset(DEFAULT_PROCESS_CAPACITY)) / SLOT_LENGTH;
    }

    /** An area "a" with small objects of several classes (some freed) and a large block; consistent. */
    private SharedArea areaWithData()
    {
        final SharedArea area = registry.area("a");
        for (int size = 16; size <= 2000; size += 37)
        {
            final long pointer = area.allocate(size);
            if (size % 3 == 0)
            {
                area.free(pointer);
            }
        }
        area.allocate(50_000);
        area.verify();
        assertEquals(List.of(), view().verify());
        return area;
    }

    /** Damages a fresh area's control file with {@code damage}, then checks that both verifies report {@code expected}. */
    private void assertAreaReports(final Consumer<UnsafeBuffer> damage, final String expected)
    {
        registry.remove("a");
        final SharedArea area = areaWithData();
        damage.accept(mapPart(0, CONTROL_LENGTH));
        assertReports(view(), expected);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, area::verify);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    private Path controlFile() throws Exception
    {
        try (var files = Files.list(registry.directory()))
        {
            return files.filter(file -> file.getFileName().toString().endsWith("_0.dsm")).findFirst().orElseThrow();
        }
    }

    /** A hash "h" of 200 entries in 2 partitions; consistent. */
    private SharedHash hashWithData()
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(2));
        for (long key = 1; key <= 200; key++)
        {
            try (SharedHash.Entry entry = hash.findOrInsert(key))
            {
                entry.buffer().putLong(8, key);
            }
        }
        assertEquals(List.of(), view().verify());
        return hash;
    }

    /** The first group of partition {@code p}'s bucket table (its control bytes, then its slots), in the area's segment file. */
    private UnsafeBuffer firstGroup(final int p)
    {
        final long table = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH).getLong(partitionOffset(p) + TABLE_OFFSET);
        final UnsafeBuffer segment = mapPart(pointerSegment(table), pointerOffset(table) + TABLE_HEADER_LENGTH + 4096);
        return new UnsafeBuffer(segment, (int)pointerOffset(table) + TABLE_HEADER_LENGTH, 4096);
    }

    /** Partition {@code p}'s whole bucket table from its first group: its capacity first, read from its header. */
    private UnsafeBuffer bucketTable(final int p)
    {
        final long table = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH).getLong(partitionOffset(p) + TABLE_OFFSET);
        final int at = (int)pointerOffset(table);
        final int capacity = bucketCapacity(p);
        final int length = TABLE_HEADER_LENGTH + capacity / GROUP_WIDTH * HASH_GROUP_LENGTH;
        return new UnsafeBuffer(mapPart(pointerSegment(table), at + length), at, length);
    }

    /** The capacity partition {@code p}'s table records in its header. */
    private int bucketCapacity(final int p)
    {
        final long table = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH).getLong(partitionOffset(p) + TABLE_OFFSET);
        final int at = (int)pointerOffset(table);
        return mapPart(pointerSegment(table), at + TABLE_HEADER_LENGTH).getInt(at + HashDescriptor.TABLE_CAPACITY_OFFSET);
    }

    /** Group {@code g} of a table from {@link #bucketTable}, for {@link #hashWithData}'s 16-byte slots. */
    private static UnsafeBuffer group(final UnsafeBuffer table, final int g)
    {
        return new UnsafeBuffer(table, TABLE_HEADER_LENGTH + g * HASH_GROUP_LENGTH, HASH_GROUP_LENGTH);
    }

    /** Moves the entry of slot {@code from} of one group to the empty slot {@code to} of another: control byte and slot. */
    private static void moveSlot(final UnsafeBuffer fromGroup, final int from, final UnsafeBuffer toGroup, final int to)
    {
        toGroup.putBytes(GROUP_WIDTH + to * HASH_SLOT_SIZE, fromGroup, GROUP_WIDTH + from * HASH_SLOT_SIZE, HASH_SLOT_SIZE);
        toGroup.putByte(to, fromGroup.getByte(from));
        fromGroup.putByte(from, HashDescriptor.CTRL_EMPTY);
    }

    private static UnsafeBuffer keyBuffer(final long key)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        buffer.putLong(0, key);
        return buffer;
    }

    /** The hash of the 8-byte key at {@code offset}, as the table computes it from a slot's key field. */
    private static long hashOfKeyAt(final UnsafeBuffer buffer, final int offset)
    {
        return Hashing.hashBytes(buffer, offset, Long.BYTES);
    }

    private static int fullSlotPastTheFirst(final UnsafeBuffer group)
    {
        for (int j = 1; j < GROUP_WIDTH; j++)
        {
            if (group.getByte(j) >= 0)
            {
                return j;
            }
        }
        throw new AssertionError("the group holds no entry past its first slot");
    }

    private static void assertEveryValue(final SharedMap<String, String> map, final int entries)
    {
        for (int key = 0; key < entries; key++)
        {
            assertEquals("value " + key, map.get(longKey(key)));
        }
    }

    private static int firstEmpty(final UnsafeBuffer group)
    {
        for (int j = 0; j < GROUP_WIDTH; j++)
        {
            if (group.getByte(j) == HashDescriptor.CTRL_EMPTY)
            {
                return j;
            }
        }
        throw new AssertionError("the group has no empty slot");
    }

    /**
     * Damages partition 0's table with {@code damage}, makes every process re-resolve it (as a repair does), checks
     * that both verifies report {@code expected} and nothing else, and puts the table back.
     */
    private void assertTableDamage(final SharedHash hash, final Runnable damage, final String expected)
    {
        final UnsafeBuffer table = bucketTable(0);
        final byte[] saved = new byte[TABLE_HEADER_LENGTH];
        table.getBytes(0, saved);
        final UnsafeBuffer partitions = mapPart(HEADER_PART, HashDescriptor.HEADER_LENGTH);
        final int resizeCount = partitionOffset(0) + HashDescriptor.RESIZE_COUNT_OFFSET;
        damage.run();
        partitions.putLong(resizeCount, partitions.getLong(resizeCount) + 1);
        assertOnlyProblem(hash::verify, expected);
        table.putBytes(0, saved);
        partitions.putLong(resizeCount, partitions.getLong(resizeCount) + 1);
    }

    /** The read-only verify reports {@code expected} and nothing else, and the handle's own verify throws it. */
    private void assertOnlyProblem(final Runnable handleVerify, final String expected)
    {
        final List<String> problems = view().verify();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(expected), "expected " + expected + " in " + problems);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, handleVerify::run);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    private static int firstFull(final UnsafeBuffer group)
    {
        for (int j = 0; j < GROUP_WIDTH; j++)
        {
            if (group.getByte(j) >= 0)
            {
                return j;
            }
        }
        throw new AssertionError("the first group holds no entry");
    }

    /** A running process other than this one (the one that started the tests), as a holder that is alive. */
    private static ProcessIdentity liveOtherProcess()
    {
        final long parent = ProcessHandle.current().parent().orElseThrow().pid();
        return ProcessIdentity.running(parent);
    }
}
