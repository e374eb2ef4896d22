package io.dsmreg;

import io.dsmreg.internal.layout.AreaSegmentDescriptor;

/**
 * How to create an area. Immutable; every wither returns a new instance:
 * <pre>{@code
 * SharedArea blobs = registry.area("orders.blobs", AreaOptions.defaults().sizeLimit(64L << 20));
 * }</pre>
 * The options are fixed when the area is created. A process that asks for an existing area with
 * options gets {@link EntryMismatchException} if they differ from the area's; one that asks
 * without options ({@link DsmRegistry#area(String)}) joins the area as it is.
 */
public final class AreaOptions
{
    /** The smallest segment size: room for one 64 KiB superblock and the segment's metadata, rounded up. */
    public static final long MIN_SEGMENT_SIZE = 128 * 1024;
    /** The largest segment size: one mapping. */
    public static final long MAX_SEGMENT_SIZE = AreaSegmentDescriptor.MAX_FILE_LENGTH;
    /** The smallest size limit: the control file and one smallest segment, rounded up. */
    public static final long MIN_SIZE_LIMIT = 256 * 1024;
    /** No size limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private static final AreaOptions DEFAULTS = new AreaOptions(1L << 20, 1L << 30, UNLIMITED);

    private final long initialSegmentSize;
    private final long maxSegmentSize;
    private final long sizeLimit;

    private AreaOptions(final long initialSegmentSize, final long maxSegmentSize, final long sizeLimit)
    {
        this.initialSegmentSize = initialSegmentSize;
        this.maxSegmentSize = maxSegmentSize;
        this.sizeLimit = sizeLimit;
    }

    /** First segments of 1 MiB, doubling every two segments up to 1 GiB, as dsa.c; no size limit. */
    public static AreaOptions defaults()
    {
        return DEFAULTS;
    }

    /** The size of the first two segment files; later ones double every two segments. */
    public AreaOptions initialSegmentSize(final long bytes)
    {
        checkSegmentSize("initialSegmentSize", bytes);
        return new AreaOptions(bytes, Math.max(bytes, maxSegmentSize), sizeLimit);
    }

    /** The size segments stop doubling at; a larger request still gets a segment of its own size. */
    public AreaOptions maxSegmentSize(final long bytes)
    {
        checkSegmentSize("maxSegmentSize", bytes);
        return new AreaOptions(Math.min(initialSegmentSize, bytes), bytes, sizeLimit);
    }

    /**
     * The most bytes the area's files may take together (control file included): PostgreSQL's
     * {@code dsa_set_size_limit}. Past it, allocation throws {@link OutOfSpaceException}, or returns 0
     * with {@link SharedArea#NO_OOM}.
     */
    public AreaOptions sizeLimit(final long bytes)
    {
        if (bytes < MIN_SIZE_LIMIT)
        {
            throw new IllegalArgumentException("sizeLimit must be at least " + MIN_SIZE_LIMIT + " bytes, was " + bytes);
        }
        return new AreaOptions(initialSegmentSize, maxSegmentSize, bytes);
    }

    public long initialSegmentSize()
    {
        return initialSegmentSize;
    }

    public long maxSegmentSize()
    {
        return maxSegmentSize;
    }

    public long sizeLimit()
    {
        return sizeLimit;
    }

    private static void checkSegmentSize(final String what, final long bytes)
    {
        if (bytes < MIN_SEGMENT_SIZE || bytes > MAX_SEGMENT_SIZE)
        {
            throw new IllegalArgumentException(
                what + " must be between " + MIN_SEGMENT_SIZE + " and " + MAX_SEGMENT_SIZE + " bytes, was " + bytes);
        }
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof AreaOptions that && initialSegmentSize == that.initialSegmentSize &&
            maxSegmentSize == that.maxSegmentSize && sizeLimit == that.sizeLimit;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(initialSegmentSize) * 31 * 31 + Long.hashCode(maxSegmentSize) * 31 + Long.hashCode(sizeLimit);
    }

    @Override
    public String toString()
    {
        return "AreaOptions{initialSegmentSize=" + initialSegmentSize + ", maxSegmentSize=" + maxSegmentSize +
            ", sizeLimit=" + (sizeLimit == UNLIMITED ? "unlimited" : Long.toString(sizeLimit)) + '}';
    }
}
