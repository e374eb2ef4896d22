package io.dsmreg.internal.layout;

import io.dsmreg.AreaOptions;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;

/**
 * Layout of an area's control file, {@code <file id>_0.dsm}: what every process of the area shares
 * besides the data segments ({@code <file id>_<n>.dsm}, n = 1..1023, see {@link AreaSegmentDescriptor}).
 * <pre>
 *   offset  field                      type  written
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |     0 | magic "dsmregAR"          | long | at creation                                      |
 *  |     8 | major version             | int  | a reader refuses another one                     |
 *  |    12 | minor version             | int  |                                                  |
 *  |    16 | header length             | int  | 128                                              |
 *  |    20 | page size                 | int  | 4096                                             |
 *  |    24 | file id                   | long | ties the files to their registry slot            |
 *  |    32 | control length            | long | this file's length                               |
 *  |    40 | initial segment length    | long | AreaOptions.initialSegmentSize                   |
 *  |    48 | max segment length        | long | AreaOptions.maxSegmentSize                       |
 *  |    56 | size limit                | long | AreaOptions.sizeLimit                            |
 *  |    64 | ready                     | long | LAST, with release                               |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |   128 | reserved bytes            | long | statistics, under the area lock (undo-logged);   |
 *  |   136 | large bytes in use        | long |   read without locks by listings                 |
 *  |   144 | segment count             | long |                                                  |
 *  |   152 | segments created          | long | drives growth: size doubles every 2 segments     |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |   192 | freed-segment counter     | long | +1 (atomic, never undone) after a segment slot   |
 *  |       |                           |      |   is emptied: processes drop stale mappings       |
 *  |   200 | generation counter        | long | +1 (atomic) per segment file ever created        |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |   256 | AREA LOCK word            | long | {@link io.dsmreg.internal.lock.SharedMutex}; its own line  |
 *  |   264 | area undo log count       | int  | {@link UndoLog}                                  |
 *  |   320 | area undo log entries     | 64 x 16 bytes                                           |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |  1344 | free-run list heads       | 32 x int: bucket b holds free runs of 2^b..2^(b+1)-1  |
 *  |       |                           |      pages (span references, 0 = empty)              |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |  1536 | size class blocks         | 36 x 320 bytes, one per size-class pool, each:        |
 *  |       |   +0  lock word           | long | the pool's lock; the line holds only what it    |
 *  |       |   +8  undo log count      | int  |   protects                                       |
 *  |       |   +16 partial list head   | int  | superblocks with a free object (span reference)  |
 *  |       |   +24 bytes in use        | long | objects handed out x object size                 |
 *  |       |   +64 undo log entries    | 16 x 16 bytes                                           |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  | 13056 | segment table             | 1024 x 32 bytes, index = segment number (0 unused):   |
 *  |       |   +0  file length         | long | 0 = no segment                                   |
 *  |       |   +8  generation          | long | matches the segment file's header                |
 *  |       |   +16 page count          | int  |                                                  |
 *  |       |   +20 data offset         | int  |                                                  |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  | 45824 | magazine slots            | 16 x 3200 bytes: per-thread caches of free objects of |
 *  |       |                           |      the 24 classes up to 1 KiB, each slot:           |
 *  |       |   +0   owner word         | long | owning process: pid (high 32 bits) and start     |
 *  |       |                           |      | time (low 32), as a SharedMutex word; 0 = free;  |
 *  |       |                           |      | claimed by CAS                                   |
 *  |       |   +8   counts             | 24 x int: objects cached per class; written by the   |
 *  |       |                           |      | owning thread alone (release), or under the      |
 *  |       |                           |      | pool lock (undo-logged) when moving objects to   |
 *  |       |                           |      | or from superblocks                              |
 *  |       |   +128 entries            | 24 x 16 x long: class c's pointers at +128 + c * 128 |
 *  |       |                           |      | (stack: entries below the count are cached)      |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  | 97024 | (end; the file is 98304 bytes)                                                     |
 * </pre>
 * A cached object is allocated in its superblock's bitmap and counted in its class's bytes in use;
 * statistics subtract what the magazines hold. A magazine changes only through its count: an object
 * is in the magazine exactly when it lies below the count, so a process killed between writing an
 * entry and storing the count leaves the object where it was (its own, as if it had not called
 * free yet).
 * <p>
 * A span reference (int) names the first page of a span: {@code segment << 20 | page}; 0 is none.
 * A relative pointer (long) is {@code segment << 40 | byte offset in the segment file}; 0 is the
 * invalid pointer, since segment 0 is this file. Lock order: a pool lock, then the area lock.
 */
public final class AreaDescriptor
{
    public static final long MAGIC = Magic.of("dsmregAR");
    public static final int MAJOR_VERSION = 2;
    public static final int MINOR_VERSION = 0;
    public static final long READY_VALUE = FileHeaderDescriptor.READY_VALUE;
    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    /** Hot words get a line of their own. */
    public static final int CACHE_LINE_LENGTH = 64;

    /** The area's own header fields follow the prefix every dsmreg file begins with. */
    public static final int PAGE_SIZE_OFFSET = FileHeaderDescriptor.PREFIX_LENGTH;
    public static final int FILE_ID_OFFSET = PAGE_SIZE_OFFSET + Integer.BYTES;
    public static final int CONTROL_LENGTH_OFFSET = FILE_ID_OFFSET + Long.BYTES;
    public static final int INITIAL_SEGMENT_LENGTH_OFFSET = CONTROL_LENGTH_OFFSET + Long.BYTES;
    public static final int MAX_SEGMENT_LENGTH_OFFSET = INITIAL_SEGMENT_LENGTH_OFFSET + Long.BYTES;
    public static final int SIZE_LIMIT_OFFSET = MAX_SEGMENT_LENGTH_OFFSET + Long.BYTES;
    public static final int READY_OFFSET = SIZE_LIMIT_OFFSET + Long.BYTES;
    /** Two cache lines. */
    public static final int HEADER_LENGTH = 2 * CACHE_LINE_LENGTH;

    /** The statistics start on the line after the header. */
    public static final int RESERVED_BYTES_OFFSET = HEADER_LENGTH;
    public static final int LARGE_BYTES_IN_USE_OFFSET = RESERVED_BYTES_OFFSET + Long.BYTES;
    public static final int SEGMENT_COUNT_OFFSET = LARGE_BYTES_IN_USE_OFFSET + Long.BYTES;
    public static final int SEGMENTS_CREATED_OFFSET = SEGMENT_COUNT_OFFSET + Long.BYTES;

    /** The counters every process bumps, on a line of their own. */
    public static final int FREED_SEGMENT_COUNTER_OFFSET = RESERVED_BYTES_OFFSET + CACHE_LINE_LENGTH;
    public static final int GENERATION_COUNTER_OFFSET = FREED_SEGMENT_COUNTER_OFFSET + Long.BYTES;

    /** The area lock on a line of its own, shared only with its log's count. */
    public static final int AREA_LOCK_OFFSET = FREED_SEGMENT_COUNTER_OFFSET + CACHE_LINE_LENGTH;
    public static final int AREA_LOG_COUNT_OFFSET = AREA_LOCK_OFFSET + Long.BYTES;
    public static final int AREA_LOG_ENTRIES_OFFSET = AREA_LOCK_OFFSET + CACHE_LINE_LENGTH;
    public static final int AREA_LOG_CAPACITY = 64;

    public static final int FREE_RUN_BUCKETS = 32;
    public static final int FREE_RUN_HEADS_OFFSET = AREA_LOG_ENTRIES_OFFSET + AREA_LOG_CAPACITY * UndoLog.ENTRY_LENGTH;

    public static final int SIZE_CLASS_COUNT = 36;
    public static final int CLASS_BLOCKS_OFFSET = 1536;
    public static final int CLASS_LOCK_OFFSET = 0;
    public static final int CLASS_LOG_COUNT_OFFSET = 8;
    public static final int CLASS_PARTIAL_HEAD_OFFSET = 16;
    public static final int CLASS_BYTES_IN_USE_OFFSET = 24;
    public static final int CLASS_LOG_ENTRIES_OFFSET = 64;
    public static final int CLASS_LOG_CAPACITY = 16;
    public static final int CLASS_BLOCK_LENGTH = CLASS_LOG_ENTRIES_OFFSET + CLASS_LOG_CAPACITY * UndoLog.ENTRY_LENGTH;

    public static final int MAX_SEGMENTS = 1024;
    public static final int SEGMENT_TABLE_OFFSET = CLASS_BLOCKS_OFFSET + SIZE_CLASS_COUNT * CLASS_BLOCK_LENGTH;
    public static final int SEGMENT_ENTRY_LENGTH = 32;
    public static final int SEGMENT_FILE_LENGTH_OFFSET = 0;
    public static final int SEGMENT_GENERATION_OFFSET = 8;
    public static final int SEGMENT_PAGE_COUNT_OFFSET = 16;
    public static final int SEGMENT_DATA_OFFSET_OFFSET = 20;

    public static final int MAGAZINE_SLOTS = 16;
    /** Classes 0 to 23, objects of up to 1 KiB, have magazines. */
    public static final int MAGAZINE_CLASSES = 24;
    public static final int MAGAZINE_CAPACITY = 16;
    public static final int MAGAZINES_OFFSET = SEGMENT_TABLE_OFFSET + MAX_SEGMENTS * SEGMENT_ENTRY_LENGTH;
    public static final int MAGAZINE_OWNER_OFFSET = 0;
    public static final int MAGAZINE_COUNTS_OFFSET = 8;
    public static final int MAGAZINE_ENTRIES_OFFSET = 128;
    public static final int MAGAZINE_SLOT_LENGTH = MAGAZINE_ENTRIES_OFFSET + MAGAZINE_CLASSES * MAGAZINE_CAPACITY * Long.BYTES;

    public static final int CONTROL_LENGTH = roundUp(MAGAZINES_OFFSET + MAGAZINE_SLOTS * MAGAZINE_SLOT_LENGTH, PAGE_SIZE);

    /** A relative pointer's segment number starts at this bit. */
    public static final int POINTER_SEGMENT_SHIFT = 40;
    public static final long POINTER_OFFSET_MASK = (1L << POINTER_SEGMENT_SHIFT) - 1;
    /** A span reference's segment number starts at this bit. */
    public static final int SPAN_SEGMENT_SHIFT = 20;
    public static final int SPAN_PAGE_MASK = (1 << SPAN_SEGMENT_SHIFT) - 1;

    static
    {
        // The layout drawn above, which files of version 2 have: derived offsets must not move.
        if (READY_OFFSET != 64 || AREA_LOG_ENTRIES_OFFSET != 320 || SEGMENT_TABLE_OFFSET != 13056 || MAGAZINES_OFFSET != 45824 ||
            FREE_RUN_HEADS_OFFSET + FREE_RUN_BUCKETS * Integer.BYTES > CLASS_BLOCKS_OFFSET || CONTROL_LENGTH != 98304 ||
            MAGAZINE_COUNTS_OFFSET + MAGAZINE_CLASSES * Integer.BYTES > MAGAZINE_ENTRIES_OFFSET ||
            (MAGAZINES_OFFSET & 63) != 0 || (MAGAZINE_SLOT_LENGTH & 63) != 0)
        {
            throw new ExceptionInInitializerError("AreaDescriptor offsets overlap");
        }
    }

    private AreaDescriptor()
    {
    }

    public static int classBlockOffset(final int sizeClass)
    {
        return CLASS_BLOCKS_OFFSET + sizeClass * CLASS_BLOCK_LENGTH;
    }

    public static int segmentEntryOffset(final int segment)
    {
        return SEGMENT_TABLE_OFFSET + segment * SEGMENT_ENTRY_LENGTH;
    }

    public static int magazineOffset(final int slot)
    {
        return MAGAZINES_OFFSET + slot * MAGAZINE_SLOT_LENGTH;
    }

    /** Offset of the count of class {@code sizeClass} in the magazine slot at {@code slotOffset}. */
    public static int magazineCountOffset(final int slotOffset, final int sizeClass)
    {
        return slotOffset + MAGAZINE_COUNTS_OFFSET + sizeClass * Integer.BYTES;
    }

    /** Offset of entry {@code index} of class {@code sizeClass} in the magazine slot at {@code slotOffset}. */
    public static int magazineEntryOffset(final int slotOffset, final int sizeClass, final int index)
    {
        return slotOffset + MAGAZINE_ENTRIES_OFFSET + ((sizeClass * MAGAZINE_CAPACITY + index) << 3);
    }

    public static int freeRunHeadOffset(final int bucket)
    {
        return FREE_RUN_HEADS_OFFSET + bucket * Integer.BYTES;
    }

    /** The free-run list for runs of {@code pages} pages: floor(log2(pages)). */
    public static int freeRunBucket(final int pages)
    {
        return 31 - Integer.numberOfLeadingZeros(pages);
    }

    public static long pointer(final int segment, final int offset)
    {
        return ((long)segment << POINTER_SEGMENT_SHIFT) | offset;
    }

    public static int pointerSegment(final long pointer)
    {
        return (int)(pointer >>> POINTER_SEGMENT_SHIFT);
    }

    public static long pointerOffset(final long pointer)
    {
        return pointer & POINTER_OFFSET_MASK;
    }

    public static int span(final int segment, final int page)
    {
        return (segment << SPAN_SEGMENT_SHIFT) | page;
    }

    public static int spanSegment(final int span)
    {
        return span >>> SPAN_SEGMENT_SHIFT;
    }

    public static int spanPage(final int span)
    {
        return span & SPAN_PAGE_MASK;
    }

    static int roundUp(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
