package io.dsmreg;


/**
 * What a {@link SharedHash} holds: fixed-size entries whose first {@code keySize} bytes are the key,
 * as PostgreSQL's {@code dshash_parameters}. Immutable; every wither returns a new instance:
 * <pre>{@code
 * SharedHash index = registry.hash("orders.index", HashParams.of(8, 24).partitions(64));
 * SharedHash users = registry.hash("users", HashParams.of(32, 48).stringKeys());
 * }</pre>
 * Unlike PostgreSQL, the parameters are recorded: asking for an existing hash with other
 * parameters is an {@link EntryMismatchException}.
 */
public final class HashParams
{
    /** The largest entry. */
    public static final int MAX_ENTRY_SIZE = 16 * 1024;
    /** Partitions unless asked otherwise, as dshash. */
    public static final int DEFAULT_PARTITIONS = 128;
    /** The most partitions. */
    public static final int MAX_PARTITIONS = 1 << 16;

    private final int keySize;
    private final int entrySize;
    private final boolean stringKeys;
    private final int partitions;
    private final long sizeLimit;

    private HashParams(final int keySize, final int entrySize, final boolean stringKeys, final int partitions, final long sizeLimit)
    {
        this.keySize = keySize;
        this.entrySize = entrySize;
        this.stringKeys = stringKeys;
        this.partitions = partitions;
        this.sizeLimit = sizeLimit;
    }

    /**
     * Entries of {@code entrySize} bytes whose first {@code keySize} bytes are the key, hashed and
     * compared byte by byte.
     *
     * @param keySize   bytes of the key at the start of every entry.
     * @param entrySize bytes of every entry, its key included.
     * @return parameters of {@value #DEFAULT_PARTITIONS} partitions and no size limit, with keys that are bytes.
     * @throws InvalidSizeException unless {@code 1 <= keySize <= entrySize <= MAX_ENTRY_SIZE}.
     */
    public static HashParams of(final int keySize, final int entrySize)
    {
        if (keySize < 1 || entrySize < keySize || entrySize > MAX_ENTRY_SIZE)
        {
            throw new InvalidSizeException("hash parameters with keys of " + keySize + " bytes and entries of " + entrySize +
                " bytes are not possible: a key has at least 1 byte, an entry holds its key and has at most " +
                MAX_ENTRY_SIZE + " bytes");
        }
        return new HashParams(keySize, entrySize, false, DEFAULT_PARTITIONS, AreaOptions.UNLIMITED);
    }

    /**
     * Keys are strings: UTF-8, NUL-padded to the key size, compared up to the first NUL (dshash's
     * {@code dshash_strcmp}). Such a hash takes {@link SharedHash#find(String, boolean)} keys.
     *
     * @return new parameters with string keys.
     */
    public HashParams stringKeys()
    {
        return new HashParams(keySize, entrySize, true, partitions, sizeLimit);
    }

    /**
     * How many partitions, each with its own lock and table: a power of two from 1 to {@value #MAX_PARTITIONS}.
     *
     * @param count the number of partitions.
     * @return new parameters with this many partitions.
     * @throws IllegalArgumentException for a count that is not such a power of two.
     */
    public HashParams partitions(final int count)
    {
        return new HashParams(keySize, entrySize, stringKeys, checkPartitions(count), sizeLimit);
    }

    /**
     * The most bytes the table's area may take ({@link AreaOptions#sizeLimit}); past it an insert
     * that needs room throws {@link OutOfSpaceException}.
     *
     * @param bytes at least {@link AreaOptions#MIN_SIZE_LIMIT}; {@link AreaOptions#UNLIMITED} for no limit.
     * @return new parameters with this size limit.
     * @throws IllegalArgumentException for a limit below {@link AreaOptions#MIN_SIZE_LIMIT}.
     */
    public HashParams sizeLimit(final long bytes)
    {
        return new HashParams(keySize, entrySize, stringKeys, partitions, checkSizeLimit(bytes));
    }

    static int checkPartitions(final int count)
    {
        if (count < 1 || count > MAX_PARTITIONS || Integer.bitCount(count) != 1)
        {
            throw new IllegalArgumentException("partitions must be a power of two from 1 to " + MAX_PARTITIONS + ", was " + count);
        }
        return count;
    }

    static long checkSizeLimit(final long bytes)
    {
        if (bytes < AreaOptions.MIN_SIZE_LIMIT)
        {
            throw new IllegalArgumentException("sizeLimit must be at least " + AreaOptions.MIN_SIZE_LIMIT + " bytes, was " + bytes);
        }
        return bytes;
    }

    /**
     * The key's size: the first bytes of every entry.
     *
     * @return bytes, from 1 to {@link #entrySize()}.
     */
    public int keySize()
    {
        return keySize;
    }

    /**
     * The size of every entry, its key included.
     *
     * @return bytes, from {@link #keySize()} to {@value #MAX_ENTRY_SIZE}.
     */
    public int entrySize()
    {
        return entrySize;
    }

    /**
     * Whether keys are strings ({@link #stringKeys()}) rather than bytes.
     *
     * @return true for string keys.
     */
    public boolean hasStringKeys()
    {
        return stringKeys;
    }

    /**
     * How many partitions the hash has, each with its own lock and table.
     *
     * @return a power of two from 1 to {@value #MAX_PARTITIONS}.
     */
    public int partitions()
    {
        return partitions;
    }

    /**
     * The most bytes the table's area may take.
     *
     * @return bytes, at least {@link AreaOptions#MIN_SIZE_LIMIT}; {@link AreaOptions#UNLIMITED} for no limit.
     */
    public long sizeLimit()
    {
        return sizeLimit;
    }

    /**
     * Whether {@code other} is a {@code HashParams} with the same key and entry sizes, key kind,
     * partitions and size limit: how a request's parameters are compared with those an existing hash
     * was created with.
     *
     * @param other the object to compare with; may be null.
     * @return true if they are equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof HashParams that && keySize == that.keySize && entrySize == that.entrySize &&
            stringKeys == that.stringKeys && partitions == that.partitions && sizeLimit == that.sizeLimit;
    }

    /**
     * A hash code consistent with {@link #equals}.
     *
     * @return the hash code.
     */
    @Override
    public int hashCode()
    {
        return ((keySize * 31 + entrySize) * 31 + (stringKeys ? 1 : 0)) * 31 + partitions + Long.hashCode(sizeLimit) * 17;
    }

    /**
     * The parameters in words, for messages and logs.
     *
     * @return a description of the parameters.
     */
    @Override
    public String toString()
    {
        final String limit = sizeLimit == AreaOptions.UNLIMITED ? "no size limit" : "size limit " + sizeLimit + " bytes";
        return "HashParams{" + (stringKeys ? "string keys of " : "keys of ") + keySize + " bytes, entries of " + entrySize +
            " bytes, " + partitions + " partitions, " + limit + '}';
    }
}
