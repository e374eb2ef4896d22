package io.dsmreg.internal.area;

import io.dsmreg.AreaOptions;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_LARGE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.MAX_FILE_LENGTH;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PAGES_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_SIZE_CLASS_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.lengthFor;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.pagesFor;

/*
 * The allocator of one area, as one process sees it: dsa.c's design over files, and the coordinator
 * of the units that each do one job of it:
 *
 *   SegmentMappings  the segment table, the segment files and this process's mappings of them
 *   PageRuns         the free page runs of the segments (freepage.c)
 *   SizeClassPool    one per size class: its lock, undo log, partial list and superblock objects
 *   Magazines        the per-thread stacks of free small objects
 *   AreaTransaction  a lock and its undo log: the area's own, and each pool's
 *
 * This class owns the protocols that span them, and the growth policy (segment sizes, the size limit):
 *
 * 1. Allocate: a request up to 8 KiB rounds up to a size class. A class up to 1 KiB pops from the
 *    calling thread's magazine; an empty one is refilled with up to 8 objects, each taken from the
 *    pool as one pool operation. Otherwise (larger classes, threads without a magazine) an object is
 *    taken from a superblock of the pool as one pool operation; a pool without room gets a new
 *    superblock as an area operation nested in it. A larger request takes a run of whole pages as an
 *    area operation. When no free run fits, a segment is added: its size doubles every two segments,
 *    or it is an odd-sized one for a request larger than that; the size limit (all files, the
 *    control file included) is checked then.
 * 2. Free: the pointer is checked (segment, page map, span kind, object start, bitmap) before
 *    anything changes. A small object is pushed on the thread's magazine if its class has one (a full
 *    one sheds half of itself first, one pool operation per object), or returned to its pool as one
 *    pool operation. A superblock that becomes empty goes back to the free pages unless it is its
 *    pool's only one with room; a segment whose pages are then all free is given back (its file
 *    deleted when the operation commits), except segment 1.
 * 3. Trim: the magazines of dead processes, of the calling thread and of ended threads are shed,
 *    then every empty superblock and an entirely free segment 1 are given back.
 * 4. Verify (SharedArea.verify, for a process using the area): dead processes' magazines are
 *    reclaimed, then every lock is taken (pools in order, then the area) and AreaCheck walks all
 *    metadata. Inspect (tools that only look) runs AreaCheck over read-only mappings without any
 *    lock (AreaInspection). Repair takes and releases every lock, which rolls back what dead holders
 *    left, then reclaims dead processes' magazines.
 *
 * Crash safety: every write to shared metadata is made in an AreaTransaction, so a process that
 * takes a lock over from a dead owner finds each operation either complete or never begun. An area
 * operation nested in a pool operation (new superblock, empty superblock given back) runs after
 * the pool's log was committed, and writes everything, the pool's list included, through the
 * area's log. Lock order: a pool lock, then the area lock.
 */
public final class AreaAllocator
{
    /** Flag: zero the memory. */
    public static final int ZERO = 1;
    /** Flag: return 0 instead of throwing when there is no space. */
    public static final int NO_OOM = 2;
    /** Flag: allow 1 GiB and more. */
    public static final int HUGE = 4;
    /** Requests of this size and more need {@link #HUGE}. */
    public static final long HUGE_THRESHOLD = 1L << 30;
    /** The largest allocation: the data pages of the largest segment file. */
    public static final long MAX_ALLOCATION = (long)pagesFor(MAX_FILE_LENGTH) << PAGE_SHIFT;

    /** The control file's kind: header prefix, ready word and the wording of its errors. */
    static final HeaderedFile CONTROL_FILE = new HeaderedFile("area control file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);

    private static final int ALL_FLAGS = ZERO | NO_OOM | HUGE;

    private final String name;
    private final UnsafeBuffer control;
    private final BooleanSupplier removed;
    private final long initialSegmentLength;
    private final long maxSegmentLength;
    private final long sizeLimit;
    private final AreaErrors errors;
    private final SegmentMappings segments;
    private final AreaTransaction area;
    private final PageRuns pageRuns;
    private final SizeClassPool[] pools = new SizeClassPool[SizeClasses.COUNT];
    private final Magazines magazines;

    private AreaAllocator(
        final String name, final Path directory, final long fileId, final UnsafeBuffer control,
        final long timeoutNanos, final BooleanSupplier removed, final boolean readOnly)
    {
        this.name = name;
        this.control = control;
        this.removed = removed;
        this.initialSegmentLength = control.getLong(INITIAL_SEGMENT_LENGTH_OFFSET);
        this.maxSegmentLength = control.getLong(MAX_SEGMENT_LENGTH_OFFSET);
        this.sizeLimit = control.getLong(SIZE_LIMIT_OFFSET);
        this.errors = new AreaErrors(name, EntryFiles.path(directory, fileId, 0));
        this.segments = new SegmentMappings(name, directory, fileId, control, removed, errors, readOnly);
        this.area = new AreaTransaction(
            new SharedMutex(control, AREA_LOCK_OFFSET, describe(name)),
            new UndoLog(control, AREA_LOG_COUNT_OFFSET, AREA_LOG_ENTRIES_OFFSET, AREA_LOG_CAPACITY,
                problem -> errors.corrupt("the area's undo log: " + problem)),
            segments, timeoutNanos, null, segments, describe(name), "the area lock");
        this.pageRuns = new PageRuns(control, segments, area, errors);
        for (int sizeClass = 0; sizeClass < SizeClasses.COUNT; sizeClass++)
        {
            pools[sizeClass] = new SizeClassPool(sizeClass, control, name, timeoutNanos, area, segments, errors);
        }
        this.magazines = new Magazines(name, control, segments, errors, this::shed);
    }

    // ---------------------------------------------------------------------------------------------
    // Control file
    // ---------------------------------------------------------------------------------------------

    /** Creates the control file of a new area (no segments yet: the first allocation adds one). */
    public static AreaAllocator create(
        final Path directory, final long fileId, final String name, final long initialSegmentLength,
        final long maxSegmentLength, final long sizeLimit, final long timeoutNanos, final BooleanSupplier removed)
    {
        final UnsafeBuffer control = CONTROL_FILE.create(EntryFiles.path(directory, fileId, 0), CONTROL_LENGTH, describe(name));
        control.putInt(PAGE_SIZE_OFFSET, PAGE_SIZE);
        control.putLong(FILE_ID_OFFSET, fileId);
        control.putLong(CONTROL_LENGTH_OFFSET, CONTROL_LENGTH);
        control.putLong(INITIAL_SEGMENT_LENGTH_OFFSET, initialSegmentLength);
        control.putLong(MAX_SEGMENT_LENGTH_OFFSET, maxSegmentLength);
        control.putLong(SIZE_LIMIT_OFFSET, sizeLimit);
        control.putLong(RESERVED_BYTES_OFFSET, CONTROL_LENGTH);
        // Published last: whoever sees the area ready sees its whole header.
        CONTROL_FILE.publish(control);
        return new AreaAllocator(name, directory, fileId, control, timeoutNanos, removed, false);
    }

    /** Maps the control file of a published area after checking its header. */
    public static AreaAllocator attach(
        final Path directory, final long fileId, final String name, final long timeoutNanos, final BooleanSupplier removed)
    {
        return new AreaAllocator(name, directory, fileId, mapControl(directory, fileId, name, false), timeoutNanos, removed, false);
    }

    /**
     * Maps a published area's files read-only, for {@link #inspect()} alone: tools that only look.
     * Any other operation on the result would write, and faults instead.
     */
    public static AreaAllocator attachReadOnly(final Path directory, final long fileId, final String name)
    {
        return new AreaAllocator(name, directory, fileId, mapControl(directory, fileId, name, true), 0, () -> false, true);
    }

    private static UnsafeBuffer mapControl(final Path directory, final long fileId, final String name, final boolean readOnly)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer control = CONTROL_FILE.attach(file, CONTROL_LENGTH, describe(name), readOnly);
        if (control.getLong(FILE_ID_OFFSET) != fileId || control.getLong(CONTROL_LENGTH_OFFSET) != CONTROL_LENGTH ||
            control.getInt(PAGE_SIZE_OFFSET) != PAGE_SIZE)
        {
            throw CONTROL_FILE.corrupt(file, describe(name), "its header records file id " + control.getLong(FILE_ID_OFFSET) +
                ", length " + control.getLong(CONTROL_LENGTH_OFFSET) + " and page size " + control.getInt(PAGE_SIZE_OFFSET) +
                " but the registry records file id " + fileId + " and this dsmreg expects length " + CONTROL_LENGTH +
                " and page size " + PAGE_SIZE);
        }
        final long initial = control.getLong(INITIAL_SEGMENT_LENGTH_OFFSET);
        final long max = control.getLong(MAX_SEGMENT_LENGTH_OFFSET);
        final long sizeLimit = control.getLong(SIZE_LIMIT_OFFSET);
        if (initial < AreaOptions.MIN_SEGMENT_SIZE || initial > max || max > AreaOptions.MAX_SEGMENT_SIZE ||
            (sizeLimit < AreaOptions.MIN_SIZE_LIMIT && sizeLimit != AreaOptions.UNLIMITED))
        {
            throw CONTROL_FILE.corrupt(file, describe(name), "its header records segment sizes from " + initial + " to " + max +
                " bytes and a size limit of " + sizeLimit + " bytes, which no area has (segments of " +
                AreaOptions.MIN_SEGMENT_SIZE + " to " + AreaOptions.MAX_SEGMENT_SIZE + " bytes, the first no larger than " +
                "the largest; a limit of at least " + AreaOptions.MIN_SIZE_LIMIT + " bytes)");
        }
        return control;
    }

    public long initialSegmentLength()
    {
        return initialSegmentLength;
    }

    public long maxSegmentLength()
    {
        return maxSegmentLength;
    }

    public long sizeLimit()
    {
        return sizeLimit;
    }

    /** Reserved bytes, bytes in use and segments, read without locks. */
    public AreaStatistics statistics()
    {
        return AreaStatistics.of(control);
    }

    public long bytesInUse()
    {
        return AreaStatistics.of(control).bytesInUse();
    }

    // ---------------------------------------------------------------------------------------------
    // Allocate
    // ---------------------------------------------------------------------------------------------

    /** See {@code SharedArea.allocate(long, int)}. */
    public long allocate(final long size, final int flags)
    {
        if (size > 0 && size <= SizeClasses.MAX_SMALL && (flags & ~ALL_FLAGS) == 0)
        {
            final int sizeClass = SizeClasses.classOf((int)size);
            final long pointer = allocateSmall(sizeClass, flags, size);
            if ((flags & ZERO) != 0 && pointer != 0)
            {
                zero(pointer, SizeClasses.size(sizeClass));
            }
            return pointer;
        }
        checkRequest(size, flags);
        final long pointer = allocateLarge(size, flags);
        if ((flags & ZERO) != 0 && pointer != 0)
        {
            zero(pointer, pagesOf(size) << PAGE_SHIFT);
        }
        return pointer;
    }

    private void checkRequest(final long size, final int flags)
    {
        if ((flags & ~ALL_FLAGS) != 0)
        {
            throw new DsmRegistryException("requested allocation in area \"" + name + "\" has unknown flags 0x" +
                Integer.toHexString(flags & ~ALL_FLAGS) + "; use SharedArea.ZERO, NO_OOM and HUGE");
        }
        if (size <= 0)
        {
            throw new InvalidSizeException("requested allocation of " + size + " bytes in area \"" + name +
                "\" is not possible: the size must be at least 1 byte");
        }
        if (size >= HUGE_THRESHOLD && (flags & HUGE) == 0)
        {
            throw new InvalidSizeException("requested allocation of " + size + " bytes in area \"" + name +
                "\" is 1 GiB or more; pass SharedArea.HUGE if that is intended");
        }
        if (size > MAX_ALLOCATION)
        {
            throw new InvalidSizeException("requested allocation of " + size + " bytes in area \"" + name +
                "\" is larger than the largest possible allocation, " + MAX_ALLOCATION + " bytes; allocate several parts");
        }
        if (size > sizeLimit)
        {
            throw new InvalidSizeException("requested allocation of " + size + " bytes in area \"" + name +
                "\" is larger than the area's size limit of " + sizeLimit + " bytes; create the area with a larger " +
                "AreaOptions.sizeLimit");
        }
    }

    private long allocateSmall(final int sizeClass, final int flags, final long size)
    {
        if (sizeClass < MAGAZINE_CLASSES)
        {
            final Magazines.Magazine magazine = magazines.current();
            if (magazine.slot >= 0)
            {
                final long pointer = magazines.pop(magazine.slot, sizeClass);
                return pointer != 0 ? pointer : refillAndPop(magazine.slot, pools[sizeClass], flags, size);
            }
        }
        final SizeClassPool pool = pools[sizeClass];
        return pool.transaction.run(() -> takeObject(pool, flags, size));
    }

    /** Moves up to half a magazine of objects from the pool into the thread's stack, each as one pool operation, then pops one. */
    private long refillAndPop(final int slot, final SizeClassPool pool, final int flags, final long size)
    {
        pool.transaction.run(() ->
        {
            for (int i = 0; i < MAGAZINE_CAPACITY / 2; i++)
            {
                // Only the first object must be had; the rest are a bonus.
                final long pointer = takeObject(pool, i == 0 ? flags : flags | NO_OOM, size);
                if (pointer == 0)
                {
                    break;
                }
                magazines.add(slot, pool.sizeClass, pointer, pool.transaction);
            }
            return 0L;
        });
        return magazines.pop(slot, pool.sizeClass);
    }

    /** The pool lock must be held, with its log empty: one object, logged but not committed; 0 with NO_OOM. */
    private long takeObject(final SizeClassPool pool, final int flags, final long size)
    {
        int span = pool.firstWithRoom();
        if (span == 0)
        {
            span = newSuperblock(pool, flags, size);
            if (span == 0)
            {
                return 0;
            }
        }
        return pool.take(span);
    }

    /** The pool lock must be held, with its log empty: a new superblock with room for the pool, as one area operation; 0 with NO_OOM. */
    private int newSuperblock(final SizeClassPool pool, final int flags, final long size)
    {
        return (int)area.run(() ->
        {
            final int span = takePages(SUPERBLOCK_PAGES, KIND_SUPERBLOCK, flags, size);
            if (span != 0)
            {
                pool.format(span);
            }
            return span;
        });
    }

    private long allocateLarge(final long size, final int flags)
    {
        final int pages = (int)pagesOf(size);
        return area.run(() ->
        {
            final int span = takePages(pages, KIND_LARGE, flags, size);
            if (span == 0)
            {
                return 0L;
            }
            area.putLong(0, control, LARGE_BYTES_IN_USE_OFFSET,
                control.getLong(LARGE_BYTES_IN_USE_OFFSET) + ((long)pages << PAGE_SHIFT));
            final AreaSegment segment = segments.segmentOfSpan(span);
            return pointer(segment.number, segment.pageOffset(spanPage(span)));
        });
    }

    /**
     * Makes room up front for {@code count} allocations of {@code size} bytes each: unless a free run
     * already holds them, adds one segment with pages for all of them (as many as one segment file can
     * hold), so that they share one file of about their size instead of the doubling segments that
     * allocating them one by one would add (a map sized for its entries: its tables). Requests of
     * {@link SizeClasses#MAX_SMALL} bytes or less come from size classes and are not reserved for.
     *
     * @throws OutOfSpaceException if the size limit or the file system has no room for the segment.
     */
    public void reserve(final int count, final long size)
    {
        if (count <= 0 || size <= SizeClasses.MAX_SMALL)
        {
            return;
        }
        checkRequest(size, 0);
        final long perAllocation = pagesOf(size);
        final int pages = (int)Math.min(perAllocation * count, (pagesFor(MAX_FILE_LENGTH) / perAllocation) * perAllocation);
        area.run(() ->
        {
            if (pageRuns.find(pages) == 0)
            {
                addSegment(pages, 0, (long)pages << PAGE_SHIFT);
            }
            return 0L;
        });
    }

    private static long pagesOf(final long size)
    {
        return (size + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    }

    /** The area lock must be held: a span of {@code pages} pages of {@code kind}, adding a segment if no free run fits; 0 with NO_OOM. */
    private int takePages(final int pages, final int kind, final int flags, final long size)
    {
        int run = pageRuns.find(pages);
        if (run == 0)
        {
            if (!addSegment(pages, flags, size))
            {
                return 0;
            }
            run = pageRuns.find(pages);
        }
        return pageRuns.take(run, pages, kind);
    }

    /** The area lock must be held: adds a segment with at least {@code pages} free pages; false with NO_OOM. */
    private boolean addSegment(final int pages, final int flags, final long size)
    {
        if (removed.getAsBoolean())
        {
            throw new DsmRegistryException("cannot allocate " + size + " bytes in area \"" + name + "\": the area was " +
                "removed from its registry and can no longer grow; ask the registry for the area again");
        }
        final int number = segments.unusedNumber();
        if (number == MAX_SEGMENTS)
        {
            return outOfSpace(flags, size, "it has " + (MAX_SEGMENTS - 1) + " segments, the most an area can have");
        }
        final long reserved = control.getLong(RESERVED_BYTES_OFFSET);
        final long created = control.getLong(SEGMENTS_CREATED_OFFSET);
        final long needed = lengthFor(pages);
        final long standard = Math.min(initialSegmentLength << Math.min(created >>> 1, 32), maxSegmentLength);
        long length = Math.min(Math.max(standard, needed), MAX_FILE_LENGTH);
        if (reserved + length > sizeLimit)
        {
            length = (sizeLimit - reserved) & -PAGE_SIZE;
            if (length < needed)
            {
                return outOfSpace(flags, size, "its size limit is " + sizeLimit + " bytes and " + reserved +
                    " are reserved, " + bytesInUse() + " of them in use");
            }
        }
        final AreaSegment segment;
        try
        {
            segment = segments.create(number, length, area);
        }
        catch (final OutOfSpaceException ex)
        {
            if ((flags & NO_OOM) != 0)
            {
                return false;
            }
            throw ex;
        }
        pageRuns.add(segment);
        return true;
    }

    private boolean outOfSpace(final int flags, final long size, final String found)
    {
        if ((flags & NO_OOM) != 0)
        {
            return false;
        }
        throw new OutOfSpaceException("cannot allocate " + size + " bytes in area \"" + name + "\": " + found +
            ". Free memory you no longer need, create the area with a larger AreaOptions.sizeLimit, or pass " +
            "SharedArea.NO_OOM to get the invalid pointer 0 instead of this exception");
    }

    // ---------------------------------------------------------------------------------------------
    // Free
    // ---------------------------------------------------------------------------------------------

    /** See {@code SharedArea.free(long)}. */
    public void free(final long pointer)
    {
        final AreaSegment segment = segments.userSegment(pointer, 1);
        final int offset = (int)pointerOffset(pointer);
        if (offset < segment.dataOffset)
        {
            throw errors.invalidPointer(pointer, "its offset " + offset + " is inside the header of segment " + segment.number);
        }
        final int page = (offset - segment.dataOffset) >>> PAGE_SHIFT;
        // Plain reads, without a lock: the span of an allocated block was published before its pointer reached the
        // caller (whoever passed the pointer on ordered that) and cannot change while it is allocated. A bad pointer
        // may read moving metadata whatever the ordering: the checks bound what it reads, and the locked paths check again.
        final int start = segment.buffer.getInt(segment.pageMap(page));
        if (start < 0 || start > page)
        {
            throw errors.notAllocated(pointer);
        }
        final int kind = segment.buffer.getInt(segment.entry(start) + SPAN_KIND_OFFSET);
        if (kind == KIND_SUPERBLOCK)
        {
            final int sizeClass = segment.buffer.getInt(segment.entry(start) + SPAN_SIZE_CLASS_OFFSET);
            if (sizeClass < 0 || sizeClass >= SizeClasses.COUNT)
            {
                throw errors.notAllocated(pointer);
            }
            if (sizeClass < MAGAZINE_CLASSES)
            {
                SizeClassPool.checkAllocated(errors, pointer, segment, page, start, sizeClass);
                if (magazines.isCached(segment.buffer, offset, pointer, sizeClass))
                {
                    throw errors.notAllocated(pointer);
                }
                final Magazines.Magazine magazine = magazines.current();
                if (magazine.slot >= 0)
                {
                    magazines.push(magazine.slot, sizeClass, segment.buffer, offset, pointer);
                    return;
                }
            }
            freeSmall(pools[sizeClass], pointer, segment, page);
        }
        else if (kind == KIND_LARGE)
        {
            freeLarge(pointer, segment, page);
        }
        else
        {
            throw errors.notAllocated(pointer);
        }
    }

    private void freeSmall(final SizeClassPool pool, final long pointer, final AreaSegment segment, final int page)
    {
        pool.transaction.run(() ->
        {
            final int giveBack = pool.release(pointer, segment, page);
            pool.transaction.commit();
            if (giveBack != 0)
            {
                releaseSuperblock(pool, giveBack);
            }
            return 0L;
        });
    }

    /**
     * The magazines' shed: returns up to {@code objects} objects from the top of a stack to their
     * superblocks, each as one operation of the pool, and gives back superblocks that become empty.
     */
    private int shed(final int slot, final int sizeClass, final int objects)
    {
        final SizeClassPool pool = pools[sizeClass];
        return (int)pool.transaction.run(() ->
        {
            int moved = 0;
            for (; moved < objects; moved++)
            {
                final long pointer = magazines.top(slot, sizeClass);
                if (pointer == 0)
                {
                    break;
                }
                final AreaSegment segment = segments.metadataSegment(pointerSegment(pointer));
                final long offset = pointerOffset(pointer);
                if (offset < segment.dataOffset || offset >= segment.length)
                {
                    throw errors.corrupt("a magazine holds pointer 0x" + Long.toHexString(pointer) +
                        ", outside the pages of its segment");
                }
                final int giveBack = pool.release(pointer, segment, (int)(offset - segment.dataOffset) >>> PAGE_SHIFT);
                magazines.removeTop(slot, sizeClass, pool.transaction);
                if (giveBack != 0)
                {
                    releaseSuperblock(pool, giveBack);
                }
            }
            return moved;
        });
    }

    /** The pool lock must be held, with its log committed: unlinks an empty superblock and frees its pages, as one area operation. */
    private void releaseSuperblock(final SizeClassPool pool, final int span)
    {
        area.run(() ->
        {
            pool.unlinkEmpty(span);
            freePages(span);
            return 0L;
        });
    }

    private void freeLarge(final long pointer, final AreaSegment segment, final int page)
    {
        area.run(() ->
        {
            final UnsafeBuffer buffer = segment.buffer;
            final int start = buffer.getInt(segment.pageMap(page));
            final int entry = segment.entry(start);
            if (start < 0 || start > page || buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_LARGE ||
                page >= start + buffer.getInt(entry + SPAN_PAGES_OFFSET))
            {
                throw errors.notAllocated(pointer);
            }
            if (pointerOffset(pointer) != segment.pageOffset(start))
            {
                throw errors.invalidPointer(pointer, "it is not the start of an allocation (the allocation of " +
                    ((long)buffer.getInt(entry + SPAN_PAGES_OFFSET) << PAGE_SHIFT) + " bytes holding it starts at " +
                    "offset " + segment.pageOffset(start) + ")");
            }
            area.putLong(0, control, LARGE_BYTES_IN_USE_OFFSET,
                control.getLong(LARGE_BYTES_IN_USE_OFFSET) - ((long)buffer.getInt(entry + SPAN_PAGES_OFFSET) << PAGE_SHIFT));
            freePages(span(segment.number, start));
            return 0L;
        });
    }

    /** The area lock must be held: frees a span's pages, and gives back its segment if they are now all free (but segment 1). */
    private void freePages(final int span)
    {
        pageRuns.free(span);
        final AreaSegment segment = segments.segmentOfSpan(span);
        if (segment.number != 1 && pageRuns.isAllFree(segment))
        {
            giveBack(segment);
        }
    }

    /** The area lock must be held: gives back a segment whose pages are one free run; its file goes when the operation commits. */
    private void giveBack(final AreaSegment segment)
    {
        pageRuns.removeAll(segment);
        segments.empty(segment, area);
    }

    // ---------------------------------------------------------------------------------------------
    // Trim, verify
    // ---------------------------------------------------------------------------------------------

    /**
     * Empties the magazines of dead processes, of the calling thread and of this process's ended
     * threads, then gives back every empty superblock, and segment 1 if it is entirely free.
     */
    public void trim()
    {
        magazines.reclaimDead();
        magazines.flushOwn();
        for (final SizeClassPool pool : pools)
        {
            pool.transaction.run(() ->
            {
                final SpanList.Walk walk = pool.walkWithRoom();
                int span = pool.firstWithRoom();
                while (span != 0)
                {
                    walk.visit(span);
                    final int next = pool.nextWithRoom(span);
                    if (pool.isEmpty(span))
                    {
                        releaseSuperblock(pool, span);
                    }
                    span = next;
                }
                return 0L;
            });
        }
        area.run(() ->
        {
            final AreaSegment first = segments.segment(1);
            if (first != null && pageRuns.isAllFree(first))
            {
                giveBack(first);
            }
            return 0L;
        });
    }

    /**
     * Empties the magazines of dead processes, takes every lock (pool locks in order, then the area
     * lock), checks all metadata and returns the problems found, empty when the area is consistent.
     * Live threads' magazines change meanwhile without locks; see AreaCheck.
     */
    public List<String> verify()
    {
        magazines.reclaimDead();
        int locked = 0;
        try
        {
            for (; locked < SizeClasses.COUNT; locked++)
            {
                pools[locked].transaction.begin();
            }
            area.begin();
            try
            {
                return new AreaCheck(control, segments::segment).run();
            }
            finally
            {
                area.end();
            }
        }
        finally
        {
            for (int c = locked - 1; c >= 0; c--)
            {
                pools[c].transaction.end();
            }
        }
    }

    /**
     * The check of tools that only look: no lock, no rollback, no reclaim (see AreaInspection).
     *
     * @return what is inconsistent, what a dead process left half done (repairable), or which lock a
     *         live process held for the whole check; empty when the area is consistent.
     */
    public List<String> inspect()
    {
        return new AreaInspection(control, segments::segment).run();
    }

    /**
     * Takes every lock in turn (bounded by the timeout), which rolls back what a dead holder left
     * (pool locks first, each repairing the area's log before its own), then reclaims the magazines
     * of dead processes: what {@code dsmreg repair} does for an area.
     *
     * @return what was repaired, one sentence each; empty when nothing needed it.
     */
    public List<String> repair()
    {
        final List<String> repaired = new ArrayList<>();
        for (final SizeClassPool pool : pools)
        {
            final int undone = pool.transaction.repairIfNeeded();
            if (undone >= 0)
            {
                repaired.add("undid the unfinished operation (" + undone + " writes) a dead process left under " +
                    pool.transaction.lockName());
            }
        }
        final int undone = area.repairIfNeeded();
        if (undone >= 0)
        {
            repaired.add("undid the unfinished operation (" + undone + " writes) a dead process left under the area lock");
        }
        final int reclaimed = magazines.reclaimDead();
        if (reclaimed > 0)
        {
            repaired.add("returned " + reclaimed + " free objects cached by exited processes to their superblocks");
        }
        return repaired;
    }

    // ---------------------------------------------------------------------------------------------
    // Pointers
    // ---------------------------------------------------------------------------------------------

    /** The address of {@code length} bytes at {@code pointer}, checked against its segment's bounds. */
    public long address(final long pointer, final int length)
    {
        final AreaSegment segment = segments.userSegment(pointer, length);
        return segment.buffer.addressOffset() + pointerOffset(pointer);
    }

    /**
     * The whole mapping of the segment holding {@code length} bytes at {@code pointer}, whose byte
     * {@code (int)(pointer & POINTER_OFFSET_MASK)} is the pointer's: for structures that cache it
     * to read without locks. Holding it keeps the mapping valid even after the segment is given
     * back. It is shared: never wrap or modify it as a buffer object.
     */
    public UnsafeBuffer mapping(final long pointer, final int length)
    {
        return segments.userSegment(pointer, length).buffer;
    }

    /**
     * {@link #mapping} for lock-free readers by address: the whole mapping of the segment holding {@code length}
     * bytes at {@code pointer}, or null if this process has not mapped it yet, a segment was given back since
     * it last looked, or the pointer is not valid (read from a slot a writer is changing): the caller then
     * takes the path through {@link #mapping}. Keep the buffer reachable while reading through its address.
     */
    public UnsafeBuffer mappingIfMapped(final long pointer, final int length)
    {
        return segments.mappedBufferOrNull(pointer, length);
    }

    /** Points {@code target} at {@code length} bytes at {@code pointer}. */
    public void wrap(final AtomicBuffer target, final long pointer, final int length)
    {
        target.wrap(address(pointer, length), length);
    }

    private void zero(final long pointer, final long length)
    {
        final AreaSegment segment = segments.metadataSegment(pointerSegment(pointer));
        segment.buffer.setMemory((int)pointerOffset(pointer), (int)length, (byte)0);
    }

    // ---------------------------------------------------------------------------------------------
    // The units, for the unit tests beside each of them
    // ---------------------------------------------------------------------------------------------

    SegmentMappings segments()
    {
        return segments;
    }

    AreaTransaction areaTransaction()
    {
        return area;
    }

    PageRuns pageRuns()
    {
        return pageRuns;
    }

    SizeClassPool pool(final int sizeClass)
    {
        return pools[sizeClass];
    }

    Magazines magazines()
    {
        return magazines;
    }

    private static String describe(final String name)
    {
        return "area \"" + name + "\"";
    }
}
