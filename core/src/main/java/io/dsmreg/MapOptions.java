package io.dsmreg;

/**
 * How to create a {@link SharedMap}. Immutable; every wither returns a new instance:
 * <pre>{@code
 * SharedMap<String, Long> hits =
 *     registry.map("hits", Codec.STRING, Codec.LONG, MapOptions.defaults().sizeLimit(64L << 20));
 * }</pre>
 * The options are recorded when the map is created; asking for it with other options is an
 * {@link EntryMismatchException}.
 */
public final class MapOptions
{
    private static final MapOptions DEFAULTS = new MapOptions(HashParams.DEFAULT_PARTITIONS, AreaOptions.UNLIMITED);

    private final int partitions;
    private final long sizeLimit;

    private MapOptions(final int partitions, final long sizeLimit)
    {
        this.partitions = partitions;
        this.sizeLimit = sizeLimit;
    }

    /**
     * {@value HashParams#DEFAULT_PARTITIONS} partitions, no size limit.
     *
     * @return the default options; the same instance on every call.
     */
    public static MapOptions defaults()
    {
        return DEFAULTS;
    }

    /**
     * See {@link HashParams#partitions(int)}.
     *
     * @param count a power of two from 1 to {@value HashParams#MAX_PARTITIONS}.
     * @return new options with this many partitions.
     * @throws IllegalArgumentException for any other count.
     */
    public MapOptions partitions(final int count)
    {
        return new MapOptions(HashParams.checkPartitions(count), sizeLimit);
    }

    /**
     * The most bytes the map's area may take, tables, keys and values together; past it, an
     * insert throws {@link OutOfSpaceException} and leaves the map as it was.
     *
     * @param bytes at least {@link AreaOptions#MIN_SIZE_LIMIT}; {@link AreaOptions#UNLIMITED} for no limit.
     * @return new options with this size limit.
     * @throws IllegalArgumentException for a limit below {@link AreaOptions#MIN_SIZE_LIMIT}.
     */
    public MapOptions sizeLimit(final long bytes)
    {
        return new MapOptions(partitions, HashParams.checkSizeLimit(bytes));
    }

    /**
     * How many partitions the map has, each with its own lock and table.
     *
     * @return a power of two from 1 to {@value HashParams#MAX_PARTITIONS}.
     */
    public int partitions()
    {
        return partitions;
    }

    /**
     * The most bytes the map's area may take.
     *
     * @return bytes, at least {@link AreaOptions#MIN_SIZE_LIMIT}; {@link AreaOptions#UNLIMITED} for no limit.
     */
    public long sizeLimit()
    {
        return sizeLimit;
    }

    /**
     * Whether {@code other} is a {@code MapOptions} with the same partitions and size limit: how a
     * request's options are compared with those an existing map was created with.
     *
     * @param other the object to compare with; may be null.
     * @return true if they are equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof MapOptions that && partitions == that.partitions && sizeLimit == that.sizeLimit;
    }

    /**
     * A hash code consistent with {@link #equals}.
     *
     * @return the hash code.
     */
    @Override
    public int hashCode()
    {
        return partitions * 31 + Long.hashCode(sizeLimit);
    }

    /**
     * The options in words, for messages and logs: the size limit in bytes, {@code unlimited} for none.
     *
     * @return a description of the options.
     */
    @Override
    public String toString()
    {
        return "MapOptions{partitions=" + partitions + ", sizeLimit=" +
            (sizeLimit == AreaOptions.UNLIMITED ? "unlimited" : Long.toString(sizeLimit)) + '}';
    }
}
