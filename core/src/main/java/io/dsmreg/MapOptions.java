package io.dsmreg;

/**
 * How to create a {@link SharedMap}. Immutable; every wither returns a new instance:
 * <pre>{@code
 * SharedMap<String, Long> hits = registry.map("hits", Codec.STRING, Codec.LONG, MapOptions.defaults().sizeLimit(64L << 20));
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

    /** {@value HashParams#DEFAULT_PARTITIONS} partitions, no size limit. */
    public static MapOptions defaults()
    {
        return DEFAULTS;
    }

    /** See {@link HashParams#partitions(int)}. */
    public MapOptions partitions(final int count)
    {
        return new MapOptions(HashParams.checkPartitions(count), sizeLimit);
    }

    /**
     * The most bytes the map's area may take, tables, keys and values together; past it, an
     * insert throws {@link OutOfSpaceException} and leaves the map as it was.
     */
    public MapOptions sizeLimit(final long bytes)
    {
        return new MapOptions(partitions, HashParams.checkSizeLimit(bytes));
    }

    public int partitions()
    {
        return partitions;
    }

    public long sizeLimit()
    {
        return sizeLimit;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof MapOptions that && partitions == that.partitions && sizeLimit == that.sizeLimit;
    }

    @Override
    public int hashCode()
    {
        return partitions * 31 + Long.hashCode(sizeLimit);
    }

    @Override
    public String toString()
    {
        return "MapOptions{partitions=" + partitions + ", sizeLimit=" +
            (sizeLimit == AreaOptions.UNLIMITED ? "unlimited" : Long.toString(sizeLimit)) + '}';
    }
}
