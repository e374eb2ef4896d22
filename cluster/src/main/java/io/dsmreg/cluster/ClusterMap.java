package io.dsmreg.cluster;

import io.dsmreg.Codec;

import java.util.concurrent.ConcurrentMap;

/**
 * A {@link ConcurrentMap} whose entries live in a Hazelcast {@code IMap}, stored as the bytes of the
 * same {@link Codec}s that a host-local {@link io.dsmreg.SharedMap} uses: {@link ClusterRegistry#map}.
 * <p>
 * Keys and values are compared by their encodings, as in SharedMap. {@link #get}, {@link #put},
 * {@link #putIfAbsent}, {@link #replace(Object, Object, Object)} and {@link #remove(Object, Object)} are
 * the {@code IMap}'s own atomic operations on the key's partition; {@code compute}, {@code merge} and
 * their kin are ConcurrentMap's retry loops over them, so they are atomic and the function may run more
 * than once under contention. {@link #addAndGet} runs on the member that owns the key, as one entry
 * processor. Iteration walks a snapshot of the map.
 *
 * @param <K> keys.
 * @param <V> values.
 */
public interface ClusterMap<K, V> extends ConcurrentMap<K, V>
{
    /**
     * The entry's name in its registry.
     *
     * @return the name it was asked for by.
     */
    String name();

    /**
     * The name of the Hazelcast {@code IMap} that holds it, for Hazelcast's own tools.
     *
     * @return {@code dsmreg.<registry>.<name>}, as {@link ClusterRegistry#structureName}.
     */
    String structureName();

    /**
     * The codec of the keys.
     *
     * @return the key codec it was bound with.
     */
    Codec<K> keyCodec();

    /**
     * The codec of the values.
     *
     * @return the value codec it was bound with.
     */
    Codec<V> valueCodec();

    /**
     * Adds {@code delta} to the value of {@code key} (absent counts as 0) on the member that owns the
     * key, in one entry processor: no read-then-replace over the network, and the backup gets the same
     * change. Each member needs dsmreg-cluster.jar and dsmreg-core on its class path to run it.
     *
     * @param key   the key.
     * @param delta what to add; may be negative. Overflow wraps, as {@code long} addition does.
     * @return the new value.
     * @throws UnsupportedOperationException unless the value codec is {@link Codec#LONG}.
     */
    long addAndGet(K key, long delta);
}
