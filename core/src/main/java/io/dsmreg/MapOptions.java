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
    /** Keys of a variable-size codec kept in the slot by default: up to this many bytes. */
    public static final int DEFAULT_INLINE_KEY_LENGTH = 28;
    /** The most {@link #inlineKeyLength(int)} allows. */
    public static final int MAX_INLINE_KEY_LENGTH = 252;

    private static final MapOptions DEFAULTS =
        new MapOptions(HashParams.DEFAULT_PARTITIONS, AreaOptions.UNLIMITED, DEFAULT_INLINE_KEY_LENGTH, 0);

    private final int partitions;
    private final long sizeLimit;
    private final int inlineKeyLength;
    private final long expectedEntries;

    private MapOptions(final int partitions, final long sizeLimit, final int inlineKeyLength, final long expectedEntries)
    {
        this.partitions = partitions;
        this.sizeLimit = sizeLimit;
        this.inlineKeyLength = inlineKeyLength;
        this.expectedEntries = expectedEntries;
    }

    /**
     * {@value HashParams#DEFAULT_PARTITIONS} partitions, no size limit, keys of up to
     * {@value #DEFAULT_INLINE_KEY_LENGTH} bytes in the slot, not sized up front.
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
        return new MapOptions(HashParams.checkPartitions(count), sizeLimit, inlineKeyLength, expectedEntries);
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
        return new MapOptions(partitions, HashParams.checkSizeLimit(bytes), inlineKeyLength, expectedEntries);
    }

    /**
     * For keys of a variable-size codec ({@link Codec#STRING}, {@link Codec#BYTES}, your own): a key
     * encoded in up to this many bytes is kept in the table's slot, read with the slot; a longer key
     * is kept in a block of its own, one more memory access per lookup. Every slot has room for this
     * many bytes (rounded up so the slot stays 8-aligned: 28 and 27 both give 28), so a larger value
     * costs memory on every entry; choose it to cover most of your keys. Keys of a fixed-size codec
     * are in the slot up to 32 bytes, whatever this says.
     *
     * @param bytes 0 (every key in a block: the smallest slot, for long keys) to {@value #MAX_INLINE_KEY_LENGTH};
     *              {@value #DEFAULT_INLINE_KEY_LENGTH} by default.
     * @return new options with this inline key length.
     * @throws IllegalArgumentException for any other length.
     */
    public MapOptions inlineKeyLength(final int bytes)
    {
        if (bytes < 0 || bytes > MAX_INLINE_KEY_LENGTH)
        {
            throw new IllegalArgumentException("inline key length " + bytes + " is out of range: a map keeps keys of 0 to " +
                MAX_INLINE_KEY_LENGTH + " bytes in its slots (0: every key in a block)");
        }
        return new MapOptions(partitions, sizeLimit, bytes, expectedEntries);
    }

    /**
     * Sizes the map up front for this many entries, as Chronicle Map's {@code entries} or
     * {@code ConcurrentHashMap}'s initial capacity: its creator gives every partition a table with
     * room for its share of them (plus three standard deviations of a random share, at the load
     * past which a table grows), all in one file of about their size. The map then holds that many
     * entries without ever growing a table (each growth copies a partition and leaves its old table
     * behind in the file), and no table shrinks below that size. It is not a limit: past it, tables
     * grow as in any map. The tables are reserved at creation, so asking for far more than you store
     * costs their memory; without it (0) tables start small and grow by half whenever one is 80% full,
     * which leaves them 53 to 80% full.
     *
     * @param count the entries you expect, 0 (the default) to size nothing up front.
     * @return new options sized for this many entries.
     * @throws IllegalArgumentException for a negative count.
     */
    public MapOptions expectedEntries(final long count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("expected entries " + count + " is negative; give the entries you expect the " +
                "map to hold, or 0 to size nothing up front");
        }
        return new MapOptions(partitions, sizeLimit, inlineKeyLength, count);
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
     * How long a key of a variable-size codec may be to be kept in the slot.
     *
     * @return bytes, 0 to {@value #MAX_INLINE_KEY_LENGTH}.
     */
    public int inlineKeyLength()
    {
        return inlineKeyLength;
    }

    /**
     * The entries the map is sized for up front.
     *
     * @return entries, 0 for none.
     */
    public long expectedEntries()
    {
        return expectedEntries;
    }

    /**
     * Whether {@code other} is a {@code MapOptions} with the same partitions, size limit, inline key length and expected
     * entries: how a
     * request's options are compared with those an existing map was created with.
     *
     * @param other the object to compare with; may be null.
     * @return true if they are equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof MapOptions that && partitions == that.partitions && sizeLimit == that.sizeLimit &&
            inlineKeyLength == that.inlineKeyLength && expectedEntries == that.expectedEntries;
    }

    /**
     * A hash code consistent with {@link #equals}.
     *
     * @return the hash code.
     */
    @Override
    public int hashCode()
    {
        return ((partitions * 31 + Long.hashCode(sizeLimit)) * 31 + inlineKeyLength) * 31 + Long.hashCode(expectedEntries);
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
            (sizeLimit == AreaOptions.UNLIMITED ? "unlimited" : Long.toString(sizeLimit)) + ", inlineKeyLength=" +
            inlineKeyLength + ", expectedEntries=" + expectedEntries + '}';
    }
}
