package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.InvalidPointerException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.dsmreg.internal.layout.AreaDescriptor.PAGE_SHIFT;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerSegment;
import static io.dsmreg.internal.layout.AreaDescriptor.span;
import static io.dsmreg.internal.layout.AreaDescriptor.spanPage;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;
import static org.junit.jupiter.api.Assertions.*;

/** One size class's pool: its superblocks' objects, its list of superblocks with room, and what it refuses. */
class SizeClassPoolTest
{
    /** 8 KiB objects: 7 to a superblock, beyond the magazines. */
    private static final int SIZE_CLASS = SizeClasses.COUNT - 1;
    private static final int SIZE = SizeClasses.size(SIZE_CLASS);
    /** What release returns for a superblock that stays with the pool. */
    private static final int KEPT = 0;

    @TempDir
    Path directory;
    private AreaAllocator allocator;
    private SizeClassPool pool;

    @BeforeEach
    void createTheArea()
    {
        allocator = TestAreas.create(directory);
        // Segment 1, all of it free pages (the first segment stays when its last block goes).
        allocator.free(allocator.allocate(100_000, 0));
        pool = allocator.pool(SIZE_CLASS);
    }

    @Test
    void everyObjectIsHandedOutOnceThenTheFullSuperblockLeavesTheList()
    {
        final int superblock = newSuperblock();
        assertEquals(superblock, pool.firstWithRoom());
        final int capacity = SizeClasses.capacity(SIZE_CLASS);
        final Set<Long> objects = new HashSet<>();
        for (int i = 0; i < capacity; i++)
        {
            final long pointer = take();
            assertTrue(objects.add(pointer), "object " + i + " handed out once");
            assertEquals(0, pointer % 64, "64-byte aligned");
        }
        assertEquals(0, pool.firstWithRoom(), "a full superblock is on no list");
        assertEquals((long)capacity * SIZE, allocator.bytesInUse());
        assertEquals(List.of(), allocator.verify());
        for (final long pointer : objects)
        {
            release(pointer);
        }
        assertEquals(superblock, pool.firstWithRoom(), "back on the list with its first free object");
        assertTrue(pool.isEmpty(superblock));
        assertEquals(0, allocator.bytesInUse());
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void freedObjectsAreHandedOutAgainLastFreedFirst()
    {
        newSuperblock();
        final long a = take();
        final long b = take();
        final long c = take();
        release(b);
        release(a);
        assertEquals(a, take());
        assertEquals(b, take());
        assertEquals(c + SIZE, take(), "then the next object never handed out");
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void anEmptySuperblockIsGivenBackUnlessItIsThePoolsOnlyOneWithRoom()
    {
        newSuperblock();
        final long first = take();
        assertEquals(KEPT, release(first), "the only superblock with room stays");
        final long again = take();
        final int second = newSuperblock();
        final long other = take();
        final AreaSegment segment = allocator.segments().segment(pointerSegment(again));
        assertNotEquals(second, spanOf(again, segment));
        assertEquals(spanOf(again, segment), release(again), "another superblock has room: the empty one goes back");
        assertEquals(second, spanOf(other, segment));
    }

    @Test
    void aPointerThatIsNotAnAllocatedObjectIsRefusedAndNothingChanges()
    {
        newSuperblock();
        final long a = take();
        final long b = take();
        release(a);
        final long inUse = allocator.bytesInUse();
        assertEquals("pointer 0x" + Long.toHexString(a) + " is not valid in area \"a\": it is not an allocated block (freed " +
            "already, a double free, or never allocated)", assertThrows(InvalidPointerException.class, () -> release(a)).getMessage());
        assertTrue(assertThrows(InvalidPointerException.class, () -> release(b + 8)).getMessage()
            .contains("it is not the start of an allocation (objects of 8192 bytes start at offset "));
        assertThrows(InvalidPointerException.class, () -> release(b + 6L * SIZE), "object 7 of 7");
        assertEquals(inUse, allocator.bytesInUse());
        assertEquals(List.of(), allocator.verify());
        assertEquals(a, take(), "the free list is as it was");
    }

    @Test
    void aFreeListThatHandsOutAnAllocatedObjectIsCorruptAndNothingChanges()
    {
        final int superblock = newSuperblock();
        take();
        final AreaSegment segment = allocator.segments().segmentOfSpan(superblock);
        final int freeHead = segment.entry(spanPage(superblock)) + SPAN_FREE_HEAD_OFFSET;
        segment.buffer.putInt(freeHead, 1);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, this::take);
        assertTrue(ex.getMessage().contains("the superblock of 8192 B at " + SpanList.describe(superblock) +
            " hands out object 0, which is not free"), ex.getMessage());
        assertEquals(1, segment.buffer.getInt(freeHead), "nothing was written");
        assertEquals(SIZE, allocator.bytesInUse());
        segment.buffer.putInt(freeHead, 0);
        assertEquals(List.of(), allocator.verify());
    }

    /** A superblock of the pool from segment 1's free pages, as the coordinator makes one: an area operation inside the pool's. */
    private int newSuperblock()
    {
        final AreaTransaction area = allocator.areaTransaction();
        final PageRuns runs = allocator.pageRuns();
        return (int)pool.transaction.run(() -> area.run(() ->
        {
            final int span = runs.take(runs.find(SUPERBLOCK_PAGES), SUPERBLOCK_PAGES, KIND_SUPERBLOCK);
            pool.format(span);
            return span;
        }));
    }

    private long take()
    {
        return pool.transaction.run(() -> pool.take(pool.firstWithRoom()));
    }

    /** Releases an object as one pool operation; returns the superblock to give back, or 0. */
    private int release(final long pointer)
    {
        final AreaSegment segment = allocator.segments().segment(pointerSegment(pointer));
        final int page = (int)(pointerOffset(pointer) - segment.dataOffset) >>> PAGE_SHIFT;
        return (int)pool.transaction.run(() -> pool.release(pointer, segment, page));
    }

    private static int spanOf(final long pointer, final AreaSegment segment)
    {
        final int page = (int)(pointerOffset(pointer) - segment.dataOffset) >>> PAGE_SHIFT;
        return span(segment.number, segment.buffer.getInt(segment.pageMap(page)));
    }
}
