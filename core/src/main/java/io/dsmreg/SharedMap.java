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
 * {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} and {@code merge} are
 * {@link ConcurrentMap}'s retry loops over {@link #putIfAbsent}, {@link #replace(Object, Object, Object)}
 * and {@link #remove(Object, Object)}: atomic, but, unlike ConcurrentHashMap, the function may run
 * more than once under contention, and it never runs while a lock is held. Iterators are weakly
 * consistent, as ConcurrentHashMap's: they never throw ConcurrentModificationException and reflect
 * each partition as it was when they reached it.
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

    /** The entry's name in the registry. */
    String name();

    Codec<K> keyCodec();

    Codec<V> valueCodec();

    MapOptions options();

    /**
     * The value of {@code key}, or {@code defaultValue}: {@link #get} without boxing. Takes no lock.
     *
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     */
    long getLong(long key, long defaultValue);

    /** Whether {@code key} is present: {@link #containsKey} without boxing. */
    boolean containsLong(long key);

    /**
     * Sets the value of {@code key}: {@link #put} without boxing or returning the previous value.
     *
     * @throws OutOfSpaceException if a new key needs room past the size limit; the map is unchanged.
     */
    void putLong(long key, long value);

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum, atomically across threads and processes.
     */
    long addAndGet(long key, long delta);

    /** Entries in the map, read without locks: exact when no one is changing it. */
    long mappingCount();

    int size();

    boolean isEmpty();

    V get(Object key);

    boolean containsKey(Object key);

    V put(K key, V value);

    V putIfAbsent(K key, V value);

    V replace(K key, V value);

    boolean replace(K key, V oldValue, V newValue);

    V remove(Object key);

    boolean remove(Object key, Object value);

    /** Removes every entry, one partition at a time; entries added meanwhile to partitions already cleared stay. */
    void clear();

    Set<Map.Entry<K, V>> entrySet();

    /** Bytes of all of the map's files (its area and its header file); read without locks. */
    long reservedBytes();

    /** Bytes of the map's area in use by tables, keys and values; read without locks. */
    long bytesInUse();

    /**
     * Checks every partition (locking each in turn) and the area under it: for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    void verify();

    /** Whether the map has been removed from the registry since this handle was returned; it can no longer grow. */
    boolean isRemoved();
}
