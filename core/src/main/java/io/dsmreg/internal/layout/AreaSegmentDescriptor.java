package io.dsmreg.internal.layout;

/**
 * Layout of an area's data segment, {@code <file id>_<n>.dsm} (n = 1..1023): a header, the page
 * map, the span table, then the pages that allocations come from.
 * <pre>
 *   offset  field                      type
 *  +-------+--------------------------+------+-----------------------------------------------+
 *  |     0 | magic "dsmregAS"          | long |                                               |
 *  |     8 | major version             | int  |                                               |
 *  |    12 | minor version             | int  |                                               |
 *  |    16 | header length             | int  | 128                                           |
 *  |    20 | segment number            | int  | n                                             |
 *  |    24 | file id                   | long | the area's                                    |
 *  |    32 | generation                | long | = the control file's segment table entry      |
 *  |    40 | file length               | long |                                               |
 *  |    48 | page count                | int  |                                               |
 *  |    52 | data offset               | int  | 4096-aligned                                  |
 *  |    56 | span table offset         | int  |                                               |
 *  |    64 | ready                     | long | LAST, with release                            |
 *  +-------+--------------------------+------+-----------------------------------------------+
 *  |   128 | page map: int per page: the first page of the span holding it. Exact for pages of  |
 *  |       | allocated spans; for a free run only its first and last page are kept exact.       |
 *  +-------+-------------------------------------------------------------------------------------+
 *  |   (64-aligned) span table: 32 bytes per page, meaningful where a span starts:               |
 *  |       |  +0 kind       int  0 none (inside a span), 1 free run, 2 large allocation,         |
 *  |       |                      3 superblock                                                  |
 *  |       |  +4 pages      int  length of the span                                             |
 *  |       |  +8 next       int  span reference: next in its free-run or partial list           |
 *  |       | +12 prev       int  previous in that list                                          |
 *  |       | +16 size class int  superblocks                                                    |
 *  |       | +20 free head  int  superblocks: first freed object's index + 1, 0 = none; each    |
 *  |       |                      freed object's first 4 bytes hold the next one                |
 *  |       | +24 free count int  superblocks: free objects, freed + untouched                   |
 *  |       | +28 untouched  int  superblocks: objects below this index were handed out once     |
 *  +-------+-------------------------------------------------------------------------------------+
 *  |  data | pages of 4096 bytes, tiled by spans: free runs (never two adjacent), large          |
 *  |       | allocations (one run of pages each) and 64 KiB superblocks of one size class:       |
 *  |       |   +-------------------------------+--------------------------------------------+   |
 *  |       |   | allocation bitmap, 64-aligned | objects of the class's size                 |   |
 *  |       |   +-------------------------------+--------------------------------------------+   |
 *  |       |   a free object's first 4 bytes link the free list; an object in a magazine (still  |
 *  |       |   allocated in the bitmap) holds the magazine tag ^ its pointer in its first 8 bytes |
 *  +-------+-------------------------------------------------------------------------------------+
 * </pre>
 */
public final class AreaSegmentDescriptor
{
    public static final long MAGIC = Magic.of("dsmregAS");
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;
    public static final long READY_VALUE = FileHeaderDescriptor.READY_VALUE;

    /** The segment's own header fields follow the prefix every dsmreg file begins with. */
    public static final int SEGMENT_NUMBER_OFFSET = FileHeaderDescriptor.PREFIX_LENGTH;
    public static final int FILE_ID_OFFSET = SEGMENT_NUMBER_OFFSET + Integer.BYTES;
    public static final int GENERATION_OFFSET = FILE_ID_OFFSET + Long.BYTES;
    public static final int FILE_LENGTH_OFFSET = GENERATION_OFFSET + Long.BYTES;
    public static final int PAGE_COUNT_OFFSET = FILE_LENGTH_OFFSET + Long.BYTES;
    public static final int DATA_OFFSET_OFFSET = PAGE_COUNT_OFFSET + Integer.BYTES;
    public static final int SPAN_TABLE_OFFSET_OFFSET = DATA_OFFSET_OFFSET + Integer.BYTES;
    /** The next 8-aligned offset. */
    public static final int READY_OFFSET = (SPAN_TABLE_OFFSET_OFFSET + Integer.BYTES + Long.BYTES - 1) & -Long.BYTES;
    /** Two cache lines. */
    public static final int HEADER_LENGTH = 2 * AreaDescriptor.CACHE_LINE_LENGTH;
    public static final int PAGE_MAP_OFFSET = HEADER_LENGTH;

    public static final int SPAN_KIND_OFFSET = 0;
    public static final int SPAN_PAGES_OFFSET = SPAN_KIND_OFFSET + Integer.BYTES;
    public static final int SPAN_NEXT_OFFSET = SPAN_PAGES_OFFSET + Integer.BYTES;
    public static final int SPAN_PREV_OFFSET = SPAN_NEXT_OFFSET + Integer.BYTES;
    public static final int SPAN_SIZE_CLASS_OFFSET = SPAN_PREV_OFFSET + Integer.BYTES;
    public static final int SPAN_FREE_HEAD_OFFSET = SPAN_SIZE_CLASS_OFFSET + Integer.BYTES;
    public static final int SPAN_FREE_COUNT_OFFSET = SPAN_FREE_HEAD_OFFSET + Integer.BYTES;
    public static final int SPAN_UNTOUCHED_OFFSET = SPAN_FREE_COUNT_OFFSET + Integer.BYTES;
    public static final int SPAN_ENTRY_LENGTH = SPAN_UNTOUCHED_OFFSET + Integer.BYTES;

    public static final int KIND_NONE = 0;
    public static final int KIND_FREE = 1;
    public static final int KIND_LARGE = 2;
    public static final int KIND_SUPERBLOCK = 3;

    public static final int SUPERBLOCK_PAGES = 16;
    public static final int SUPERBLOCK_LENGTH = SUPERBLOCK_PAGES * AreaDescriptor.PAGE_SIZE;

    /** The largest segment file: one int-indexed mapping. */
    public static final long MAX_FILE_LENGTH = Integer.MAX_VALUE & -AreaDescriptor.PAGE_SIZE;

    static
    {
        // The layout drawn above, which files of version 1 have: derived offsets must not move.
        if (READY_OFFSET != 64 || HEADER_LENGTH != 128 || SPAN_ENTRY_LENGTH != 32)
        {
            throw new ExceptionInInitializerError("AreaSegmentDescriptor offsets moved");
        }
    }

    private AreaSegmentDescriptor()
    {
    }

    public static int spanTableOffset(final int pages)
    {
        return AreaDescriptor.roundUp(PAGE_MAP_OFFSET + pages * Integer.BYTES, 64);
    }

    public static long dataOffset(final int pages)
    {
        return AreaDescriptor.roundUp(spanTableOffset(pages) + pages * SPAN_ENTRY_LENGTH, AreaDescriptor.PAGE_SIZE);
    }

    /** The file length a segment of {@code pages} pages needs. */
    public static long lengthFor(final int pages)
    {
        return dataOffset(pages) + ((long)pages << AreaDescriptor.PAGE_SHIFT);
    }

    /** The most pages a file of {@code length} bytes holds. */
    public static int pagesFor(final long length)
    {
        int pages = (int)Math.max(0, (length - AreaDescriptor.PAGE_SIZE) / (AreaDescriptor.PAGE_SIZE + Integer.BYTES + SPAN_ENTRY_LENGTH));
        while (lengthFor(pages + 1) <= length)
        {
            pages++;
        }
        while (pages > 0 && lengthFor(pages) > length)
        {
            pages--;
        }
        return pages;
    }
}
