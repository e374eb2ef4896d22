package io.dsmreg.internal.layout;

/**
 * The prefix every dsmreg file begins with, whatever its kind; each kind's descriptor draws the rest
 * of its header and places its ready word ({@link io.dsmreg.internal.file.HeaderedFile}).
 * <pre>
 *   offset  field            type   written
 *  +-------+----------------+------+------------------------------------------------+
 *  |     0 | magic          | long | at creation: 8 ASCII characters naming the kind |
 *  |     8 | major version  | int  | at creation; a reader refuses another one       |
 *  |    12 | minor version  | int  | at creation; compatible additions               |
 *  |    16 | header length  | int  | at creation; checked on attach                  |
 *  +-------+----------------+------+------------------------------------------------+
 *  |   ... | the kind's own fields, then its ready word: LAST, with release          |
 *  +-------+-------------------------------------------------------------------------+
 * </pre>
 */
public final class FileHeaderDescriptor
{
    /** The kind's magic number ({@link Magic#of}). */
    public static final int MAGIC_OFFSET = 0;
    /** The layout version a reader must match. */
    public static final int MAJOR_VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** The compatible revision of the layout. */
    public static final int MINOR_VERSION_OFFSET = MAJOR_VERSION_OFFSET + Integer.BYTES;
    /** The header's length in bytes. */
    public static final int HEADER_LENGTH_OFFSET = MINOR_VERSION_OFFSET + Integer.BYTES;
    /** The bytes of the prefix; each kind's own fields start at or after it. */
    public static final int PREFIX_LENGTH = HEADER_LENGTH_OFFSET + Integer.BYTES;
    /** The value of a ready word once the file is published. */
    public static final long READY_VALUE = 1;

    private FileHeaderDescriptor()
    {
    }
}
