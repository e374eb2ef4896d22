package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.InvalidPointerException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.layout.AreaSegmentDescriptor;
import io.dsmreg.internal.layout.Magic;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.WeakReference;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.DATA_OFFSET_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.FILE_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.GENERATION_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_FREE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_LARGE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_NONE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.MAX_FILE_LENGTH;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.PAGE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SEGMENT_NUMBER_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PAGES_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PREV_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_SIZE_CLASS_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_TABLE_OFFSET_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_UNTOUCHED_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.dataOffset;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.lengthFor;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.pagesFor;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.spanTableOffset;

/*
 * The allocator of one area, as one process sees it: dsa.c's design over files.
 *
 * Small requests (up to 8 KiB) are rounded up to a size class and served from 64 KiB superblocks
 * of that class; each class has its own lock and a list of superblocks with free objects. Larger
 * requests take a run of whole pages. Pages come from free runs, kept coalesced and on lists by
 * size; when none fits, a new segment (file) is added, its size doubling every two segments, or an
 * odd-sized one for a request larger than that. A segment whose pages are all free again is given
 * back (its file deleted), except segment 1, which only trim() gives back.
 *
 * Crash safety: every write to shared metadata under a lock goes through that lock's undo log, and
 * the log is committed before the lock is released. A process that takes a lock over from a dead
 * owner rolls the log back, so an operation is either complete or never happened. An operation
 * that needs the area lock while holding a class lock (new superblock, empty superblock given back)
 * first commits the class log, and does all of its own writes, including those to the class's
 * list, under the area log; whoever takes a class lock over therefore takes the area lock too
 * (repairing it if its owner died) before undoing the class log. Pages taken from a free run are
 * unreachable until the operation commits, so their contents (page map, bitmap) are written
 * without logging: a rollback makes them a free run again, whose contents do not matter.
 *
 * Magazines: each thread that allocates objects of up to 1 KiB claims a slot in the control file
 * (owner word = this process) holding a stack of free objects per class. Allocate pops and free
 * pushes without a lock; only the owning thread writes its slot, and the count store (release)
 * is the whole change, so a kill between entry and count loses at most the object in flight.
 * Cached objects stay allocated in their bitmaps. Refill and shed move objects between a stack
 * and the superblocks under the class lock, one undo-logged operation per object that includes
 * the count. Slots of dead processes are reclaimed (taken by CAS, emptied under the class locks,
 * freed) on claim, verify and trim; a slot of an ended thread passes to the next thread.
 *
 * Mappings: a segment is mapped the first time this process touches it. Emptying a segment slot
 * bumps the freed-segment counter (atomically, after the slot changed, never undone), and every
 * lookup compares it with the value this process last saw, dropping mappings that no longer match
 * the segment table before it could use one.
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

    private static final int ALL_FLAGS = ZERO | NO_OOM | HUGE;
    /** The magazine slot word of this process: pid and start time, as a lock word. */
    private static final long SELF = SharedMutex.ownerWord(ProcessIdentity.current());
    /** Mixed with its pointer into the first 8 bytes of every object in a magazine, to catch double frees cheaply. */
    private static final long MAGAZINE_TAG = 0x6D61_6761_7A69_6E65L;
    /** A thread that found no free magazine slot asks again after this many small operations. */
    private static final int MAGAZINE_RETRY = 4096;
    private static final System.Logger LOG = System.getLogger(AreaAllocator.class.getName());

    private final String name;
    private final Path directory;
    private final long fileId;
    private final UnsafeBuffer control;
    private final long timeoutNanos;
    private final BooleanSupplier removed;
    private final long initialSegmentLength;
    private final long maxSegmentLength;
    private final long sizeLimit;
    private final SharedMutex areaLock;
    private final UndoLog areaLog;
    private final SharedMutex[] classLocks = new SharedMutex[SizeClasses.COUNT];
    private final UndoLog[] classLogs = new UndoLog[SizeClasses.COUNT];
    private final AtomicReferenceArray<AreaSegment> segments = new AtomicReferenceArray<>(MAX_SEGMENTS);
    private final UndoLog.Parts parts = this::part;
    private final ThreadLocal<Magazine> threadMagazine = ThreadLocal.withInitial(this::claimMagazine);
    /** Which thread of this process uses each magazine slot this process owns; guarded by itself. */
    @SuppressWarnings("unchecked")
    private final WeakReference<Thread>[] slotUsers = new WeakReference[MAGAZINE_SLOTS];
    private volatile long seenFreedSegments;
    /** Under the area lock: the segment the current operation emptied, whose file goes once it commits. */
    private int emptiedSegment;

    private AreaAllocator(
        final String name, final Path directory, final long fileId, final UnsafeBuffer control,
        final long timeoutNanos, final BooleanSupplier removed)
    {
        this.name = name;
        this.directory = directory;
        this.fileId = fileId;
        this.control = control;
        this.timeoutNanos = timeoutNanos;
        this.removed = removed;
        this.initialSegmentLength = control.getLong(INITIAL_SEGMENT_LENGTH_OFFSET);
        this.maxSegmentLength = control.getLong(MAX_SEGMENT_LENGTH_OFFSET);
        this.sizeLimit = control.getLong(SIZE_LIMIT_OFFSET);
        this.areaLock = new SharedMutex(control, AREA_LOCK_OFFSET, "area \"" + name + "\"");
        this.areaLog = new UndoLog(control, AREA_LOG_COUNT_OFFSET, AREA_LOG_ENTRIES_OFFSET, AREA_LOG_CAPACITY);
        for (int c = 0; c < SizeClasses.COUNT; c++)
        {
            final int block = classBlockOffset(c);
            classLocks[c] = new SharedMutex(
                control, block + CLASS_LOCK_OFFSET, "size class " + SizeClasses.size(c) + " B of area \"" + name + "\"");
            classLogs[c] = new UndoLog(control, block + CLASS_LOG_COUNT_OFFSET, block + CLASS_LOG_ENTRIES_OFFSET, CLASS_LOG_CAPACITY);
        }
        this.seenFreedSegments = control.getLongVolatile(FREED_SEGMENT_COUNTER_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------
    // Control file
    // ---------------------------------------------------------------------------------------------

    /** Creates the control file of a new area (no segments yet: the first allocation adds one). */
    public static AreaAllocator create(
        final Path directory, final long fileId, final String name, final long initialSegmentLength,
        final long maxSegmentLength, final long sizeLimit, final long timeoutNanos, final BooleanSupplier removed)
    {
        final MappedByteBuffer mapping =
            MappedFiles.createAndMap(EntryFiles.path(directory, fileId, 0), CONTROL_LENGTH, describe(name));
        final UnsafeBuffer control = new UnsafeBuffer(mapping);
        control.putLong(MAGIC_OFFSET, MAGIC);
        control.putInt(MAJOR_VERSION_OFFSET, MAJOR_VERSION);
        control.putInt(MINOR_VERSION_OFFSET, MINOR_VERSION);
        control.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        control.putInt(PAGE_SIZE_OFFSET, PAGE_SIZE);
        control.putLong(FILE_ID_OFFSET, fileId);
        control.putLong(CONTROL_LENGTH_OFFSET, CONTROL_LENGTH);
        control.putLong(INITIAL_SEGMENT_LENGTH_OFFSET, initialSegmentLength);
        control.putLong(MAX_SEGMENT_LENGTH_OFFSET, maxSegmentLength);
        control.putLong(SIZE_LIMIT_OFFSET, sizeLimit);
        control.putLong(RESERVED_BYTES_OFFSET, CONTROL_LENGTH);
        // Release: whoever sees the area ready sees its whole header.
        control.putLongRelease(READY_OFFSET, READY_VALUE);
        return new AreaAllocator(name, directory, fileId, control, timeoutNanos, removed);
    }

    /** Maps the control file of a published area after checking its header. */
    public static AreaAllocator attach(
        final Path directory, final long fileId, final String name, final long timeoutNanos, final BooleanSupplier removed)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer control = new UnsafeBuffer(MappedFiles.mapExisting(file, CONTROL_LENGTH, describe(name)));
        final String problem = Magic.kindAndVersionProblem(control, MAGIC, MAJOR_VERSION);
        if (problem != null)
        {
            throw corrupt(file, name, problem);
        }
        if (control.getLong(FILE_ID_OFFSET) != fileId || control.getLong(CONTROL_LENGTH_OFFSET) != CONTROL_LENGTH ||
            control.getInt(PAGE_SIZE_OFFSET) != PAGE_SIZE || control.getInt(HEADER_LENGTH_OFFSET) != HEADER_LENGTH)
        {
            throw corrupt(file, name, "its header records file id " + control.getLong(FILE_ID_OFFSET) + " and length " +
                control.getLong(CONTROL_LENGTH_OFFSET) + " but the registry records file id " + fileId +
                " and this dsmreg expects length " + CONTROL_LENGTH);
        }
        if (control.getLongVolatile(READY_OFFSET) != READY_VALUE)
        {
            throw corrupt(file, name, "the registry says it is initialized but its header was never published");
        }
        return new AreaAllocator(name, directory, fileId, control, timeoutNanos, removed);
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
            final Magazine magazine = magazine();
            if (magazine.offset >= 0)
            {
                final long pointer = popCached(magazine.offset, sizeClass);
                return pointer != 0 ? pointer : refillAndPop(magazine.offset, sizeClass, flags, size);
            }
        }
        final UndoLog log = classLogs[sizeClass];
        lockClass(sizeClass);
        try
        {
            final long pointer = takeObject(sizeClass, flags, size);
            log.commit();
            return pointer;
        }
        catch (final RuntimeException | Error ex)
        {
            log.rollback(parts);
            throw ex;
        }
        finally
        {
            classLocks[sizeClass].unlock();
        }
    }

    /** Under the class lock, with its log empty: one object out of a superblock, logged but not committed; 0 with NO_OOM. */
    private long takeObject(final int sizeClass, final int flags, final long size)
    {
        final UndoLog log = classLogs[sizeClass];
        final int block = classBlockOffset(sizeClass);
        int span = control.getInt(block + CLASS_PARTIAL_HEAD_OFFSET);
        if (span == 0)
        {
            span = newSuperblock(sizeClass, flags, size);
            if (span == 0)
            {
                return 0;
            }
        }
        final AreaSegment segment = metadataSegment(spanSegment(span));
        final AtomicBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(span);
        final int entry = segment.entry(page);
        final int objectSize = SizeClasses.size(sizeClass);
        final int objects = segment.pageOffset(page) + SizeClasses.bitmapLength(sizeClass);
        final int head = buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET);
        final int index;
        if (head != 0)
        {
            index = head - 1;
            log.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, buffer.getInt(objects + index * objectSize));
        }
        else
        {
            index = buffer.getInt(entry + SPAN_UNTOUCHED_OFFSET);
            log.putInt(part, buffer, entry + SPAN_UNTOUCHED_OFFSET, index + 1);
        }
        final int bitmapWord = segment.pageOffset(page) + ((index >>> 6) << 3);
        final long bits = buffer.getLong(bitmapWord);
        if (index < 0 || index >= SizeClasses.capacity(sizeClass) || (bits & (1L << index)) != 0)
        {
            throw new CorruptFileException("area \"" + name + "\" is corrupt: the free list of the superblock at " +
                "segment " + part + " page " + page + " hands out object " + index + ", which is not free. " +
                "Remove the area (DsmRegistry.remove) to start it afresh");
        }
        log.putLong(part, buffer, bitmapWord, bits | (1L << index));
        final int free = buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET) - 1;
        log.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, free);
        log.putLong(0, control, block + CLASS_BYTES_IN_USE_OFFSET,
            control.getLong(block + CLASS_BYTES_IN_USE_OFFSET) + objectSize);
        if (free == 0)
        {
            unlink(log, block + CLASS_PARTIAL_HEAD_OFFSET, span);
        }
        return pointer(part, objects + index * objectSize);
    }

    /** A new superblock at the head of the class's partial list, as one area operation; 0 with NO_OOM if out of space. */
    private int newSuperblock(final int sizeClass, final int flags, final long size)
    {
        return (int)inAreaOperation(() ->
        {
            final int span = takePages(SUPERBLOCK_PAGES, KIND_SUPERBLOCK, flags, size);
            if (span != 0)
            {
                final AreaSegment segment = metadataSegment(spanSegment(span));
                final int entry = segment.entry(spanPage(span));
                final AtomicBuffer buffer = segment.buffer;
                final int part = segment.number;
                areaLog.putInt(part, buffer, entry + SPAN_SIZE_CLASS_OFFSET, sizeClass);
                areaLog.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, 0);
                areaLog.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, SizeClasses.capacity(sizeClass));
                areaLog.putInt(part, buffer, entry + SPAN_UNTOUCHED_OFFSET, 0);
                buffer.setMemory(segment.pageOffset(spanPage(span)), SizeClasses.bitmapLength(sizeClass), (byte)0);
                push(areaLog, classBlockOffset(sizeClass) + CLASS_PARTIAL_HEAD_OFFSET, span);
            }
            return span;
        });
    }

    private long allocateLarge(final long size, final int flags)
    {
        final int pages = (int)pagesOf(size);
        return inAreaOperation(() ->
        {
            final int span = takePages(pages, KIND_LARGE, flags, size);
            if (span == 0)
            {
                return 0L;
            }
            areaLog.putLong(0, control, LARGE_BYTES_IN_USE_OFFSET,
                control.getLong(LARGE_BYTES_IN_USE_OFFSET) + ((long)pages << PAGE_SHIFT));
            final AreaSegment segment = metadataSegment(spanSegment(span));
            return pointer(segment.number, segment.pageOffset(spanPage(span)));
        });
    }

    private static long pagesOf(final long size)
    {
        return (size + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    }

    /** Under the area lock: a span of {@code pages} pages of {@code kind}, adding a segment if needed; 0 with NO_OOM. */
    private int takePages(final int pages, final int kind, final int flags, final long size)
    {
        int run = findFreeRun(pages);
        if (run == 0)
        {
            if (!addSegment(pages, flags, size))
            {
                return 0;
            }
            run = findFreeRun(pages);
        }
        final AreaSegment segment = metadataSegment(spanSegment(run));
        final AtomicBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(run);
        final int entry = segment.entry(page);
        final int runPages = buffer.getInt(entry + SPAN_PAGES_OFFSET);
        unlink(areaLog, freeRunHeadOffset(freeRunBucket(runPages)), run);
        if (runPages > pages)
        {
            final int rest = page + pages;
            final int restPages = runPages - pages;
            final int restEntry = segment.entry(rest);
            areaLog.putInt(part, buffer, restEntry + SPAN_KIND_OFFSET, KIND_FREE);
            areaLog.putInt(part, buffer, restEntry + SPAN_PAGES_OFFSET, restPages);
            areaLog.putInt(part, buffer, segment.pageMap(rest), rest);
            areaLog.putInt(part, buffer, segment.pageMap(rest + restPages - 1), rest);
            push(areaLog, freeRunHeadOffset(freeRunBucket(restPages)), span(part, rest));
        }
        areaLog.putInt(part, buffer, entry + SPAN_KIND_OFFSET, kind);
        areaLog.putInt(part, buffer, entry + SPAN_PAGES_OFFSET, pages);
        // Unlogged: these pages are unreachable until the operation commits (see the class comment).
        for (int p = page; p < page + pages; p++)
        {
            buffer.putInt(segment.pageMap(p), page);
        }
        return run;
    }

    /** First fit: the smallest bucket that may hold a fit is searched, then any run of a larger bucket fits. */
    private int findFreeRun(final int pages)
    {
        for (int bucket = freeRunBucket(pages); bucket < FREE_RUN_BUCKETS; bucket++)
        {
            int run = control.getInt(freeRunHeadOffset(bucket));
            while (run != 0)
            {
                final AreaSegment segment = metadataSegment(spanSegment(run));
                final int entry = segment.entry(spanPage(run));
                if (segment.buffer.getInt(entry + SPAN_PAGES_OFFSET) >= pages)
                {
                    return run;
                }
                run = segment.buffer.getInt(entry + SPAN_NEXT_OFFSET);
            }
        }
        return 0;
    }

    /** Under the area lock: adds a segment with at least {@code pages} free pages; false with NO_OOM. */
    private boolean addSegment(final int pages, final int flags, final long size)
    {
        if (removed.getAsBoolean())
        {
            throw new DsmRegistryException("cannot allocate " + size + " bytes in area \"" + name + "\": the area was " +
                "removed from its registry and can no longer grow; ask the registry for the area again");
        }
        int number = 1;
        while (number < MAX_SEGMENTS && control.getLong(segmentEntryOffset(number) + SEGMENT_FILE_LENGTH_OFFSET) != 0)
        {
            number++;
        }
        final long reserved = control.getLong(RESERVED_BYTES_OFFSET);
        if (number == MAX_SEGMENTS)
        {
            return outOfSpace(flags, size, "it has " + (MAX_SEGMENTS - 1) + " segments, the most an area can have");
        }
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
        final Path file = EntryFiles.path(directory, fileId, number);
        // A file may be left from a dead process's addSegment that was rolled back.
        MappedFiles.deleteQuietly(file);
        final MappedByteBuffer mapping;
        try
        {
            mapping = MappedFiles.createAndMap(file, length, "segment " + number + " of " + describe(name));
        }
        catch (final OutOfSpaceException ex)
        {
            if ((flags & NO_OOM) != 0)
            {
                return false;
            }
            throw ex;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
        final int pageCount = pagesFor(length);
        final int dataOffset = (int)dataOffset(pageCount);
        final int spanTable = spanTableOffset(pageCount);
        final long generation = control.getAndAddLong(GENERATION_COUNTER_OFFSET, 1) + 1;
        buffer.putLong(AreaSegmentDescriptor.MAGIC_OFFSET, AreaSegmentDescriptor.MAGIC);
        buffer.putInt(AreaSegmentDescriptor.MAJOR_VERSION_OFFSET, AreaSegmentDescriptor.MAJOR_VERSION);
        buffer.putInt(AreaSegmentDescriptor.MINOR_VERSION_OFFSET, AreaSegmentDescriptor.MINOR_VERSION);
        buffer.putInt(AreaSegmentDescriptor.HEADER_LENGTH_OFFSET, AreaSegmentDescriptor.HEADER_LENGTH);
        buffer.putInt(SEGMENT_NUMBER_OFFSET, number);
        buffer.putLong(AreaSegmentDescriptor.FILE_ID_OFFSET, fileId);
        buffer.putLong(GENERATION_OFFSET, generation);
        buffer.putLong(FILE_LENGTH_OFFSET, length);
        buffer.putInt(PAGE_COUNT_OFFSET, pageCount);
        buffer.putInt(DATA_OFFSET_OFFSET, dataOffset);
        buffer.putInt(SPAN_TABLE_OFFSET_OFFSET, spanTable);
        buffer.putInt(spanTable + SPAN_KIND_OFFSET, KIND_FREE);
        buffer.putInt(spanTable + SPAN_PAGES_OFFSET, pageCount);
        // Release: a process that maps the segment through the table sees its whole header.
        buffer.putLongRelease(AreaSegmentDescriptor.READY_OFFSET,
            AreaSegmentDescriptor.READY_VALUE);
        final AreaSegment segment = new AreaSegment(number, generation, buffer, length, pageCount, dataOffset, spanTable);
        segments.set(number, segment);

        final int tableEntry = segmentEntryOffset(number);
        areaLog.putLong(0, control, tableEntry + SEGMENT_GENERATION_OFFSET, generation);
        areaLog.putInt(0, control, tableEntry + SEGMENT_PAGE_COUNT_OFFSET, pageCount);
        areaLog.putInt(0, control, tableEntry + SEGMENT_DATA_OFFSET_OFFSET, dataOffset);
        areaLog.putLong(0, control, tableEntry + SEGMENT_FILE_LENGTH_OFFSET, length);
        areaLog.putLong(0, control, RESERVED_BYTES_OFFSET, reserved + length);
        areaLog.putLong(0, control, SEGMENT_COUNT_OFFSET, control.getLong(SEGMENT_COUNT_OFFSET) + 1);
        areaLog.putLong(0, control, SEGMENTS_CREATED_OFFSET, created + 1);
        push(areaLog, freeRunHeadOffset(freeRunBucket(pageCount)), span(number, 0));
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
        final AreaSegment segment = userSegment(pointer, 1);
        final int offset = (int)pointerOffset(pointer);
        if (offset < segment.dataOffset)
        {
            throw invalid(pointer, "its offset " + offset + " is inside the header of segment " + segment.number);
        }
        final int page = (offset - segment.dataOffset) >>> PAGE_SHIFT;
        final int start = segment.buffer.getIntVolatile(segment.pageMap(page));
        if (start < 0 || start > page)
        {
            throw notAllocated(pointer);
        }
        final int kind = segment.buffer.getIntVolatile(segment.entry(start) + SPAN_KIND_OFFSET);
        if (kind == KIND_SUPERBLOCK)
        {
            final int sizeClass = segment.buffer.getIntVolatile(segment.entry(start) + SPAN_SIZE_CLASS_OFFSET);
            if (sizeClass < 0 || sizeClass >= SizeClasses.COUNT)
            {
                throw notAllocated(pointer);
            }
            if (sizeClass < MAGAZINE_CLASSES)
            {
                // Without the lock: an allocated object's superblock cannot change, so only a bad pointer reads moving metadata.
                checkAllocated(pointer, segment, page, start, sizeClass);
                if (segment.buffer.getLong(offset) == (MAGAZINE_TAG ^ pointer) && isCached(pointer, sizeClass))
                {
                    throw notAllocated(pointer);
                }
                final Magazine magazine = magazine();
                if (magazine.offset >= 0)
                {
                    pushCached(magazine.offset, sizeClass, segment.buffer, offset, pointer);
                    return;
                }
            }
            freeSmall(pointer, segment, page, sizeClass);
        }
        else if (kind == KIND_LARGE)
        {
            freeLarge(pointer, segment, page);
        }
        else
        {
            throw notAllocated(pointer);
        }
    }

    /**
     * Checks that {@code pointer} is the start of an allocated object of the superblock of
     * {@code sizeClass} starting at page {@code start}; returns the object's index.
     */
    private int checkAllocated(final long pointer, final AreaSegment segment, final int page, final int start, final int sizeClass)
    {
        final AtomicBuffer buffer = segment.buffer;
        final int entry = segment.entry(start);
        if (page >= start + SUPERBLOCK_PAGES || buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_SUPERBLOCK ||
            buffer.getInt(entry + SPAN_SIZE_CLASS_OFFSET) != sizeClass)
        {
            throw notAllocated(pointer);
        }
        final int objectSize = SizeClasses.size(sizeClass);
        final int objects = segment.pageOffset(start) + SizeClasses.bitmapLength(sizeClass);
        final int relative = (int)pointerOffset(pointer) - objects;
        final int index = SizeClasses.index(relative, sizeClass);
        if (relative < 0 || index * objectSize != relative)
        {
            throw invalid(pointer, "it is not the start of an allocation (objects of " + objectSize +
                " bytes start at offset " + objects + " of segment " + segment.number + ")");
        }
        if (index >= SizeClasses.capacity(sizeClass) ||
            (buffer.getLong(segment.pageOffset(start) + ((index >>> 6) << 3)) & (1L << index)) == 0)
        {
            throw notAllocated(pointer);
        }
        return index;
    }

    private void freeSmall(final long pointer, final AreaSegment segment, final int page, final int sizeClass)
    {
        final UndoLog log = classLogs[sizeClass];
        lockClass(sizeClass);
        try
        {
            final int giveBack = releaseObject(pointer, segment, page, sizeClass);
            log.commit();
            if (giveBack != 0)
            {
                releaseSuperblock(sizeClass, giveBack);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            log.rollback(parts);
            throw ex;
        }
        finally
        {
            classLocks[sizeClass].unlock();
        }
    }

    /**
     * Under the class lock: returns an allocated object to its superblock, logged but not committed.
     * Returns the superblock's span if it is now empty and should go back to the pages once the
     * log is committed (unless it is its class's only one with room: hysteresis), else 0.
     */
    private int releaseObject(final long pointer, final AreaSegment segment, final int page, final int sizeClass)
    {
        final UndoLog log = classLogs[sizeClass];
        final int block = classBlockOffset(sizeClass);
        final AtomicBuffer buffer = segment.buffer;
        final int part = segment.number;
        // Checked again under the lock: only a bad pointer can see the span change meanwhile.
        final int start = buffer.getInt(segment.pageMap(page));
        if (start < 0 || start > page)
        {
            throw notAllocated(pointer);
        }
        final int entry = segment.entry(start);
        final int index = checkAllocated(pointer, segment, page, start, sizeClass);
        final int objectSize = SizeClasses.size(sizeClass);
        final int objects = segment.pageOffset(start) + SizeClasses.bitmapLength(sizeClass);
        final int bitmapWord = segment.pageOffset(start) + ((index >>> 6) << 3);
        log.putLong(part, buffer, bitmapWord, buffer.getLong(bitmapWord) & ~(1L << index));
        // Unlogged: the object is the caller's until the free commits; if it is undone, the caller's bytes were garbage anyway.
        buffer.putInt(objects + index * objectSize, buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET));
        log.putInt(part, buffer, entry + SPAN_FREE_HEAD_OFFSET, index + 1);
        final int free = buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET) + 1;
        log.putInt(part, buffer, entry + SPAN_FREE_COUNT_OFFSET, free);
        log.putLong(0, control, block + CLASS_BYTES_IN_USE_OFFSET,
            control.getLong(block + CLASS_BYTES_IN_USE_OFFSET) - objectSize);
        final int span = span(part, start);
        if (free == 1)
        {
            push(log, block + CLASS_PARTIAL_HEAD_OFFSET, span);
        }
        final boolean giveBack = free == SizeClasses.capacity(sizeClass) &&
            (control.getInt(block + CLASS_PARTIAL_HEAD_OFFSET) != span || buffer.getInt(entry + SPAN_NEXT_OFFSET) != 0);
        return giveBack ? span : 0;
    }

    /** Under the class lock, with its log committed: unlinks an empty superblock and frees its pages, as one area operation. */
    private void releaseSuperblock(final int sizeClass, final int span)
    {
        inAreaOperation(() ->
        {
            unlink(areaLog, classBlockOffset(sizeClass) + CLASS_PARTIAL_HEAD_OFFSET, span);
            freePages(span);
            return 0L;
        });
    }

    private void freeLarge(final long pointer, final AreaSegment segment, final int page)
    {
        inAreaOperation(() ->
        {
            final AtomicBuffer buffer = segment.buffer;
            final int start = buffer.getInt(segment.pageMap(page));
            final int entry = segment.entry(start);
            if (start < 0 || start > page || buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_LARGE ||
                page >= start + buffer.getInt(entry + SPAN_PAGES_OFFSET))
            {
                throw notAllocated(pointer);
            }
            if (pointerOffset(pointer) != segment.pageOffset(start))
            {
                throw invalid(pointer, "it is not the start of an allocation (the allocation of " +
                    ((long)buffer.getInt(entry + SPAN_PAGES_OFFSET) << PAGE_SHIFT) + " bytes holding it starts at " +
                    "offset " + segment.pageOffset(start) + ")");
            }
            areaLog.putLong(0, control, LARGE_BYTES_IN_USE_OFFSET,
                control.getLong(LARGE_BYTES_IN_USE_OFFSET) - ((long)buffer.getInt(entry + SPAN_PAGES_OFFSET) << PAGE_SHIFT));
            freePages(span(segment.number, start));
            return 0L;
        });
    }

    /** Under the area lock: turns an allocated span into a free run, coalesced with its free neighbours. */
    private void freePages(final int span)
    {
        final AreaSegment segment = metadataSegment(spanSegment(span));
        final AtomicBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(span);
        int start = page;
        int pages = buffer.getInt(segment.entry(page) + SPAN_PAGES_OFFSET);
        final int next = page + pages;
        if (next < segment.pageCount && buffer.getInt(segment.entry(next) + SPAN_KIND_OFFSET) == KIND_FREE)
        {
            final int nextPages = buffer.getInt(segment.entry(next) + SPAN_PAGES_OFFSET);
            unlink(areaLog, freeRunHeadOffset(freeRunBucket(nextPages)), span(part, next));
            areaLog.putInt(part, buffer, segment.entry(next) + SPAN_KIND_OFFSET, KIND_NONE);
            pages += nextPages;
        }
        if (page > 0)
        {
            final int previous = buffer.getInt(segment.pageMap(page - 1));
            final int previousEntry = segment.entry(previous);
            final int previousPages = buffer.getInt(previousEntry + SPAN_PAGES_OFFSET);
            if (buffer.getInt(previousEntry + SPAN_KIND_OFFSET) == KIND_FREE && previous + previousPages == page)
            {
                unlink(areaLog, freeRunHeadOffset(freeRunBucket(previousPages)), span(part, previous));
                areaLog.putInt(part, buffer, segment.entry(page) + SPAN_KIND_OFFSET, KIND_NONE);
                start = previous;
                pages += previousPages;
            }
        }
        final int entry = segment.entry(start);
        areaLog.putInt(part, buffer, entry + SPAN_KIND_OFFSET, KIND_FREE);
        areaLog.putInt(part, buffer, entry + SPAN_PAGES_OFFSET, pages);
        areaLog.putInt(part, buffer, segment.pageMap(start), start);
        areaLog.putInt(part, buffer, segment.pageMap(start + pages - 1), start);
        if (pages == segment.pageCount && part != 1)
        {
            emptySegment(segment);
        }
        else
        {
            push(areaLog, freeRunHeadOffset(freeRunBucket(pages)), span(part, start));
        }
    }

    /** Under the area lock: removes a segment whose pages are one unlinked free run from the table; its file goes at commit. */
    private void emptySegment(final AreaSegment segment)
    {
        final int tableEntry = segmentEntryOffset(segment.number);
        areaLog.putLong(0, control, tableEntry + SEGMENT_FILE_LENGTH_OFFSET, 0);
        areaLog.putLong(0, control, RESERVED_BYTES_OFFSET, control.getLong(RESERVED_BYTES_OFFSET) - segment.length);
        areaLog.putLong(0, control, SEGMENT_COUNT_OFFSET, control.getLong(SEGMENT_COUNT_OFFSET) - 1);
        // After the slot changed and never undone: every process drops its mapping before it could reuse the number.
        control.getAndAddLong(FREED_SEGMENT_COUNTER_OFFSET, 1);
        emptiedSegment = segment.number;
    }

    // ---------------------------------------------------------------------------------------------
    // Magazines: per-thread caches of free objects, recorded in the control file
    // ---------------------------------------------------------------------------------------------

    /** A thread's magazine slot: its offset in the control file, or -1 while the thread has none. */
    private static final class Magazine
    {
        final int offset;
        /** Without a slot: operations left before asking for one again. */
        int retry = MAGAZINE_RETRY;

        Magazine(final int offset)
        {
            this.offset = offset;
        }
    }

    private Magazine magazine()
    {
        final Magazine magazine = threadMagazine.get();
        if (magazine.offset >= 0 || --magazine.retry > 0)
        {
            return magazine;
        }
        final Magazine claimed = claimMagazine();
        threadMagazine.set(claimed);
        return claimed;
    }

    /** The hot path of allocate: the top object of the thread's magazine, or 0 if it is empty. No shared lock. */
    private long popCached(final int slot, final int sizeClass)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        final int count = control.getInt(countOffset);
        if (count <= 0 || count > MAGAZINE_CAPACITY)
        {
            checkCount(slot, sizeClass, count);
            return 0;
        }
        final long pointer = control.getLong(magazineEntryOffset(slot, sizeClass, count - 1));
        // Release: the object leaves the magazine here, before the caller can write to it.
        control.putIntRelease(countOffset, count - 1);
        metadataSegment(pointerSegment(pointer)).buffer.putLong((int)pointerOffset(pointer), 0);
        return pointer;
    }

    /** The hot path of free: the object goes on top of the thread's magazine, which sheds half of itself first if full. */
    private void pushCached(final int slot, final int sizeClass, final AtomicBuffer buffer, final int offset, final long pointer)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        int count = control.getInt(countOffset);
        if (count >= MAGAZINE_CAPACITY)
        {
            checkCount(slot, sizeClass, count);
            flush(slot, sizeClass, MAGAZINE_CAPACITY / 2);
            count = control.getInt(countOffset);
        }
        buffer.putLong(offset, MAGAZINE_TAG ^ pointer);
        control.putLong(magazineEntryOffset(slot, sizeClass, count), pointer);
        // Release: the entry and the tag are visible before the count includes the object.
        control.putIntRelease(countOffset, count + 1);
    }

    private void checkCount(final int slot, final int sizeClass, final int count)
    {
        if (count < 0 || count > MAGAZINE_CAPACITY)
        {
            throw new CorruptFileException("area \"" + name + "\" is corrupt: magazine slot " +
                (slot - MAGAZINES_OFFSET) / MAGAZINE_SLOT_LENGTH + " counts " + count + " objects of " +
                SizeClasses.size(sizeClass) + " B. Remove the area (DsmRegistry.remove) to start it afresh");
        }
    }

    /** Under the class lock, moves up to half a magazine of objects from superblocks into it, then pops one. */
    private long refillAndPop(final int slot, final int sizeClass, final int flags, final long size)
    {
        final UndoLog log = classLogs[sizeClass];
        final int countOffset = magazineCountOffset(slot, sizeClass);
        lockClass(sizeClass);
        try
        {
            for (int i = 0; i < MAGAZINE_CAPACITY / 2; i++)
            {
                // Only the first object must be had; the rest are a bonus.
                final long pointer = takeObject(sizeClass, i == 0 ? flags : flags | NO_OOM, size);
                if (pointer == 0)
                {
                    break;
                }
                final int count = control.getInt(countOffset);
                // Unlogged: above the count, the entry means nothing until the logged count includes it.
                control.putLong(magazineEntryOffset(slot, sizeClass, count), pointer);
                log.putInt(0, control, countOffset, count + 1);
                log.commit();
                // After the commit: before it, the first bytes may still be the superblock's free-list link.
                metadataSegment(pointerSegment(pointer)).buffer.putLong((int)pointerOffset(pointer), MAGAZINE_TAG ^ pointer);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            log.rollback(parts);
            throw ex;
        }
        finally
        {
            classLocks[sizeClass].unlock();
        }
        return popCached(slot, sizeClass);
    }

    /** Returns up to {@code objects} objects from the top of a stack to their superblocks, each as one operation of the class lock. */
    private int flush(final int slot, final int sizeClass, final int objects)
    {
        final UndoLog log = classLogs[sizeClass];
        final int countOffset = magazineCountOffset(slot, sizeClass);
        lockClass(sizeClass);
        try
        {
            int moved = 0;
            for (; moved < objects; moved++)
            {
                final int count = control.getInt(countOffset);
                checkCount(slot, sizeClass, count);
                if (count == 0)
                {
                    break;
                }
                final long pointer = control.getLong(magazineEntryOffset(slot, sizeClass, count - 1));
                final AreaSegment segment = metadataSegment(pointerSegment(pointer));
                final int offset = (int)pointerOffset(pointer);
                if (offset < segment.dataOffset || offset >= segment.length)
                {
                    throw new CorruptFileException("area \"" + name + "\" is corrupt: a magazine holds pointer 0x" +
                        Long.toHexString(pointer) + ", outside the pages of its segment. Remove the area to start it afresh");
                }
                final int giveBack = releaseObject(pointer, segment, (offset - segment.dataOffset) >>> PAGE_SHIFT, sizeClass);
                log.putInt(0, control, countOffset, count - 1);
                log.commit();
                if (giveBack != 0)
                {
                    releaseSuperblock(sizeClass, giveBack);
                }
            }
            return moved;
        }
        catch (final RuntimeException | Error ex)
        {
            log.rollback(parts);
            throw ex;
        }
        finally
        {
            classLocks[sizeClass].unlock();
        }
    }

    /**
     * Empties every stack of a slot. Each class is locked even if its count reads 0: a dead process
     * may have died holding the lock while shedding, and undoing that restores a count.
     */
    private int flushAll(final int slot)
    {
        int objects = 0;
        for (int sizeClass = 0; sizeClass < MAGAZINE_CLASSES; sizeClass++)
        {
            objects += flush(slot, sizeClass, MAGAZINE_CAPACITY);
        }
        return objects;
    }

    /** Whether any magazine holds {@code pointer}: the slow check of a free whose object carries the magazine tag. */
    private boolean isCached(final long pointer, final int sizeClass)
    {
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            final int slot = magazineOffset(s);
            if (control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET) == 0)
            {
                continue;
            }
            final int count = Math.min(control.getIntVolatile(magazineCountOffset(slot, sizeClass)), MAGAZINE_CAPACITY);
            for (int i = 0; i < count; i++)
            {
                if (control.getLongVolatile(magazineEntryOffset(slot, sizeClass, i)) == pointer)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A slot for the calling thread: one this process's ended threads left (with its objects), else a
     * free one; first returns the magazines of dead processes to their superblocks.
     */
    private Magazine claimMagazine()
    {
        synchronized (slotUsers)
        {
            reclaimDeadMagazines();
            final Thread thread = Thread.currentThread();
            for (int attempt = 0; attempt < MAGAZINE_SLOTS; attempt++)
            {
                int free = -1;
                for (int s = 0; s < MAGAZINE_SLOTS; s++)
                {
                    final long owner = control.getLongVolatile(magazineOffset(s) + MAGAZINE_OWNER_OFFSET);
                    if (owner == SELF && slotUsers[s] != null && hasEnded(slotUsers[s].get()))
                    {
                        slotUsers[s] = new WeakReference<>(thread);
                        return new Magazine(magazineOffset(s));
                    }
                    if (owner == 0 && free < 0)
                    {
                        free = s;
                    }
                }
                if (free < 0)
                {
                    return new Magazine(-1);
                }
                if (control.compareAndSetLong(magazineOffset(free) + MAGAZINE_OWNER_OFFSET, 0, SELF))
                {
                    slotUsers[free] = new WeakReference<>(thread);
                    return new Magazine(magazineOffset(free));
                }
            }
            return new Magazine(-1);
        }
    }

    private static boolean hasEnded(final Thread thread)
    {
        return thread == null || !thread.isAlive();
    }

    /** Returns the objects in the magazines of dead processes to their superblocks and frees those slots. */
    private void reclaimDeadMagazines()
    {
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            final int slot = magazineOffset(s);
            final long owner = control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET);
            // Taking the slot first makes this process the one to empty it; if it dies meanwhile, the next one redoes the rest.
            if (owner != 0 && owner != SELF && !SharedMutex.isOwnerAlive(owner) &&
                control.compareAndSetLong(slot + MAGAZINE_OWNER_OFFSET, owner, SELF))
            {
                final int objects = flushAll(slot);
                // Release: the emptied counts are visible before another process can claim the slot.
                control.putLongRelease(slot + MAGAZINE_OWNER_OFFSET, 0);
                // DEBUG: every process that exits, cleanly or not, leaves its magazines for the next one to reclaim.
                LOG.log(System.Logger.Level.DEBUG, "area \"{0}\": reclaimed the magazine of exited process {1} ({2} free " +
                    "objects back to their superblocks)", name, Long.toString(owner >>> 32), objects);
            }
        }
    }

    /** Empties the calling thread's magazine and those of this process's ended threads (freeing their slots). */
    private void flushOwnMagazines()
    {
        synchronized (slotUsers)
        {
            final Thread current = Thread.currentThread();
            for (int s = 0; s < MAGAZINE_SLOTS; s++)
            {
                final int slot = magazineOffset(s);
                if (slotUsers[s] == null || control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET) != SELF)
                {
                    continue;
                }
                final Thread user = slotUsers[s].get();
                if (user == current)
                {
                    flushAll(slot);
                }
                else if (hasEnded(user))
                {
                    flushAll(slot);
                    slotUsers[s] = null;
                    // Release: the emptied counts are visible before another process can claim the slot.
                    control.putLongRelease(slot + MAGAZINE_OWNER_OFFSET, 0);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Trim, statistics
    // ---------------------------------------------------------------------------------------------

    /**
     * Empties the magazines of dead processes, of the calling thread and of this process's ended
     * threads, then gives back every empty superblock, and segment 1 if it is entirely free.
     */
    public void trim()
    {
        reclaimDeadMagazines();
        flushOwnMagazines();
        for (int sizeClass = 0; sizeClass < SizeClasses.COUNT; sizeClass++)
        {
            lockClass(sizeClass);
            try
            {
                final int capacity = SizeClasses.capacity(sizeClass);
                int span = control.getInt(classBlockOffset(sizeClass) + CLASS_PARTIAL_HEAD_OFFSET);
                while (span != 0)
                {
                    final AreaSegment segment = metadataSegment(spanSegment(span));
                    final int entry = segment.entry(spanPage(span));
                    final int next = segment.buffer.getInt(entry + SPAN_NEXT_OFFSET);
                    if (segment.buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET) == capacity)
                    {
                        releaseSuperblock(sizeClass, span);
                    }
                    span = next;
                }
            }
            finally
            {
                classLocks[sizeClass].unlock();
            }
        }
        inAreaOperation(() ->
        {
            if (control.getLong(segmentEntryOffset(1) + SEGMENT_FILE_LENGTH_OFFSET) != 0)
            {
                final AreaSegment first = metadataSegment(1);
                final int entry = first.entry(0);
                if (first.buffer.getInt(entry + SPAN_KIND_OFFSET) == KIND_FREE &&
                    first.buffer.getInt(entry + SPAN_PAGES_OFFSET) == first.pageCount)
                {
                    unlink(areaLog, freeRunHeadOffset(freeRunBucket(first.pageCount)), span(1, 0));
                    emptySegment(first);
                }
            }
            return 0L;
        });
    }

    public long bytesInUse()
    {
        return AreaStatistics.of(control).bytesInUse();
    }

    // ---------------------------------------------------------------------------------------------
    // Pointers
    // ---------------------------------------------------------------------------------------------

    /** The address of {@code length} bytes at {@code pointer}, checked against its segment's bounds. */
    public long address(final long pointer, final int length)
    {
        final AreaSegment segment = userSegment(pointer, length);
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
        return userSegment(pointer, length).buffer;
    }

    /** Points {@code target} at {@code length} bytes at {@code pointer}. */
    public void wrap(final AtomicBuffer target, final long pointer, final int length)
    {
        target.wrap(address(pointer, length), length);
    }

    private AreaSegment userSegment(final long pointer, final int length)
    {
        if (pointer == 0)
        {
            throw new InvalidPointerException("pointer 0 is the invalid pointer (allocate returns it with NO_OOM when " +
                "area \"" + name + "\" is out of space); pass a pointer that allocate returned");
        }
        final int number = pointerSegment(pointer);
        if (pointer < 0 || number >= MAX_SEGMENTS)
        {
            throw invalid(pointer, "it names segment " + (pointer >>> POINTER_SEGMENT_SHIFT) + " but an area has segments 1 to " +
                (MAX_SEGMENTS - 1) + "; it is not a pointer of an area, or it was corrupted");
        }
        final AreaSegment segment = number == 0 ? null : segment(number);
        if (segment == null)
        {
            throw invalid(pointer, "segment " + number + " does not exist: it was given back after all of its memory was " +
                "freed, or the pointer is not from this area");
        }
        final long offset = pointerOffset(pointer);
        if (length < 0 || offset + length > segment.length)
        {
            throw invalid(pointer, "offset " + offset + " + length " + length + " is past the end of segment " + number +
                ", which has " + segment.length + " bytes");
        }
        return segment;
    }

    private void zero(final long pointer, final long length)
    {
        final AreaSegment segment = segment(pointerSegment(pointer));
        segment.buffer.setMemory((int)pointerOffset(pointer), (int)length, (byte)0);
    }

    private InvalidPointerException invalid(final long pointer, final String problem)
    {
        return new InvalidPointerException(
            "pointer 0x" + Long.toHexString(pointer) + " is not valid in area \"" + name + "\": " + problem);
    }

    private InvalidPointerException notAllocated(final long pointer)
    {
        return invalid(pointer, "it is not an allocated block (freed already, a double free, or never allocated)");
    }

    // ---------------------------------------------------------------------------------------------
    // Segments as this process maps them
    // ---------------------------------------------------------------------------------------------

    /** The current mapping of segment {@code number}, mapping it on first use; null if the table has no such segment. */
    AreaSegment segment(final int number)
    {
        // Volatile: pairs with the atomic increment made after a segment slot was emptied.
        final long freed = control.getLongVolatile(FREED_SEGMENT_COUNTER_OFFSET);
        if (freed != seenFreedSegments)
        {
            dropStaleMappings(freed);
        }
        final AreaSegment segment = segments.get(number);
        return segment != null ? segment : map(number);
    }

    /** A segment that metadata refers to, which must exist. */
    AreaSegment metadataSegment(final int number)
    {
        final AreaSegment segment = number > 0 && number < MAX_SEGMENTS ? segment(number) : null;
        if (segment == null)
        {
            throw new CorruptFileException("area \"" + name + "\" is corrupt: its metadata refers to segment " + number +
                ", which does not exist. Remove the area (DsmRegistry.remove) to start it afresh");
        }
        return segment;
    }

    private AtomicBuffer part(final int part)
    {
        return part == 0 ? control : metadataSegment(part).buffer;
    }

    private synchronized void dropStaleMappings(final long freed)
    {
        for (int number = 1; number < MAX_SEGMENTS; number++)
        {
            final AreaSegment segment = segments.get(number);
            if (segment != null && !isCurrent(segment))
            {
                segments.set(number, null);
            }
        }
        seenFreedSegments = freed;
    }

    private boolean isCurrent(final AreaSegment segment)
    {
        final int entry = segmentEntryOffset(segment.number);
        return control.getLongVolatile(entry + SEGMENT_FILE_LENGTH_OFFSET) == segment.length &&
            control.getLongVolatile(entry + SEGMENT_GENERATION_OFFSET) == segment.generation;
    }

    private synchronized AreaSegment map(final int number)
    {
        final AreaSegment mapped = segments.get(number);
        if (mapped != null)
        {
            return mapped;
        }
        final int entry = segmentEntryOffset(number);
        final long length = control.getLongVolatile(entry + SEGMENT_FILE_LENGTH_OFFSET);
        final long generation = control.getLongVolatile(entry + SEGMENT_GENERATION_OFFSET);
        if (length == 0)
        {
            return null;
        }
        final Path file = EntryFiles.path(directory, fileId, number);
        if (!Files.exists(file) && removed.getAsBoolean())
        {
            throw new DsmRegistryException("segment " + number + " of area \"" + name + "\" cannot be mapped: the area " +
                "was removed from its registry and its files deleted. Memory this process mapped before stays valid; " +
                "ask the registry for the area again");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(MappedFiles.mapExisting(file, length, "segment " + number + " of " + describe(name)));
        if (buffer.getLong(AreaSegmentDescriptor.MAGIC_OFFSET) != AreaSegmentDescriptor.MAGIC ||
            buffer.getInt(SEGMENT_NUMBER_OFFSET) != number ||
            buffer.getLong(GENERATION_OFFSET) != generation ||
            buffer.getLong(FILE_LENGTH_OFFSET) != length ||
            buffer.getLongVolatile(AreaSegmentDescriptor.READY_OFFSET) !=
                AreaSegmentDescriptor.READY_VALUE)
        {
            throw corrupt(file, name, "its header (magic " + Magic.describe(buffer.getLong(AreaSegmentDescriptor.MAGIC_OFFSET)) +
                ", segment " + buffer.getInt(SEGMENT_NUMBER_OFFSET) + ", generation " + buffer.getLong(GENERATION_OFFSET) +
                ", length " + buffer.getLong(FILE_LENGTH_OFFSET) + ") does not match the area's segment table (segment " +
                number + ", generation " + generation + ", length " + length + ")");
        }
        final int pageCount = buffer.getInt(PAGE_COUNT_OFFSET);
        final int dataOffset = buffer.getInt(DATA_OFFSET_OFFSET);
        final int spanTable = buffer.getInt(SPAN_TABLE_OFFSET_OFFSET);
        if (pageCount <= 0 || pageCount != pagesFor(length) || dataOffset != dataOffset(pageCount) || spanTable != spanTableOffset(pageCount))
        {
            throw corrupt(file, name, "its header records " + pageCount + " pages from offset " + dataOffset +
                ", which does not fit a file of " + length + " bytes");
        }
        final AreaSegment segment = new AreaSegment(number, generation, buffer, length, pageCount, dataOffset, spanTable);
        segments.set(number, segment);
        return segment;
    }

    // ---------------------------------------------------------------------------------------------
    // Lists of spans (free runs, partial superblocks): doubly linked through the span table
    // ---------------------------------------------------------------------------------------------

    private void push(final UndoLog log, final int headOffset, final int span)
    {
        final AreaSegment segment = metadataSegment(spanSegment(span));
        final int entry = segment.entry(spanPage(span));
        final int head = control.getInt(headOffset);
        log.putInt(segment.number, segment.buffer, entry + SPAN_NEXT_OFFSET, head);
        log.putInt(segment.number, segment.buffer, entry + SPAN_PREV_OFFSET, 0);
        if (head != 0)
        {
            final AreaSegment headSegment = metadataSegment(spanSegment(head));
            log.putInt(headSegment.number, headSegment.buffer, headSegment.entry(spanPage(head)) + SPAN_PREV_OFFSET, span);
        }
        log.putInt(0, control, headOffset, span);
    }

    private void unlink(final UndoLog log, final int headOffset, final int span)
    {
        final AreaSegment segment = metadataSegment(spanSegment(span));
        final int entry = segment.entry(spanPage(span));
        final int next = segment.buffer.getInt(entry + SPAN_NEXT_OFFSET);
        final int previous = segment.buffer.getInt(entry + SPAN_PREV_OFFSET);
        if (previous == 0)
        {
            if (control.getInt(headOffset) != span)
            {
                throw new CorruptFileException("area \"" + name + "\" is corrupt: span " + describeSpan(span) +
                    " has no predecessor but is not the head of its list. Remove the area to start it afresh");
            }
            log.putInt(0, control, headOffset, next);
        }
        else
        {
            final AreaSegment previousSegment = metadataSegment(spanSegment(previous));
            log.putInt(previousSegment.number, previousSegment.buffer,
                previousSegment.entry(spanPage(previous)) + SPAN_NEXT_OFFSET, next);
        }
        if (next != 0)
        {
            final AreaSegment nextSegment = metadataSegment(spanSegment(next));
            log.putInt(nextSegment.number, nextSegment.buffer, nextSegment.entry(spanPage(next)) + SPAN_PREV_OFFSET, previous);
        }
        log.putInt(segment.number, segment.buffer, entry + SPAN_NEXT_OFFSET, 0);
        log.putInt(segment.number, segment.buffer, entry + SPAN_PREV_OFFSET, 0);
    }

    static String describeSpan(final int span)
    {
        return "segment " + spanSegment(span) + " page " + spanPage(span);
    }

    // ---------------------------------------------------------------------------------------------
    // Locks and repair
    // ---------------------------------------------------------------------------------------------

    private void lockArea()
    {
        if (areaLock.lock(timeoutNanos) || !areaLog.isEmpty())
        {
            try
            {
                final int undone = areaLog.rollback(parts);
                afterAreaRollback();
                LOG.log(System.Logger.Level.WARNING, "area \"{0}\": took over the area lock from a dead process and " +
                    "undid its unfinished operation ({1} writes)", name, undone);
            }
            catch (final RuntimeException | Error ex)
            {
                areaLock.unlock();
                throw ex;
            }
        }
    }

    private void lockClass(final int sizeClass)
    {
        if (classLocks[sizeClass].lock(timeoutNanos) || !classLogs[sizeClass].isEmpty())
        {
            try
            {
                // The dead owner may have been inside an area operation for this class: let that be undone first.
                lockArea();
                areaLock.unlock();
                final int undone = classLogs[sizeClass].rollback(parts);
                LOG.log(System.Logger.Level.WARNING, "area \"{0}\": took over the lock of size class {1} B from a dead " +
                    "process and undid its unfinished operation ({2} writes)", name, SizeClasses.size(sizeClass), undone);
            }
            catch (final RuntimeException | Error ex)
            {
                classLocks[sizeClass].unlock();
                throw ex;
            }
        }
    }

    /**
     * Runs {@code operation} as one area operation: under the area lock, its writes through the
     * area's undo log committed if it returns and undone if it throws, so that no failure (or death,
     * see {@link #lockArea}) leaves it half done.
     */
    private long inAreaOperation(final LongSupplier operation)
    {
        lockArea();
        try
        {
            final long result = operation.getAsLong();
            commitArea();
            return result;
        }
        catch (final RuntimeException | Error ex)
        {
            rollbackArea();
            throw ex;
        }
        finally
        {
            areaLock.unlock();
        }
    }

    private void commitArea()
    {
        areaLog.commit();
        final int emptied = emptiedSegment;
        if (emptied != 0)
        {
            emptiedSegment = 0;
            segments.set(emptied, null);
            MappedFiles.deleteQuietly(EntryFiles.path(directory, fileId, emptied));
        }
    }

    private void rollbackArea()
    {
        areaLog.rollback(parts);
        afterAreaRollback();
    }

    private void afterAreaRollback()
    {
        emptiedSegment = 0;
        // The undone operation may have added or emptied a segment slot: mappings of it may be stale.
        control.getAndAddLong(FREED_SEGMENT_COUNTER_OFFSET, 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Consistency check
    // ---------------------------------------------------------------------------------------------

    /**
     * Empties the magazines of dead processes, takes every lock (class locks in order, then the
     * area lock), checks all metadata and returns the problems found, empty when the area is
     * consistent. Live threads' magazines change meanwhile without locks; see AreaCheck.
     */
    public List<String> verify()
    {
        reclaimDeadMagazines();
        int locked = 0;
        try
        {
            for (; locked < SizeClasses.COUNT; locked++)
            {
                lockClass(locked);
            }
            lockArea();
            try
            {
                return new AreaCheck(control, this::segmentForCheck).run();
            }
            finally
            {
                areaLock.unlock();
            }
        }
        finally
        {
            for (int c = locked - 1; c >= 0; c--)
            {
                classLocks[c].unlock();
            }
        }
    }

    private AreaSegment segmentForCheck(final int number)
    {
        return number > 0 && number < MAX_SEGMENTS ? segment(number) : null;
    }

    private static String describe(final String name)
    {
        return "area \"" + name + "\"";
    }

    private static CorruptFileException corrupt(final Path file, final String name, final String problem)
    {
        return new CorruptFileException(
            "file " + file + " of area \"" + name + "\" cannot be used: " + problem +
            ". Remove the entry (DsmRegistry.remove) to start it afresh");
    }
}
