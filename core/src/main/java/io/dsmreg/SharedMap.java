package io.dsmreg;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link ConcurrentMap} in shared memory: every process that asks the registry for the same name
 * sees the same map.
 * <pre>{@code
 * SharedMap<String, Long> hits = registry.map("orders.hits", Codec.STRING, Codec.LONG);
 * hits.merge("GET /", 1L, Long::sum);
 *
 * SharedMap<Long, Long> counters = registry.map("orders.counters", Codec.LONG, Codec.LONG);
 * counters.addAndGet(42, 1);                                   // no boxing, no allocation
 * long n = counters.getLong(42, 0);
 * }</pre>
 * Keys and values are stored encoded by their {@link Codec}s: keys and values of up to 8 bytes
 * (keys up to 32) inside the table, larger or variable-size ones in blocks of the map's own area.
 * Nulls are refused, as by {@link java.util.concurrent.ConcurrentHashMap}. Keys are equal when
 * their encodings are, and {@link #replace(Object, Object, Object)} / {@link #remove(Object, Object)}
 * compare values by their encodings too.
 * <p>
 * {@link #get} takes no lock: it reads optimistically and retries if a writer intervened. Writes
 * lock one of the map's partitions (128 by default) in shared memory; a process that dies holding
 * one is detected by the next that needs it, which takes the partition over and repairs it.
 * {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} and {@code merge} are retry loops,
 * as {@link ConcurrentMap}'s defaults are: read the entry, run the function, write only if the entry is
 * still as read (put if absent, replace or remove if equal), else run again. Atomic, but, unlike
 * ConcurrentHashMap, the function may run more than once under contention, and it never runs while a
 * lock is held (so it may use this map, but not change its own entry every time it runs: its loop would
 * then never end). Iterators are weakly consistent, as ConcurrentHashMap's: they never throw
 * ConcurrentModificationException and reflect each partition as it was when they reached it.
 * <p>
 * One instance per map per process: asking the registry again returns this instance.
 *
 * @param <K> keys.
 * @param <V> values.
 */
public interface SharedMap<K, V> extends ConcurrentMap<K, V>
{
    /** The largest encoded key. */
    int MAX_KEY_SIZE = 64 * 1024;
    /** The largest encoded value. */
    int MAX_VALUE_SIZE = 256 * 1024 * 1024;

    /**
     * The entry's name in the registry.
     *
     * @return the name it is registered under.
     */
    String name();

    /**
     * The codec of the keys, as given to {@link DsmRegistry#map}.
     *
     * @return the key codec.
     */
    Codec<K> keyCodec();

    /**
     * The codec of the values, as given to {@link DsmRegistry#map}.
     *
     * @return the value codec.
     */
    Codec<V> valueCodec();

    /**
     * The options the map was created with.
     *
     * @return the map's options, whoever created it.
     */
    MapOptions options();

    /**
     * The value of {@code key}, or {@code defaultValue}: {@link #get} without boxing. Takes no lock.
     *
     * @param key          the key.
     * @param defaultValue what to return when {@code key} is absent.
     * @return the value of {@code key}, or {@code defaultValue} if it has none.
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     */
    long getLong(long key, long defaultValue);

    /**
     * Whether {@code key} is present: {@link #containsKey} without boxing.
     * <p>
     * A key found absent, or with the value {@link Long#MIN_VALUE}, is looked up again under its
     * partition's lock.
     *
     * @param key the key.
     * @return true if {@code key} has a value.
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     * @throws LockTimeoutException          if another process held the key's partition longer than the
     *                                       registry's timeout.
     */
    boolean containsLong(long key);

    /**
     * Sets the value of {@code key}: {@link #put} without boxing or returning the previous value.
     *
     * @param key   the key.
     * @param value its new value.
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     * @throws OutOfSpaceException           if a new key needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException          if another process held the key's partition longer than the
     *                                       registry's timeout.
     */
    void putLong(long key, long value);

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum, atomically across threads and processes.
     *
     * @param key   the key.
     * @param delta what to add; negative to subtract. The sum wraps around on overflow, as {@code +} does.
     * @return the new value of {@code key}.
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     * @throws OutOfSpaceException           if a new key needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException          if another process held the key's partition longer than the
     *                                       registry's timeout.
     */
    long addAndGet(long key, long delta);

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the sum,
     * atomically across threads and processes, in any map of {@link Codec#LONG} values: what
     * {@code merge(key, delta, Long::sum)} does. The registry's maps do it as one update under the key's
     * partition lock, with no function to retry and no boxed value; this default, for other
     * implementations, is that {@code merge}. With {@link Codec#INTEGER} keys pass an {@code Integer}: an
     * {@code int} argument selects {@link #addAndGet(long, long)}, which needs {@link Codec#LONG} keys.
     *
     * @param key   the key.
     * @param delta what to add; negative to subtract. The sum wraps around on overflow, as {@code +} does.
     * @return the new value of {@code key}.
     * @throws UnsupportedOperationException unless the value codec is {@link Codec#LONG}.
     * @throws NullPointerException          if the key is null.
     * @throws InvalidSizeException          if the encoded key is larger than {@link #MAX_KEY_SIZE}; the map is unchanged.
     * @throws CodecException                if the key codec fails; the map is unchanged.
     * @throws OutOfSpaceException           if a new key needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException          if another process held the key's partition longer than the
     *                                       registry's timeout.
     */
    @SuppressWarnings("unchecked")
    default long addAndGet(final K key, final long delta)
    {
        if (valueCodec() != Codec.LONG)
        {
            throw new UnsupportedOperationException("addAndGet needs a map of Codec.LONG values, but map \"" + name() +
                "\" has value codec \"" + valueCodec().id() + "\"");
        }
        return (Long)merge(key, (V)Long.valueOf(delta), (a, b) -> (V)Long.valueOf((Long)a + (Long)b));
    }

    /**
     * Entries in the map, read without locks: exact when no one is changing it.
     *
     * @return the number of entries.
     */
    long mappingCount();

    /**
     * {@link #mappingCount()}, capped at {@link Integer#MAX_VALUE}; read without locks.
     *
     * @return the number of entries, at most {@link Integer#MAX_VALUE}.
     */
    int size();

    /**
     * Whether {@link #mappingCount()} is 0; read without locks.
     *
     * @return true if the map has no entries.
     */
    boolean isEmpty();

    /**
     * The value of {@code key}. Reads optimistically, without a lock, and retries if a writer intervened;
     * a reader that writers keep interrupting takes the key's partition lock. So does, in a map of
     * {@link Codec#LONG} keys and values, a read that finds no value or {@link Long#MIN_VALUE} (which
     * {@link #getLong} cannot tell apart); {@link #getLong} with another default avoids it.
     *
     * @param key the key; a key of another type than the key codec takes has no value.
     * @return the value, decoded, or null if {@code key} has none.
     * @throws NullPointerException if the key is null.
     * @throws CodecException       if a codec fails.
     * @throws LockTimeoutException if it needed the lock and another process held it longer than the
     *                              registry's timeout.
     */
    V get(Object key);

    /**
     * Whether {@code key} has a value. Reads as {@link #get} does.
     *
     * @param key the key; a key of another type than the key codec takes has no value.
     * @return true if {@code key} has a value.
     * @throws NullPointerException if the key is null.
     * @throws CodecException       if the key codec fails.
     * @throws LockTimeoutException as {@link #get}.
     */
    boolean containsKey(Object key);

    /**
     * Sets the value of {@code key}.
     *
     * @param key   the key.
     * @param value its new value.
     * @return the previous value, or null if {@code key} had none.
     * @throws NullPointerException if the key or a value is null.
     * @throws InvalidSizeException if an encoded key or value is larger than {@link #MAX_KEY_SIZE} or
     *                              {@link #MAX_VALUE_SIZE}; the map is unchanged.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws OutOfSpaceException  if the key or value needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    V put(K key, V value);

    /**
     * Sets the value of {@code key} if it has none, atomically.
     *
     * @param key   the key.
     * @param value the value to set.
     * @return the value {@code key} has, left unchanged, or null if it had none and now has {@code value}.
     * @throws NullPointerException if the key or a value is null.
     * @throws InvalidSizeException if an encoded key or value is larger than {@link #MAX_KEY_SIZE} or
     *                              {@link #MAX_VALUE_SIZE}; the map is unchanged.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws OutOfSpaceException  if the key or value needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    V putIfAbsent(K key, V value);

    /**
     * Sets the value of {@code key} only if it has one, atomically.
     *
     * @param key   the key.
     * @param value its new value.
     * @return the previous value, or null if {@code key} had none (the map is then unchanged).
     * @throws NullPointerException if the key or a value is null.
     * @throws InvalidSizeException if an encoded key or value is larger than {@link #MAX_KEY_SIZE} or
     *                              {@link #MAX_VALUE_SIZE}; the map is unchanged.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws OutOfSpaceException  if the key or value needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    V replace(K key, V value);

    /**
     * Sets the value of {@code key} to {@code newValue} only if it is {@code oldValue}, atomically. The
     * values are compared by their encodings.
     *
     * @param key      the key.
     * @param oldValue the value {@code key} must have.
     * @param newValue its new value.
     * @return true if the value was replaced.
     * @throws NullPointerException if the key or a value is null.
     * @throws InvalidSizeException if an encoded key or value is larger than {@link #MAX_KEY_SIZE} or
     *                              {@link #MAX_VALUE_SIZE}; the map is unchanged.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws OutOfSpaceException  if the key or value needs room past the size limit; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    boolean replace(K key, V oldValue, V newValue);

    /**
     * Removes {@code key} and its value. Blocks that held the key or the value go back to the map's area.
     *
     * @param key the key; a key of another type than the key codec takes has no value to remove.
     * @return the value {@code key} had, or null if it had none.
     * @throws NullPointerException if the key is null.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    V remove(Object key);

    /**
     * Removes {@code key} only if its value is {@code value}, atomically. The values are compared by
     * their encodings; a null value, or a key or value of another type than its codec takes, removes
     * nothing.
     *
     * @param key   the key.
     * @param value the value {@code key} must have.
     * @return true if the entry was removed.
     * @throws NullPointerException if the key is null.
     * @throws CodecException       if a codec fails; the map is unchanged.
     * @throws LockTimeoutException if another process held the key's partition longer than the registry's timeout.
     */
    boolean remove(Object key, Object value);

    /**
     * Removes every entry, one partition at a time; entries added meanwhile to partitions already cleared stay.
     *
     * @throws LockTimeoutException if another process held a partition longer than the registry's timeout.
     */
    void clear();

    /**
     * The map's entries, as a set backed by the map. Its iterators are weakly consistent, as the class
     * comment says; their {@code remove} and the entries' {@code setValue} change the shared map. It
     * supports no {@code add}.
     *
     * @return a view of the map's entries.
     */
    Set<Map.Entry<K, V>> entrySet();

    /**
     * Bytes of all of the map's files (its area and its header file); read without locks.
     *
     * @return the files' total length in bytes.
     */
    long reservedBytes();

    /**
     * Bytes of the map's area in use by tables, keys and values; read without locks.
     *
     * @return bytes in use, by every process.
     */
    long bytesInUse();

    /**
     * Checks every partition (locking each in turn) and the area under it: for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    void verify();

    /**
     * Whether the map has been removed from the registry since this handle was returned; it can no longer grow.
     *
     * @return true once any process has removed the entry, even if the name has been created again since.
     */
    boolean isRemoved();
}
