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

    /**
     * First segments of 1 MiB, doubling every two segments up to 1 GiB, as dsa.c; no size limit.
     *
     * @return the default options; the same instance on every call.
     */
    public static AreaOptions defaults()
    {
        return DEFAULTS;
    }

    /**
     * The size of the first two segment files; later ones double every two segments.
     *
     * @param bytes from {@link #MIN_SEGMENT_SIZE} to {@link #MAX_SEGMENT_SIZE}; a maximum segment size below it is
     *              raised to it.
     * @return new options with this initial segment size.
     * @throws IllegalArgumentException for a size out of range.
     */
    public AreaOptions initialSegmentSize(final long bytes)
    {
        checkSegmentSize("initialSegmentSize", bytes);
        return new AreaOptions(bytes, Math.max(bytes, maxSegmentSize), sizeLimit);
    }

    /**
     * The size segments stop doubling at; a larger request still gets a segment of its own size.
     *
     * @param bytes from {@link #MIN_SEGMENT_SIZE} to {@link #MAX_SEGMENT_SIZE}; an initial segment size above it is
     *              lowered to it.
     * @return new options with this maximum segment size.
     * @throws IllegalArgumentException for a size out of range.
     */
    public AreaOptions maxSegmentSize(final long bytes)
    {
        checkSegmentSize("maxSegmentSize", bytes);
        return new AreaOptions(Math.min(initialSegmentSize, bytes), bytes, sizeLimit);
    }

    /**
     * The most bytes the area's files may take together (control file included): PostgreSQL's
     * {@code dsa_set_size_limit}. Past it, allocation throws {@link OutOfSpaceException}, or returns 0
     * with {@link SharedArea#NO_OOM}.
     *
     * @param bytes at least {@link #MIN_SIZE_LIMIT}; {@link #UNLIMITED} for no limit.
     * @return new options with this size limit.
     * @throws IllegalArgumentException for a limit below {@link #MIN_SIZE_LIMIT}.
     */
    public AreaOptions sizeLimit(final long bytes)
    {
        if (bytes < MIN_SIZE_LIMIT)
        {
            throw new IllegalArgumentException("sizeLimit must be at least " + MIN_SIZE_LIMIT + " bytes, was " + bytes);
        }
        return new AreaOptions(initialSegmentSize, maxSegmentSize, bytes);
    }

    /**
     * The size of the first two segment files.
     *
     * @return bytes, from {@link #MIN_SEGMENT_SIZE} to {@link #maxSegmentSize()}.
     */
    public long initialSegmentSize()
    {
        return initialSegmentSize;
    }

    /**
     * The size segments stop doubling at.
     *
     * @return bytes, from {@link #initialSegmentSize()} to {@link #MAX_SEGMENT_SIZE}.
     */
    public long maxSegmentSize()
    {
        return maxSegmentSize;
    }

    /**
     * The most bytes the area's files may take together.
     *
     * @return bytes, at least {@link #MIN_SIZE_LIMIT}; {@link #UNLIMITED} for no limit.
     */
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

    /**
     * Whether {@code other} is an {@code AreaOptions} with the same segment sizes and size limit: how
     * a request's options are compared with those an existing area was created with.
     *
     * @param other the object to compare with; may be null.
     * @return true if they are equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof AreaOptions that && initialSegmentSize == that.initialSegmentSize &&
            maxSegmentSize == that.maxSegmentSize && sizeLimit == that.sizeLimit;
    }

    /**
     * A hash code consistent with {@link #equals}.
     *
     * @return the hash code.
     */
    @Override
    public int hashCode()
    {
        return Long.hashCode(initialSegmentSize) * 31 * 31 + Long.hashCode(maxSegmentSize) * 31 + Long.hashCode(sizeLimit);
    }

    /**
     * The options in words, for messages and logs: sizes in bytes, {@code unlimited} for no size limit.
     *
     * @return a description of the options.
     */
    @Override
    public String toString()
    {
        return "AreaOptions{initialSegmentSize=" + initialSegmentSize + ", maxSegmentSize=" + maxSegmentSize +
            ", sizeLimit=" + (sizeLimit == UNLIMITED ? "unlimited" : Long.toString(sizeLimit)) + '}';
    }
}
