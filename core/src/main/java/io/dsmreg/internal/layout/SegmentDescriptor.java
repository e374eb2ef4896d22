package io.dsmreg.internal.layout;

/**
 * Layout of a named segment's file, {@code <file id>_0.dsm}: a header, then the caller's memory.
 * <pre>
 *   offset  field             type
 *  +-------+-----------------+------+----------------------------------------------+
 *  |     0 | magic "dsmregSG" | long | at creation                                  |
 *  |     8 | major version    | int  | a reader refuses another one                 |
 *  |    12 | minor version    | int  |                                              |
 *  |    16 | header length    | int  | 128; the data starts there                   |
 *  |    20 | (reserved)       | int  |                                              |
 *  |    24 | data length      | long | the requested size                           |
 *  |    32 | file id          | long | ties the file to its registry slot           |
 *  |    64 | ready            | long | LAST, after the init callback, with release  |
 *  +-------+-----------------+------+----------------------------------------------+
 *  |   128 | data: data length bytes, 128-aligned (so 8-aligned for atomics)         |
 *  +-------+-------------------------------------------------------------------------+
 * </pre>
 */
public final class SegmentDescriptor
{
    public static final long MAGIC = Magic.of("dsmregSG");
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;
    public static final long READY_VALUE = FileHeaderDescriptor.READY_VALUE;

    public static final int DATA_LENGTH_OFFSET = 24;
    public static final int FILE_ID_OFFSET = 32;
    public static final int READY_OFFSET = 64;
    public static final int HEADER_LENGTH = 128;

    /** The largest segment: one mapping and one {@code AtomicBuffer} (int-indexed) hold it. */
    public static final long MAX_DATA_LENGTH = (1L << 31) - 4096;

    private SegmentDescriptor()
    {
    }
}
