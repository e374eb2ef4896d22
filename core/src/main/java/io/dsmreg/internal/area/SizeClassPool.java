package io.dsmreg.internal.area;

import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;

import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_BYTES_IN_USE_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOCK_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOG_CAPACITY;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOG_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOG_ENTRIES_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_PARTIAL_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.classBlockOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointer;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.span;
import static io.dsmreg.internal.layout.AreaDescriptor.spanPage;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_SIZE_CLASS_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_UNTOUCHED_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;

/*
 * The pool of one size class (dsa.c's dsa_area_pool): its lock and undo log (its transaction), its
 * list of superblocks that have a free object, its bytes in use, and the objects of its superblocks.
 * The pool's words form one block of the control file (AreaDescriptor); a superblock is a span of 16
 * pages: an allocation bitmap, then the objects (AreaSegmentDescriptor).
 *
 * Invariants, whenever the pool lock is free:
 * - An object is allocated exactly when its bit is set. A free object is either on its superblock's
 *   free list (it was freed; its first 4 bytes link the list) or at or above the superblock's
 *   untouched index (never handed out), and the superblock's free count counts both.
 * - A superblock of the class is on the partial list exactly when its free count is above 0.
 * - Bytes in use = allocated objects x object size, objects that magazines hold included.
 *
 * Locks: take and release: the pool lock must be held, and they write through the pool's
 * transaction. format and unlinkEmpty are parts of area operations a pool runs: the pool lock and
 * the area lock must both be held, and they write through the area's transaction. checkAllocated
 * only reads: without a lock it is exact for an allocated object (its superblock cannot change
 * meanwhile) and bounded for any other pointer.
 */
final class SizeClassPool
{
    final int sizeClass;
    final AreaTransaction transaction;
    private final int objectSize;
    private final int capacity;
    private final int bitmapLength;
    private final UnsafeBuffer control;
    private final int bytesInUseOffset;
    private final SpanList partial;
    private final AreaTransaction area;
    private final SegmentMappings segments;
    private final AreaErrors errors;

    SizeClassPool(
        final int sizeClass, final UnsafeBuffer control, final String name, final long timeoutNanos,
        final AreaTransaction area, final SegmentMappings segments, final AreaErrors errors)
    {
        final int block = classBlockOffset(sizeClass);
        this.sizeClass = sizeClass;
        this.objectSize = SizeClasses.size(sizeClass);
        this.capacity = SizeClasses.capacity(sizeClass);
        this.bitmapLength = SizeClasses.bitmapLength(sizeClass);
        this.control = control;
        this.bytesInUseOffset = block + CLASS_BYTES_IN_USE_OFFSET;
        this.partial = new SpanList(control, block + CLASS_PARTIAL_HEAD_OFFSET, segments, errors);
        this.area = area;
        this.segments = segments;
        this.errors = errors;
        this.transaction = new AreaTransaction(
            new SharedMutex(control, block + CLASS_LOCK_OFFSET, "size class " + objectSize + " B of area \"" + name + "\""),
            new UndoLog(control, block + CLASS_LOG_COUNT_OFFSET, block + CLASS_LOG_ENTRIES_OFFSET, CLASS_LOG_CAPACITY,
                problem -> errors.corrupt("the undo log of size class " + objectSize + " B: " + problem)),
            segments, timeoutNanos, area, AreaTransaction.Outcome.NONE, "area \"" + name + "\"",
            "the lock of size class " + objectSize + " B");
    }

    /** The first superblock with a free object, 0 if none. */
    int firstWithRoom()
    {
        return partial.head();
    }

    /** The superblock after {@code span} on the list of those with a free object, 0 at the end. */
    int nextWithRoom(final int span)
    {
        return partial.next(span);
    }

    /** A walk along the superblocks with room that a damaged list cannot make endless (see SpanList.walk). */
    SpanList.Walk walkWithRoom()
    {
        return partial.walk();
    }

    /** Whether the superblock {@code span} has no allocated object. */
    boolean isEmpty(final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        return segment.buffer.getInt(segment.entry(spanPage(span)) + SPAN_FREE_COUNT_OFFSET) == capacity;
    }

    /** The pool lock must be held: hands out one object of the superblock {@code span}, which has a free one; returns its pointer. */
    long take(final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(span);
        final int entry = segment.entry(page);
        final int objects = segment.pageOffset(page) + bitmapLength;
        final int head = buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET);
        final int index = head != 0 ? head - 1 : buffer.getInt(entry + SPAN_UNTOUCHED_OFFSET);
        final int bitmapWord = segment.pageOffset(page) + ((index >>> 6) << 3);
        if (buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_SUPERBLOCK || buffer.getInt(entry + SPAN_SIZE_CLASS_OFFSET) != sizeClass ||
            index < 0 || index >= capacity || (buffer.getLong(bitmapWord) & (1L << index)) != 0)
        {
            throw errors.corrupt("the superblock of " + objectSize + " B at " + SpanList.describe(span) +
                " hands out object " + index + ", which is not free");
        }
        if (head != 0)
        {
            transaction.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, buffer.getInt(objects + index * objectSize));
        }
        else
        {
            transaction.putInt(part, buffer, entry + SPAN_UNTOUCHED_OFFSET, index + 1);
        }
        transaction.putLong(part, buffer, bitmapWord, buffer.getLong(bitmapWord) | (1L << index));
        final int free = buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET) - 1;
        transaction.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, free);
        transaction.putLong(0, control, bytesInUseOffset, control.getLong(bytesInUseOffset) + objectSize);
        if (free == 0)
        {
            partial.unlink(transaction, span);
        }
        return pointer(part, objects + index * objectSize);
    }

    /**
     * The pool lock must be held: returns the object at {@code pointer}, on page {@code page} of
     * {@code segment}, to its superblock.
     *
     * @return the superblock's span if it is now empty and should go back to the free pages once
     *         this operation commits (unless it is the pool's only one with room: hysteresis), else 0.
     * @throws io.dsmreg.InvalidPointerException if no allocated object of the class starts there; nothing is changed.
     */
    int release(final long pointer, final AreaSegment segment, final int page)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        // Checked again under the lock: only a bad pointer can see the span change meanwhile.
        final int start = buffer.getInt(segment.pageMap(page));
        if (start < 0 || start > page)
        {
            throw errors.notAllocated(pointer);
        }
        final int entry = segment.entry(start);
        if (buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_SUPERBLOCK || buffer.getInt(entry + SPAN_SIZE_CLASS_OFFSET) != sizeClass)
        {
            throw errors.notAllocated(pointer);
        }
        final int index = checkAllocated(errors, pointer, segment, page, start, sizeClass);
        final int objects = segment.pageOffset(start) + bitmapLength;
        final int bitmapWord = segment.pageOffset(start) + ((index >>> 6) << 3);
        transaction.putLong(part, buffer, bitmapWord, buffer.getLong(bitmapWord) & ~(1L << index));
        // Unlogged: the object is the caller's until the free commits; if it is undone, the caller's bytes were garbage anyway.
        buffer.putInt(objects + index * objectSize, buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET));
        transaction.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, index + 1);
        final int free = buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET) + 1;
        transaction.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, free);
        transaction.putLong(0, control, bytesInUseOffset, control.getLong(bytesInUseOffset) - objectSize);
        final int span = span(part, start);
        if (free == 1)
        {
            partial.push(transaction, span);
        }
        final boolean giveBack = free == capacity && (partial.head() != span || buffer.getInt(entry + SPAN_NEXT_OFFSET) != 0);
        return giveBack ? span : 0;
    }

    /**
     * Checks that {@code pointer}, on page {@code page} of {@code segment}, is the start of an
     * allocated object of the superblock that starts at page {@code start}, whose span table entry
     * the caller found to be a superblock of {@code sizeClass}; returns the object's index. Static,
     * over the class tables: it serves the lock-free free path, where every load counts.
     *
     * @throws io.dsmreg.InvalidPointerException if it is not.
     */
    static int checkAllocated(
        final AreaErrors errors, final long pointer, final AreaSegment segment, final int page, final int start,
        final int sizeClass)
    {
        if (page >= start + SUPERBLOCK_PAGES)
        {
            throw errors.notAllocated(pointer);
        }
        final UnsafeBuffer buffer = segment.buffer;
        final int objectSize = SizeClasses.size(sizeClass);
        final int objects = segment.pageOffset(start) + SizeClasses.bitmapLength(sizeClass);
        final int relative = (int)pointerOffset(pointer) - objects;
        final int index = SizeClasses.index(relative, sizeClass);
        if (relative < 0 || index * objectSize != relative)
        {
            throw errors.invalidPointer(pointer, "it is not the start of an allocation (objects of " + objectSize +
                " bytes start at offset " + objects + " of segment " + segment.number + ")");
        }
        if (index >= SizeClasses.capacity(sizeClass) ||
            (buffer.getLong(segment.pageOffset(start) + ((index >>> 6) << 3)) & (1L << index)) == 0)
        {
            throw errors.notAllocated(pointer);
        }
        return index;
    }

    /**
     * Part of an area operation (the pool lock and the area lock held): makes the span {@code span},
     * just taken from the free pages, an empty superblock of the class at the head of the partial list.
     */
    void format(final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        final int page = spanPage(span);
        final int entry = segment.entry(page);
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        area.putInt(part, buffer, entry + SPAN_SIZE_CLASS_OFFSET, sizeClass);
        area.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, 0);
        area.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, capacity);
        area.putInt(part, buffer, entry + SPAN_UNTOUCHED_OFFSET, 0);
        // Unlogged: the pages were just taken from a free run (see PageRuns).
        buffer.setMemory(segment.pageOffset(page), bitmapLength, (byte)0);
        partial.push(area, span);
    }

    /** Part of an area operation (the pool lock and the area lock held): takes an empty superblock off the partial list. */
    void unlinkEmpty(final int span)
    {
        partial.unlink(area, span);
    }
}
