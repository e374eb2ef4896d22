package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_FREE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_NONE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PAGES_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PREV_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_SIZE_CLASS_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_UNTOUCHED_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Each consistency check of an area is shown to find what it claims (issue 18): a small consistent
 * area is built through the allocator and checked clean, then its metadata is damaged exactly the way
 * one check names, and the report asserted word for word; a value exactly at a limit is shown to be
 * accepted, one past it reported. AreaCheck runs here without locks (nothing else uses the area).
 * AreaInspection, the check of tools that only look, is shown to tell a lock held by a live process
 * from what a dead one left, to pause between its attempts and to report only what two runs agree on.
 */
class AreaCheckTest
{
    /** Segment 1 of a new area: 256 KiB hold 63 pages after its header, page map and span table. */
    private static final int PAGES = 63;
    private static final int CLASS_8 = SizeClasses.classOf(8);
    private static final int CLASS_1024 = SizeClasses.classOf(1024);
    private static final int CLASS_8192 = SizeClasses.classOf(8192);
    private static final long LIVE_OWNER = SharedMutex.ownerWord(ProcessIdentity.current());
    private static final String REPAIRABLE = "repairable: the area's next operation repairs it, or run dsmreg repair " +
        "(DsmRegistry.repair)";

    @TempDir
    Path directory;
    private AreaAllocator allocator;
    private UnsafeBuffer control;

    @BeforeEach
    void createTheArea()
    {
        allocator = TestAreas.create(directory);
        control = TestAreas.control(directory);
    }

    // ---------------------------------------------------------------------------------------------
    // Consistent areas, and values exactly at a limit
    // ---------------------------------------------------------------------------------------------

    @Test
    void anAreaWithEveryKindOfSpanAndCachedObjectsIsClean()
    {
        final List<Long> small = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            small.add(allocator.allocate(8, 0));
        }
        small.forEach(allocator::free);
        allocator.free(allocator.allocate(1024, 0));
        allocator.allocate(8192, 0);
        allocator.allocate(20_000, 0);
        // The magazine was refilled with 8 objects of the new superblock, its object 0 among them (an offset of 0 in its objects).
        assertEquals(8, control.getInt(magazineCountOffset(ownSlot(), CLASS_8)));
        assertEquals(List.of(), check());
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void aFullSuperblockAndAnEmptyOneWhoseObjectsWereNeverHandedOutAreClean()
    {
        final int capacity = SizeClasses.capacity(CLASS_8192);
        for (int i = 0; i < capacity; i++)
        {
            allocator.allocate(8192, 0);
        }
        final AreaSegment segment = segment(1);
        final int full = segment.entry(0);
        assertEquals(0, segment.buffer.getInt(full + SPAN_FREE_COUNT_OFFSET));
        assertEquals(capacity, segment.buffer.getInt(full + SPAN_UNTOUCHED_OFFSET));
        // The pool's only superblock with room stays when its object comes back: all free, object 0 on its free list.
        allocator.free(allocator.allocate(8192, 0));
        final int empty = segment.entry(SUPERBLOCK_PAGES);
        assertEquals(capacity, segment.buffer.getInt(empty + SPAN_FREE_COUNT_OFFSET));
        assertEquals(1, segment.buffer.getInt(empty + SPAN_FREE_HEAD_OFFSET));
        assertEquals(List.of(), check());
        // As if it had never handed an object out: no free list, nothing touched.
        segment.buffer.putInt(empty + SPAN_FREE_HEAD_OFFSET, 0);
        segment.buffer.putInt(empty + SPAN_UNTOUCHED_OFFSET, 0);
        assertEquals(List.of(), check());
    }

    @Test
    void bitsPastTheLastObjectOfABitmapAreNoObjects()
    {
        allocator.allocate(8192, 0);
        final AreaSegment segment = segment(1);
        final int capacity = SizeClasses.capacity(CLASS_8192);
        // The bit after the last object's is the bitmap's padding: nothing lies there to count as allocated.
        segment.buffer.putLong(segment.pageOffset(0), segment.buffer.getLong(segment.pageOffset(0)) | (1L << capacity));
        assertEquals(List.of(), check());
    }

    @Test
    void aSuperblockWithObjectsPastItsFirstBitmapWordIsClean()
    {
        manySmallObjectsAfterALargeSpan();
        assertEquals(List.of(), check());
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void aFullMagazineIsClean()
    {
        final List<Long> objects = new ArrayList<>();
        for (int i = 0; i < MAGAZINE_CAPACITY; i++)
        {
            objects.add(allocator.allocate(8, 0));
        }
        objects.forEach(allocator::free);
        assertEquals(MAGAZINE_CAPACITY, control.getInt(magazineCountOffset(ownSlot(), CLASS_8)));
        assertEquals(List.of(), check());
    }

    @Test
    void bytesOfTheControlFileThatAreNoFieldAreNotReadAsOne()
    {
        allocator.free(allocator.allocate(8, 0));
        final int slot = ownSlot();
        // After the last free-run head, after the last count of a slot, and past the last slot: padding, whatever it holds.
        control.putInt(freeRunHeadOffset(FREE_RUN_BUCKETS), span(1, 0));
        control.putInt(magazineCountOffset(slot, MAGAZINE_CLASSES), 99);
        control.putInt(magazineCountOffset(magazineOffset(MAGAZINE_SLOTS), 0), 99);
        control.putLong(magazineOffset(MAGAZINE_SLOTS), LIVE_OWNER);
        assertEquals(List.of(), check());
    }

    // ---------------------------------------------------------------------------------------------
    // Span tiling and page map
    // ---------------------------------------------------------------------------------------------

    @Test
    void aSpanOfNoPagesOrRunningPastTheSegmentIsReported()
    {
        twoLargeSpans();
        final UnsafeBuffer buffer = segment(1).buffer;
        final int last = segment(1).entry(3);
        final String largeBytes = "large bytes in use is recorded as " + (PAGES << PAGE_SHIFT) + " but the metadata adds up to " +
            (3 << PAGE_SHIFT);
        assertIntDamageReports(buffer, last + SPAN_PAGES_OFFSET, 0,
            "span at segment 1 page 3 has 0 pages, outside the segment's 63", largeBytes);
        assertIntDamageReports(buffer, last + SPAN_PAGES_OFFSET, -1,
            "span at segment 1 page 3 has -1 pages, outside the segment's 63", largeBytes);
        assertIntDamageReports(buffer, last + SPAN_PAGES_OFFSET, PAGES - 3 + 1,
            "span at segment 1 page 3 has 61 pages, outside the segment's 63", largeBytes);
    }

    @Test
    void aSpanOfAnUnknownKindIsReported()
    {
        twoLargeSpans();
        final int last = segment(1).entry(3) + SPAN_KIND_OFFSET;
        final String largeBytes = "large bytes in use is recorded as " + (PAGES << PAGE_SHIFT) + " but the metadata adds up to " +
            (3 << PAGE_SHIFT);
        assertIntDamageReports(segment(1).buffer, last, 7, "span at segment 1 page 3 has kind 7, which is not a span's", largeBytes);
        assertIntDamageReports(segment(1).buffer, last, KIND_NONE, "span at segment 1 page 3 has kind 0, which is not a span's",
            largeBytes);
    }

    @Test
    void anAllocatedSpanWhosePageMapNamesAnotherPageIsReported()
    {
        twoLargeSpans();
        final AreaSegment segment = segment(1);
        assertIntDamageReports(segment.buffer, segment.pageMap(1), 5, "span at segment 1 page 0: the page map entry of page 1 is 5");
        assertIntDamageReports(segment.buffer, segment.pageMap(3), 0, "span at segment 1 page 3: the page map entry of page 3 is 0");
        assertIntDamageReports(segment.buffer, segment.pageMap(PAGES - 1), 4,
            "span at segment 1 page 3: the page map entry of page 62 is 4");
    }

    @Test
    void aFreeRunWhosePageMapDoesNotNameItsEndsIsReported()
    {
        largeSpanAndFreeRun();
        final AreaSegment segment = segment(1);
        final String problem = "span at segment 1 page 3: the page map does not tag the free run's first and last page";
        assertIntDamageReports(segment.buffer, segment.pageMap(3), 0, problem);
        assertIntDamageReports(segment.buffer, segment.pageMap(PAGES - 1), 0, problem);
        // Only its ends are kept exact.
        segment.buffer.putInt(segment.pageMap(30), 0);
        assertEquals(List.of(), check());
    }

    @Test
    void freeRunsNextToEachOtherAreReported()
    {
        largeSpanAndFreeRun();
        final AreaSegment segment = segment(1);
        final UnsafeBuffer buffer = segment.buffer;
        // The run of 60 pages as two runs of 30 on their own list, each consistent but for being neighbours.
        final int first = segment.entry(3);
        final int second = segment.entry(33);
        buffer.putInt(first + SPAN_PAGES_OFFSET, 30);
        buffer.putInt(first + SPAN_NEXT_OFFSET, span(1, 33));
        buffer.putInt(segment.pageMap(32), 3);
        buffer.putInt(second + SPAN_KIND_OFFSET, KIND_FREE);
        buffer.putInt(second + SPAN_PAGES_OFFSET, 30);
        buffer.putInt(second + SPAN_PREV_OFFSET, span(1, 3));
        buffer.putInt(segment.pageMap(33), 33);
        buffer.putInt(segment.pageMap(PAGES - 1), 33);
        control.putInt(freeRunHeadOffset(5), 0);
        control.putInt(freeRunHeadOffset(4), span(1, 3));
        assertEquals(List.of("span at segment 1 page 33 is a free run next to another one: they were not coalesced"), check());
    }

    @Test
    void anEntirelyFreeSegmentIsReportedUnlessItIsTheFirst()
    {
        allocator.free(allocator.allocate(3 << PAGE_SHIFT, 0));
        assertEquals(PAGES, segment(1).buffer.getInt(segment(1).entry(0) + SPAN_PAGES_OFFSET), "segment 1 is one free run");
        assertEquals(List.of(), check());

        allocator.allocate(3 << PAGE_SHIFT, 0);
        final long whole = allocator.allocate(PAGES << PAGE_SHIFT, 0);
        assertEquals(2, pointerSegment(whole));
        final AreaSegment second = segment(2);
        assertEquals(PAGES, second.pageCount);
        // Its one large span made a free run by hand, on its list and out of the large bytes, as a free that kept it would leave it.
        final int entry = second.entry(0);
        final int head = control.getInt(freeRunHeadOffset(5));
        second.buffer.putInt(entry + SPAN_KIND_OFFSET, KIND_FREE);
        second.buffer.putInt(entry + SPAN_NEXT_OFFSET, head);
        segment(1).buffer.putInt(segment(1).entry(spanPage(head)) + SPAN_PREV_OFFSET, span(2, 0));
        control.putInt(freeRunHeadOffset(5), span(2, 0));
        control.putLong(LARGE_BYTES_IN_USE_OFFSET, 3 << PAGE_SHIFT);
        assertEquals(List.of("segment 2 is entirely free but was not given back"), check());
    }

    // ---------------------------------------------------------------------------------------------
    // Superblocks
    // ---------------------------------------------------------------------------------------------

    @Test
    void aSuperblockOfAnotherSizeClassIsReported()
    {
        final int entry = superblockWithAFreedObject();
        assertIntDamageReports(segment(1).buffer, entry + SPAN_SIZE_CLASS_OFFSET, SizeClasses.COUNT,
            "span at segment 1 page 0 is a superblock of 16 pages and size class 36", unaccounted(), offPartialList());
        assertIntDamageReports(segment(1).buffer, entry + SPAN_SIZE_CLASS_OFFSET, -1,
            "span at segment 1 page 0 is a superblock of 16 pages and size class -1", unaccounted(), offPartialList());
    }

    @Test
    void aSuperblockCountingObjectsOutsideItsCapacityIsReported()
    {
        final int entry = superblockWithAFreedObject();
        final UnsafeBuffer buffer = segment(1).buffer;
        assertIntDamageReports(buffer, entry + SPAN_FREE_COUNT_OFFSET, -1,
            "span at segment 1 page 0 records -1 free and 3 touched objects of 7", unaccounted(), offPartialList());
        assertIntDamageReports(buffer, entry + SPAN_FREE_COUNT_OFFSET, 8,
            "span at segment 1 page 0 records 8 free and 3 touched objects of 7", unaccounted(), offPartialList());
        assertIntDamageReports(buffer, entry + SPAN_UNTOUCHED_OFFSET, -1,
            "span at segment 1 page 0 records 5 free and -1 touched objects of 7", unaccounted(), offPartialList());
        assertIntDamageReports(buffer, entry + SPAN_UNTOUCHED_OFFSET, 8,
            "span at segment 1 page 0 records 5 free and 8 touched objects of 7", unaccounted(), offPartialList());
    }

    @Test
    void aBitmapThatDisagreesWithTheCountIsReported()
    {
        superblockWithAFreedObject();
        final AreaSegment segment = segment(1);
        final int bitmap = segment.pageOffset(0);
        // Objects 0 and 2 are allocated; 1 was freed; 3 to 6 were never handed out.
        assertEquals(0b101L, segment.buffer.getLong(bitmap));
        assertLongDamageReports(segment.buffer, bitmap, 0b001L,
            "span at segment 1 page 0: its bitmap shows 1 allocated objects but its count says 2");
        assertLongDamageReports(segment.buffer, bitmap, 0b1101L,
            "span at segment 1 page 0: object 3 is allocated but was never handed out", unaccounted(), offPartialList());
        assertLongDamageReports(segment.buffer, bitmap, 0b111L,
            "span at segment 1 page 0: its bitmap shows 3 allocated objects but its count says 2",
            "span at segment 1 page 0: its free list holds object 1, which is allocated, untouched or listed twice",
            unaccounted(), offPartialList());
        assertIntDamageReports(segment.buffer, segment.entry(0) + SPAN_FREE_COUNT_OFFSET, 6,
            "span at segment 1 page 0: its bitmap shows 2 allocated objects but its count says 1",
            "span at segment 1 page 0: 1 freed + 4 untouched objects, but its count says 6",
            "bytes in use of size class 8192 is recorded as 16384 but the metadata adds up to 8192");
    }

    @Test
    void aFreeListHoldingWhatIsNotAFreedObjectIsReported()
    {
        final int entry = superblockWithAFreedObject();
        final AreaSegment segment = segment(1);
        final String holds = "span at segment 1 page 0: its free list holds object ";
        final String because = ", which is allocated, untouched or listed twice";
        assertIntDamageReports(segment.buffer, entry + SPAN_FREE_HEAD_OFFSET, 1, holds + 0 + because, unaccounted(), offPartialList());
        assertIntDamageReports(segment.buffer, entry + SPAN_FREE_HEAD_OFFSET, 3, holds + 2 + because, unaccounted(), offPartialList());
        assertIntDamageReports(segment.buffer, entry + SPAN_FREE_HEAD_OFFSET, 4, holds + 3 + because, unaccounted(), offPartialList());
        assertIntDamageReports(segment.buffer, entry + SPAN_FREE_HEAD_OFFSET, -5, holds + -6 + because, unaccounted(),
            offPartialList());
        // Object 1 links to itself: the list loops.
        final int link = segment.pageOffset(0) + SizeClasses.bitmapLength(CLASS_8192) + SizeClasses.size(CLASS_8192);
        assertIntDamageReports(segment.buffer, link, 2, holds + 1 + because, unaccounted(), offPartialList());
        assertIntDamageReports(segment.buffer, entry + SPAN_FREE_HEAD_OFFSET, 0,
            "span at segment 1 page 0: 0 freed + 4 untouched objects, but its count says 5");
    }

    // ---------------------------------------------------------------------------------------------
    // Lists
    // ---------------------------------------------------------------------------------------------

    @Test
    void aFreeRunOnTheListOfAnotherSizeIsReported()
    {
        largeSpanAndFreeRun();
        control.putInt(freeRunHeadOffset(5), 0);
        control.putInt(freeRunHeadOffset(0), span(1, 3));
        assertEquals(List.of("free-run list 0 holds a run of 60 pages"), check());
        control.putInt(freeRunHeadOffset(0), 0);
        control.putInt(freeRunHeadOffset(6), span(1, 3));
        assertEquals(List.of("free-run list 6 holds a run of 60 pages"), check());
    }

    @Test
    void aFreeRunOnNoListOrOnTwoIsReported()
    {
        largeSpanAndFreeRun();
        assertIntDamageReports(control, freeRunHeadOffset(5), 0, "free run at segment 1 page 3 is on no free-run list");
        assertIntDamageReports(control, freeRunHeadOffset(3), span(1, 3), "free-run list 3 holds a run of 60 pages",
            "free-run list 5 holds segment 1 page 3, which does not belong there (or is listed twice)");
        assertIntDamageReports(control, freeRunHeadOffset(0), span(1, 0),
            "free-run list 0 holds segment 1 page 0, which does not belong there (or is listed twice)");
    }

    @Test
    void aListWithABrokenLinkOrALoopIsReported()
    {
        largeSpanAndFreeRun();
        final AreaSegment segment = segment(1);
        assertIntDamageReports(segment.buffer, segment.entry(3) + SPAN_PREV_OFFSET, span(1, 0),
            "free-run list 5: the back link of segment 1 page 3 is wrong");
        assertIntDamageReports(segment.buffer, segment.entry(3) + SPAN_NEXT_OFFSET, span(1, 3),
            "free-run list 5 holds segment 1 page 3, which does not belong there (or is listed twice)");
    }

    @Test
    void aSuperblockWithRoomOffItsPartialListOrWithABrokenLinkIsReported()
    {
        final int entry = superblockWithAFreedObject();
        final int head = classBlockOffset(CLASS_8192) + CLASS_PARTIAL_HEAD_OFFSET;
        assertIntDamageReports(control, head, 0, "superblock at segment 1 page 0 has free objects but is on no partial list");
        assertIntDamageReports(segment(1).buffer, entry + SPAN_PREV_OFFSET, span(1, 16),
            "partial list of size class 8192: the back link of segment 1 page 0 is wrong");
    }

    // ---------------------------------------------------------------------------------------------
    // Counters, undo logs and the segment table
    // ---------------------------------------------------------------------------------------------

    @Test
    void countersThatDisagreeWithTheMetadataAreReported()
    {
        superblockWithAFreedObject();
        final long reserved = CONTROL_LENGTH + (256 << 10);
        assertLongDamageReports(control, RESERVED_BYTES_OFFSET, reserved + 1,
            "reserved bytes is recorded as " + (reserved + 1) + " but the metadata adds up to " + reserved);
        assertLongDamageReports(control, SEGMENT_COUNT_OFFSET, 2, "segment count is recorded as 2 but the metadata adds up to 1");
        assertLongDamageReports(control, LARGE_BYTES_IN_USE_OFFSET, 1,
            "large bytes in use is recorded as 1 but the metadata adds up to 0");
        assertLongDamageReports(control, classBlockOffset(CLASS_8192) + CLASS_BYTES_IN_USE_OFFSET, 1,
            "bytes in use of size class 8192 is recorded as 1 but the metadata adds up to 16384");
    }

    @Test
    void undoLogsHoldingEntriesOutsideAnOperationAreReported()
    {
        superblockWithAFreedObject();
        assertIntDamageReports(control, AREA_LOG_COUNT_OFFSET, 3, "the area undo log holds 3 entries outside an operation");
        assertIntDamageReports(control, classBlockOffset(CLASS_8) + CLASS_LOG_COUNT_OFFSET, 2,
            "the undo log of size class 8 holds entries outside an operation");
    }

    @Test
    void aSegmentInTheTableThatCannotBeMappedOrFoundIsReported()
    {
        superblockWithAFreedObject();
        final long reserved = CONTROL_LENGTH + (256 << 10);
        final String counters = "reserved bytes is recorded as " + reserved + " but the metadata adds up to " + (reserved + (256 << 10));
        control.putLong(segmentEntryOffset(3) + SEGMENT_FILE_LENGTH_OFFSET, 256 << 10);
        final String cause = assertThrows(RuntimeException.class, () -> mappings().segment(3)).getMessage();
        assertEquals(List.of("segment 3 cannot be mapped: " + cause, counters,
            "segment count is recorded as 1 but the metadata adds up to 2"), check());
        // Given back between reading the table and mapping it: the lookup finds no segment.
        final SegmentMappings mappings = mappings();
        assertEquals(List.of("segment 3 is in the table but cannot be found", counters,
            "segment count is recorded as 1 but the metadata adds up to 2"),
            new AreaCheck(control, number -> number == 3 ? null : mappings.segment(number)).run());
    }

    // ---------------------------------------------------------------------------------------------
    // Magazines
    // ---------------------------------------------------------------------------------------------

    @Test
    void aMagazineCountOutsideItsCapacityOrWithoutAnOwnerIsReported()
    {
        cachedObjects();
        final int slot = ownSlot();
        final String where = "magazine slot " + slotIndex(slot) + ", class ";
        assertIntDamageReports(control, magazineCountOffset(slot, CLASS_8), -1, where + "8 B counts -1 objects, outside 0..16");
        assertIntDamageReports(control, magazineCountOffset(slot, CLASS_8), 17, where + "8 B counts 17 objects, outside 0..16");
        assertLongDamageReports(control, slot + MAGAZINE_OWNER_OFFSET, 0, where + "8 B holds 8 objects but the slot has no owner",
            where + "1024 B holds " + control.getInt(magazineCountOffset(slot, CLASS_1024)) + " objects but the slot has no owner");
    }

    @Test
    void aMagazineEntryThatIsNoObjectOfItsClassIsReported()
    {
        final long[] objects = cachedObjects();
        final long large = objects[0];
        final long object8192 = objects[1];
        final AreaSegment segment = segment(1);
        final int slot = ownSlot();
        final int entry = magazineEntryOffset(slot, CLASS_8, 0);
        final String holds = "magazine slot " + slotIndex(slot) + ", class 8 B holds pointer 0x";
        for (final long pointer : new long[] {0, -1, pointer(9, 5 << PAGE_SHIFT), (long)MAX_SEGMENTS << POINTER_SEGMENT_SHIFT})
        {
            assertLongDamageReports(control, entry, pointer, holds + Long.toHexString(pointer) + ", which names no segment");
        }
        final String outside = ", which is outside the pages of segment 1";
        for (final long pointer : new long[] {pointer(1, 100), pointer(1, segment.dataOffset - 8), pointer(1, (int)segment.length)})
        {
            assertLongDamageReports(control, entry, pointer, holds + Long.toHexString(pointer) + outside);
        }
        final String notInASuperblock = ", which is not in a superblock of its class";
        final long lastByte = pointer(1, (int)segment.length - 1);
        for (final long pointer : new long[] {large, object8192, lastByte})
        {
            assertLongDamageReports(control, entry, pointer, holds + Long.toHexString(pointer) + notInASuperblock);
        }
        final String notAnObject = ", which is not the start of an object";
        final long first8 = pointer(1, segment.pageOffset(0) + SizeClasses.bitmapLength(CLASS_8));
        for (final long pointer : new long[] {pointer(1, segment.dataOffset), first8 + 4})
        {
            assertLongDamageReports(control, entry, pointer, holds + Long.toHexString(pointer) + notAnObject);
        }
        // 8 objects were handed out to the magazine: object 8 is free.
        final long untouched = first8 + 8 * 8;
        assertLongDamageReports(control, entry, untouched, holds + Long.toHexString(untouched) + ", which is free in its superblock");
    }

    @Test
    void aMagazineEntryNamingAFreedObjectIsReported()
    {
        final List<Long> objects = manySmallObjectsAfterALargeSpan();
        final int slot = ownSlot();
        // Object 72 is on its superblock's free list; the bitmap word of objects 64 to 127 shows it free.
        final long freed = objects.get(72);
        assertLongDamageReports(control, magazineEntryOffset(slot, CLASS_8, 0), freed, "magazine slot " + slotIndex(slot) +
            ", class 8 B holds pointer 0x" + Long.toHexString(freed) + ", which is free in its superblock");
    }

    @Test
    void aMagazineEntryPastTheObjectsOfItsSuperblockIsReported()
    {
        cachedObjects();
        final AreaSegment segment = segment(1);
        final int slot = ownSlot();
        // The superblock of 1024 B objects is the second span: past its last object lies room for none.
        final int capacity = SizeClasses.capacity(CLASS_1024);
        final long pastTheLast = pointer(1, segment.pageOffset(SUPERBLOCK_PAGES) + SizeClasses.bitmapLength(CLASS_1024) +
            capacity * 1024);
        assertTrue(pointerOffset(pastTheLast) < segment.pageOffset(2 * SUPERBLOCK_PAGES), "still in the superblock");
        assertLongDamageReports(control, magazineEntryOffset(slot, CLASS_1024, 0), pastTheLast, "magazine slot " + slotIndex(slot) +
            ", class 1024 B holds pointer 0x" + Long.toHexString(pastTheLast) + ", which is not the start of an object");
        // The page right after the superblock of 1024 B objects, whose page map names that superblock: one past its pages.
        final int nextPage = 2 * SUPERBLOCK_PAGES;
        final long pointer = pointer(1, segment.pageOffset(nextPage));
        final String notInASuperblock = "magazine slot " + slotIndex(slot) + ", class 1024 B holds pointer 0x" +
            Long.toHexString(pointer) + ", which is not in a superblock of its class";
        assertLongDamageReports(control, magazineEntryOffset(slot, CLASS_1024, 0), pointer, notInASuperblock);
        segment.buffer.putInt(segment.pageMap(nextPage), SUPERBLOCK_PAGES);
        control.putLong(magazineEntryOffset(slot, CLASS_1024, 0), pointer);
        assertEquals(List.of("span at segment 1 page 32: the page map entry of page 32 is 16", notInASuperblock), check());
    }

    @Test
    void anObjectInTwoMagazineEntriesIsReportedUnlessOneWasPoppedMeanwhile()
    {
        cachedObjects();
        final int slot = ownSlot();
        final long pointer = control.getLong(magazineEntryOffset(slot, CLASS_8, 0));
        final String twice = "magazine slot " + slotIndex(slot) + ", class 8 B holds pointer 0x" + Long.toHexString(pointer) +
            ", which another magazine entry holds too";
        assertLongDamageReports(control, magazineEntryOffset(slot, CLASS_8, 1), pointer, twice);
        control.putLong(magazineEntryOffset(slot, CLASS_8, 1), pointer);
        // A thread popped entry 1 between the check's two reads of the count: only entry 0 still holds the object.
        final int countOffset = magazineCountOffset(slot, CLASS_8);
        final ChangingControl popping = new ChangingControl(control, Read.INT_VOLATILE, countOffset, read -> read == 0 ? null : 1L);
        assertEquals(List.of(), new AreaCheck(popping, allocator.segments()::segment).run());
        assertEquals(2, popping.reads());
    }

    @Test
    void atMostTwentyProblemsAreListed()
    {
        cachedObjects();
        final int slot = ownSlot();
        final List<String> expected = new ArrayList<>();
        for (int c = 0; c < MAGAZINE_CLASSES; c++)
        {
            control.putInt(magazineCountOffset(slot, c), 99);
            if (c < 20)
            {
                expected.add("magazine slot " + slotIndex(slot) + ", class " + SizeClasses.size(c) +
                    " B counts 99 objects, outside 0..16");
            }
        }
        assertEquals(expected, check());
    }

    // ---------------------------------------------------------------------------------------------
    // AreaInspection: no lock, two runs that agree
    // ---------------------------------------------------------------------------------------------

    @Test
    void aConsistentAreaIsInspectedInOneRunWithoutPausing()
    {
        cachedObjects();
        final ChangingControl watched = new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET, read -> null);
        assertEquals(0, pausesDuring(() -> assertEquals(List.of(), inspect(watched))));
        assertEquals(2, watched.reads(), "the locks read before and after the one run");
    }

    @Test
    void damageIsReportedWhenTwoRunsAgree()
    {
        superblockWithAFreedObject();
        control.putLong(LARGE_BYTES_IN_USE_OFFSET, 1);
        final ChangingControl watched = new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET, read -> null);
        assertEquals(1, pausesDuring(() -> assertEquals(List.of("large bytes in use is recorded as 1 but the metadata adds up to 0"),
            inspect(watched))));
        assertEquals(4, watched.reads(), "two runs, the locks read before and after each");
    }

    @Test
    void aRunDuringWhichALockWasTakenDoesNotCount()
    {
        superblockWithAFreedObject();
        control.putLong(LARGE_BYTES_IN_USE_OFFSET, 1);
        // The lock is free before the first run and taken after it: that run may have seen an operation half done.
        final ChangingControl taken = new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET,
            read -> read == 1 ? LIVE_OWNER : null);
        assertEquals(2, pausesDuring(() -> assertEquals(List.of("large bytes in use is recorded as 1 but the metadata adds " +
            "up to 0"), inspect(taken))));
        assertEquals(6, taken.reads(), "three runs: the first one's finding was set aside, the next two agree");
    }

    @Test
    void metadataThatChangesBetweenEveryRunIsReportedAsChanging()
    {
        superblockWithAFreedObject();
        // Every run sees another operation's undo log, which the lock reads around it never do.
        final ChangingControl changing = new ChangingControl(control, Read.INT, AREA_LOG_COUNT_OFFSET, read -> (long)read + 1);
        assertEquals(List.of("its metadata kept changing while it was checked (10 attempts, each finding something else); run " +
            "verify again when the area is idle"), inspect(changing));
        assertEquals(20, changing.reads(), "ten runs, each reading the count and reporting it");
    }

    @Test
    void locksHeldByALiveProcessForTheWholeCheckAreReportedWithTheirHolder()
    {
        superblockWithAFreedObject();
        control.putLong(AREA_LOCK_OFFSET, LIVE_OWNER);
        control.putLong(classBlockOffset(CLASS_8192) + CLASS_LOCK_OFFSET, LIVE_OWNER);
        final String notChecked = " for the whole check (10 attempts); the area's metadata was not checked: run verify again " +
            "when it is idle";
        final String holder = " is held by " + SharedMutex.describeHolder(LIVE_OWNER);
        assertEquals(9, pausesDuring(() -> assertEquals(List.of("the area lock" + holder + notChecked,
            "the lock of size class 8192 B" + holder + notChecked), inspect(control))));
    }

    @Test
    void aLockReleasedBeforeTheLastAttemptLetsTheAreaBeChecked()
    {
        superblockWithAFreedObject();
        control.putLong(LARGE_BYTES_IN_USE_OFFSET, 1);
        // Held for the first 8 attempts: the 9th and 10th runs agree.
        assertEquals(List.of("large bytes in use is recorded as 1 but the metadata adds up to 0"),
            inspect(new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET, read -> read < 8 ? LIVE_OWNER : null)));
        control.putLong(LARGE_BYTES_IN_USE_OFFSET, 0);
        // Held for 9: the 10th run is clean.
        assertEquals(List.of(),
            inspect(new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET, read -> read < 9 ? LIVE_OWNER : null)));
        // Held for all 10.
        assertEquals(List.of("the area lock is held by " + SharedMutex.describeHolder(LIVE_OWNER) + " for the whole check (10 " +
            "attempts); the area's metadata was not checked: run verify again when it is idle"),
            inspect(new ChangingControl(control, Read.LONG_VOLATILE, AREA_LOCK_OFFSET, read -> read < 10 ? LIVE_OWNER : null)));
    }

    @Test
    void whatADeadProcessLeftIsRepairableAndReportedAtOnce()
    {
        superblockWithAFreedObject();
        final long dead = TestAreas.deadOwner();
        control.putLong(AREA_LOCK_OFFSET, dead);
        control.putInt(classBlockOffset(CLASS_8192) + CLASS_LOG_COUNT_OFFSET, 2);
        control.putLong(classBlockOffset(CLASS_8192) + CLASS_LOCK_OFFSET, dead);
        control.putInt(classBlockOffset(CLASS_8) + CLASS_LOG_COUNT_OFFSET, 3);
        final String died = " is held by " + SharedMutex.describeHolder(dead) + ", which died inside an operation (";
        assertEquals(0, pausesDuring(() -> assertEquals(List.of(
            "the area lock" + died + "0 logged writes to undo); " + REPAIRABLE,
            "the lock of size class 8 B is free but its undo log holds 3 writes of an operation that did not finish; " +
                "repairable: the area's next operation rolls them back, or run dsmreg repair (DsmRegistry.repair)",
            "the lock of size class 8192 B" + died + "2 logged writes to undo); " + REPAIRABLE), inspect(control))));
    }

    @Test
    void metadataThatCannotBeReadIsReported()
    {
        cachedObjects();
        segment(1).buffer.putInt(MAJOR_VERSION_OFFSET, 9);
        final String cause = assertThrows(CorruptFileException.class, () -> mappings().segment(1)).getMessage();
        // The check reports the segment, but the object a magazine caches in it cannot be looked at.
        assertEquals(List.of("its metadata cannot be read: " + cause), new AreaInspection(control, mappings()::segment).run());
    }

    // ---------------------------------------------------------------------------------------------
    // Areas to damage
    // ---------------------------------------------------------------------------------------------

    /** Segment 1 tiled by a large span of pages 0 to 2 and one of pages 3 to 62. */
    private void twoLargeSpans()
    {
        allocator.allocate(3 << PAGE_SHIFT, 0);
        allocator.allocate((PAGES - 3) << PAGE_SHIFT, 0);
        assertEquals(List.of(), check());
    }

    /** Segment 1 tiled by a large span of pages 0 to 2 and a free run of pages 3 to 62 (60 pages: free-run list 5). */
    private void largeSpanAndFreeRun()
    {
        allocator.allocate(3 << PAGE_SHIFT, 0);
        allocator.free(allocator.allocate(5 << PAGE_SHIFT, 0));
        assertEquals(span(1, 3), control.getInt(freeRunHeadOffset(5)));
        assertEquals(List.of(), check());
    }

    /**
     * A superblock of 8 KiB objects at page 0, capacity 7: objects 0 and 2 allocated, 1 freed (its free
     * list), 3 to 6 never handed out; on its class's partial list. Returns its span table entry.
     */
    private int superblockWithAFreedObject()
    {
        allocator.allocate(8192, 0);
        final long freed = allocator.allocate(8192, 0);
        allocator.allocate(8192, 0);
        allocator.free(freed);
        final AreaSegment segment = segment(1);
        final int entry = segment.entry(0);
        assertEquals(7, SizeClasses.capacity(CLASS_8192));
        assertEquals(5, segment.buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET));
        assertEquals(2, segment.buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET));
        assertEquals(span(1, 0), control.getInt(classBlockOffset(CLASS_8192) + CLASS_PARTIAL_HEAD_OFFSET));
        assertEquals(List.of(), check());
        return entry;
    }

    /**
     * Superblocks of 8 B, 1024 B and 8 KiB objects at pages 0, 16 and 32, then a large span: this
     * thread's magazine caches 8 objects of 8 B and some of 1024 B. Returns the large span's pointer
     * and the 8 KiB object's.
     */
    private long[] cachedObjects()
    {
        allocator.free(allocator.allocate(8, 0));
        allocator.free(allocator.allocate(1024, 0));
        final long object8192 = allocator.allocate(8192, 0);
        final long large = allocator.allocate(3 << PAGE_SHIFT, 0);
        assertEquals(8, control.getInt(magazineCountOffset(ownSlot(), CLASS_8)));
        assertTrue(control.getInt(magazineCountOffset(ownSlot(), CLASS_1024)) > 0);
        assertEquals(3 * SUPERBLOCK_PAGES, pageOf(large));
        assertEquals(List.of(), check());
        return new long[] {large, object8192};
    }

    /**
     * A large span of pages 0 to 2 whose last 8 bytes are all ones (whatever a user wrote), then a
     * superblock of 8 B objects: objects 0 to 79 handed out; 64 to 79, then 0, freed to this thread's
     * magazine, which shed 72 to 79 (the top half) onto the superblock's free list. Returns the
     * objects, by index.
     */
    private List<Long> manySmallObjectsAfterALargeSpan()
    {
        final long large = allocator.allocate(3 << PAGE_SHIFT, 0);
        segment(1).buffer.putLong((int)pointerOffset(large) + (3 << PAGE_SHIFT) - Long.BYTES, -1L);
        final List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 80; i++)
        {
            objects.add(allocator.allocate(8, 0));
        }
        // Each refill hands 8 objects out in reverse: by address, they are objects 0 to 79.
        objects.sort(null);
        final AreaSegment segment = segment(1);
        assertEquals(pointer(1, segment.pageOffset(3) + SizeClasses.bitmapLength(CLASS_8)), objects.get(0));
        assertEquals(objects.get(0) + 79 * 8, objects.get(79));
        objects.subList(64, 80).forEach(allocator::free);
        allocator.free(objects.get(0));
        assertEquals(73, segment.buffer.getInt(segment.entry(3) + SPAN_FREE_HEAD_OFFSET));
        assertEquals(List.of(), check());
        return objects;
    }

    /** What the superblock's bytes in use come to when the check could not count its objects. */
    private static String unaccounted()
    {
        return "bytes in use of size class 8192 is recorded as 16384 but the metadata adds up to 0";
    }

    /** What the partial list shows when the check could not count the superblock's free objects. */
    private static String offPartialList()
    {
        return "partial list of size class 8192 holds segment 1 page 0, which does not belong there (or is listed twice)";
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private List<String> check()
    {
        return new AreaCheck(control, allocator.segments()::segment).run();
    }

    private List<String> inspect(final UnsafeBuffer controlAsRead)
    {
        return new AreaInspection(controlAsRead, allocator.segments()::segment).run();
    }

    /** New mappings of the area's segments, which see a segment file as it is now. */
    private SegmentMappings mappings()
    {
        return new SegmentMappings("a", directory, TestAreas.FILE_ID, control, () -> false,
            new AreaErrors("a", EntryFiles.path(directory, TestAreas.FILE_ID, 0)), false);
    }

    private AreaSegment segment(final int number)
    {
        return allocator.segments().segment(number);
    }

    private int pageOf(final long pointer)
    {
        return (int)((pointerOffset(pointer) - segment(pointerSegment(pointer)).dataOffset) >>> PAGE_SHIFT);
    }

    /** The offset of the magazine slot this process's thread owns. */
    private int ownSlot()
    {
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            if (control.getLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET) == LIVE_OWNER)
            {
                return magazineOffset(s);
            }
        }
        throw new AssertionError("no magazine slot is this process's");
    }

    private static int slotIndex(final int slotOffset)
    {
        return (slotOffset - MAGAZINES_OFFSET) / MAGAZINE_SLOT_LENGTH;
    }

    /**
     * Writes {@code value} at {@code offset}, asserts that the check lists exactly {@code expected},
     * restores the word and asserts that the area is clean again.
     */
    private void assertIntDamageReports(final UnsafeBuffer buffer, final int offset, final int value, final String... expected)
    {
        final int original = buffer.getInt(offset);
        buffer.putInt(offset, value);
        assertEquals(List.of(expected), check());
        buffer.putInt(offset, original);
        assertEquals(List.of(), check());
    }

    /** {@link #assertIntDamageReports} for a long. */
    private void assertLongDamageReports(final UnsafeBuffer buffer, final int offset, final long value, final String... expected)
    {
        final long original = buffer.getLong(offset);
        buffer.putLong(offset, value);
        assertEquals(List.of(expected), check());
        buffer.putLong(offset, original);
        assertEquals(List.of(), check());
    }

    /** How many times this thread paused (parked, waited) while {@code action} ran. */
    private static long pausesDuring(final Runnable action)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final long before = threads.getThreadInfo(thread).getWaitedCount();
        action.run();
        return threads.getThreadInfo(thread).getWaitedCount() - before;
    }

    /** Which read of a word {@link ChangingControl} answers from its script. */
    private enum Read
    {
        INT, INT_VOLATILE, LONG_VOLATILE
    }

    /**
     * The control file as a reader sees it while another process changes one word: the reads of that
     * word by one kind of read return what {@code script} gives for the read's number (0 for the first),
     * or the file's value where it gives null; every other read is the file's.
     */
    private static final class ChangingControl extends UnsafeBuffer
    {
        private final Read read;
        private final int offset;
        private final IntFunction<Long> script;
        private int reads;

        ChangingControl(final UnsafeBuffer control, final Read read, final int offset, final IntFunction<Long> script)
        {
            super(control.addressOffset(), control.capacity());
            this.read = read;
            this.offset = offset;
            this.script = script;
        }

        int reads()
        {
            return reads;
        }

        @Override
        public int getInt(final int index)
        {
            return (int)scripted(Read.INT, index, () -> (long)super.getInt(index));
        }

        @Override
        public int getIntVolatile(final int index)
        {
            return (int)scripted(Read.INT_VOLATILE, index, () -> (long)super.getIntVolatile(index));
        }

        @Override
        public long getLongVolatile(final int index)
        {
            return scripted(Read.LONG_VOLATILE, index, () -> super.getLongVolatile(index));
        }

        private long scripted(final Read kind, final int index, final Supplier<Long> file)
        {
            if (kind != read || index != offset)
            {
                return file.get();
            }
            final Long value = script.apply(reads++);
            return value != null ? value : file.get();
        }
    }
}
