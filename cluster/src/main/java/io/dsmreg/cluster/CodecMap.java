package io.dsmreg.cluster;

import io.dsmreg.Codec;
import io.dsmreg.CodecException;
import io.dsmreg.SharedMap;
import com.hazelcast.map.IMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;

/**
 * A {@link ClusterMap} over an {@code IMap<byte[], byte[]>} holding the codecs' bytes. Hazelcast
 * identifies keys by their serialized form and, in its default BINARY in-memory format, compares
 * values by theirs: a {@code byte[]} serializes to its own bytes, so keys are equal when their
 * encodings are and {@code replace}/{@code remove(key, value)} compare encodings, as SharedMap does.
 * Every byte array that comes back from the cluster is decoded as untrusted input: a wrong size is
 * a {@link CodecException} naming the map.
 */
final class CodecMap<K, V> extends AbstractMap<K, V> implements ClusterMap<K, V>
{
    private final String name;
    private final IMap<byte[], byte[]> map;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final boolean longValues;
    private final Set<Map.Entry<K, V>> entrySet = new EntrySet();
    private final Set<K> keySet = new KeySet();
    private final Collection<V> values = new Values();

    CodecMap(final String name, final IMap<byte[], byte[]> map, final Codec<K> keyCodec, final Codec<V> valueCodec)
    {
        this.name = name;
        this.map = map;
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.longValues = valueCodec.id().equals(Codec.LONG.id()) && valueCodec.fixedSize() == Long.BYTES;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String structureName()
    {
        return map.getName();
    }

    @Override
    public Codec<K> keyCodec()
    {
        return keyCodec;
    }

    @Override
    public Codec<V> valueCodec()
    {
        return valueCodec;
    }

    @Override
    public long addAndGet(final K key, final long delta)
    {
        if (!longValues)
        {
            throw new UnsupportedOperationException("addAndGet needs the value codec " + Codec.LONG.id() + ", but the cluster " +
                "map " + map.getName() + " has " + valueCodec.id() + "; use merge(key, delta, Long::sum) for other codecs");
        }
        return map.executeOnKey(encodeKey(key), new AddToLong(map.getName(), delta));
    }

    @Override
    public V get(final Object key)
    {
        final byte[] encoded = encodeKeyOrNull(key);
        return encoded == null ? null : decodeValue(map.get(encoded));
    }

    @Override
    public boolean containsKey(final Object key)
    {
        final byte[] encoded = encodeKeyOrNull(key);
        return encoded != null && map.containsKey(encoded);
    }

    @Override
    public V put(final K key, final V value)
    {
        return decodeValue(map.put(encodeKey(key), encodeValue(value)));
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        return decodeValue(map.putIfAbsent(encodeKey(key), encodeValue(value)));
    }

    @Override
    public V replace(final K key, final V value)
    {
        return decodeValue(map.replace(encodeKey(key), encodeValue(value)));
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        return map.replace(encodeKey(key), encodeValue(oldValue), encodeValue(newValue));
    }

    @Override
    public V remove(final Object key)
    {
        final byte[] encoded = encodeKeyOrNull(key);
        return encoded == null ? null : decodeValue(map.remove(encoded));
    }

    @Override
    public boolean remove(final Object key, final Object value)
    {
        final byte[] encodedKey = encodeKeyOrNull(key);
        final byte[] encodedValue = encodedKey == null || value == null ? null : encodeValueOrNull(value);
        return encodedValue != null && map.remove(encodedKey, encodedValue);
    }

    @Override
    public int size()
    {
        return map.size();
    }

    @Override
    public boolean isEmpty()
    {
        return map.isEmpty();
    }

    @Override
    public void clear()
    {
        map.clear();
    }

    /**
     * The views iterate over a snapshot of the entries taken when iteration starts; removing through an iterator or
     * setting an entry's value writes to the cluster. Their spliterators are of unknown size: the map's size is read
     * apart from the snapshot, and other members change it meanwhile. The view classes mirror SharedMap's: this
     * module sees core's API only, and the engine that holds those is not part of it.
     */
    @Override
    public Set<Map.Entry<K, V>> entrySet()
    {
        return entrySet;
    }

    @Override
    public Set<K> keySet()
    {
        return keySet;
    }

    @Override
    public Collection<V> values()
    {
        return values;
    }

    private static <T> Spliterator<T> ofUnknownSize(final Iterator<T> iterator, final int characteristics)
    {
        return Spliterators.spliteratorUnknownSize(iterator, Spliterator.NONNULL | characteristics);
    }

    /** The set views: the map's size and clear, a spliterator of unknown size. */
    private abstract class SetView<T> extends AbstractSet<T>
    {
        @Override
        public Spliterator<T> spliterator()
        {
            return ofUnknownSize(iterator(), Spliterator.DISTINCT);
        }

        @Override
        public int size()
        {
            return CodecMap.this.size();
        }

        @Override
        public void clear()
        {
            CodecMap.this.clear();
        }
    }

    private final class EntrySet extends SetView<Map.Entry<K, V>>
    {
        @Override
        public Iterator<Map.Entry<K, V>> iterator()
        {
            return new SnapshotIterator<>(Function.identity());
        }
    }

    private final class KeySet extends SetView<K>
    {
        @Override
        public Iterator<K> iterator()
        {
            return new SnapshotIterator<>(Map.Entry::getKey);
        }

        @Override
        public boolean contains(final Object o)
        {
            return containsKey(o);
        }

        @Override
        public boolean remove(final Object o)
        {
            return CodecMap.this.remove(o) != null;
        }
    }

    private final class Values extends AbstractCollection<V>
    {
        @Override
        public int size()
        {
            return CodecMap.this.size();
        }

        @Override
        public Iterator<V> iterator()
        {
            return new SnapshotIterator<>(Map.Entry::getValue);
        }

        @Override
        public Spliterator<V> spliterator()
        {
            return ofUnknownSize(iterator(), 0);
        }

        @Override
        public void clear()
        {
            CodecMap.this.clear();
        }
    }

    /** One part of each entry of a snapshot taken now; remove() removes the entry's key from the cluster. */
    private final class SnapshotIterator<T> implements Iterator<T>
    {
        private final Iterator<Map.Entry<K, V>> entries;
        private final Function<Map.Entry<K, V>, T> part;
        private Map.Entry<K, V> last;

        SnapshotIterator(final Function<Map.Entry<K, V>, T> part)
        {
            final Set<Map.Entry<byte[], byte[]>> snapshot = map.entrySet();
            final List<Map.Entry<K, V>> decoded = new ArrayList<>(snapshot.size());
            for (final Map.Entry<byte[], byte[]> entry : snapshot)
            {
                decoded.add(new ClusterEntry(decodeKey(entry.getKey()), decodeValue(entry.getValue())));
            }
            this.entries = decoded.iterator();
            this.part = part;
        }

        @Override
        public boolean hasNext()
        {
            return entries.hasNext();
        }

        @Override
        public T next()
        {
            last = entries.next();
            return part.apply(last);
        }

        @Override
        public void remove()
        {
            if (last == null)
            {
                throw new IllegalStateException("next() has not been called, or remove() was called already");
            }
            CodecMap.this.remove(last.getKey());
            last = null;
        }
    }

    /** An entry of a snapshot; {@link #setValue} writes through to the cluster. */
    private final class ClusterEntry extends AbstractMap.SimpleEntry<K, V>
    {
        private static final long serialVersionUID = 1L;

        ClusterEntry(final K key, final V value)
        {
            super(key, value);
        }

        @Override
        public V setValue(final V value)
        {
            CodecMap.this.put(getKey(), value);
            return super.setValue(value);
        }
    }

    private byte[] encodeKey(final K key)
    {
        return encode(keyCodec, Objects.requireNonNull(key, "a cluster map has no null keys"), "key", SharedMap.MAX_KEY_SIZE);
    }

    private byte[] encodeValue(final V value)
    {
        return encode(valueCodec, Objects.requireNonNull(value, "a cluster map has no null values"), "value",
            SharedMap.MAX_VALUE_SIZE);
    }

    /** The encoding of {@code key}, or null if it is not of the key codec's type (a lookup that finds nothing, as in a HashMap). */
    @SuppressWarnings("unchecked")
    private byte[] encodeKeyOrNull(final Object key)
    {
        try
        {
            return encodeKey((K)key);
        }
        catch (final ClassCastException ex)
        {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private byte[] encodeValueOrNull(final Object value)
    {
        try
        {
            return encodeValue((V)value);
        }
        catch (final ClassCastException ex)
        {
            return null;
        }
    }

    private <T> byte[] encode(final Codec<T> codec, final T value, final String role, final int limit)
    {
        final int size;
        try
        {
            size = codec.fixedSize() == Codec.VARIABLE_SIZE ? codec.size(value) : codec.fixedSize();
        }
        catch (final ClassCastException ex)
        {
            // Not a K or a V: the caller's answer (absent), not a codec failure.
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CodecException("the " + role + " codec " + codec.id() + " of the cluster map " + map.getName() +
                " failed to size the " + role + ": " + ex.getMessage() + "; the map is unchanged", ex);
        }
        if (size < 0 || size > limit)
        {
            throw new CodecException("the " + role + " codec " + codec.id() + " of the cluster map " + map.getName() +
                " gives a size of " + size + " bytes; the limit is " + limit, null);
        }
        final byte[] bytes = new byte[size];
        try
        {
            codec.encode(value, new UnsafeBuffer(bytes), 0);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new CodecException("the " + role + " codec " + codec.id() + " of the cluster map " + map.getName() +
                " wrote past the " + size + " bytes it said it needs", ex);
        }
        catch (final ClassCastException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CodecException("the " + role + " codec " + codec.id() + " of the cluster map " + map.getName() +
                " failed to encode the " + role + ": " + ex.getMessage() + "; the map is unchanged", ex);
        }
        return bytes;
    }

    private K decodeKey(final byte[] bytes)
    {
        return decode(keyCodec, bytes, "key");
    }

    private V decodeValue(final byte[] bytes)
    {
        return bytes == null ? null : decode(valueCodec, bytes, "value");
    }

    private <T> T decode(final Codec<T> codec, final byte[] bytes, final String role)
    {
        if (codec.fixedSize() != Codec.VARIABLE_SIZE && bytes.length != codec.fixedSize())
        {
            throw new CodecException("a " + role + " of the cluster map " + map.getName() + " has " + bytes.length +
                " bytes, but its codec " + codec.id() + " writes " + codec.fixedSize() + "; every user of the map must " +
                "bind it with the same codecs", null);
        }
        try
        {
            return codec.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        }
        catch (final RuntimeException ex)
        {
            throw new CodecException("cannot decode a " + role + " of the cluster map " + map.getName() + " with its codec " +
                codec.id() + ": " + ex, ex);
        }
    }
}
