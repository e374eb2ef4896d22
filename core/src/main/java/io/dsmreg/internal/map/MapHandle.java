package io.dsmreg.internal.map;

import io.dsmreg.Codec;
import io.dsmreg.CodecException;
import io.dsmreg.CorruptFileException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.MapOptions;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.SharedMap;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.hash.HashShape;
import io.dsmreg.internal.hash.HashTable;
import io.dsmreg.internal.hash.Hashing;
import io.dsmreg.internal.hash.StrictUtf8;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.registry.EntryGeneration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

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
 * (keys up to 32) inside the table, larger or variable-size ones in blocks of the map's own area
 * ({@link HashDescriptor}). This class is the map's semantics and its codecs; the table
 * ({@link HashTable}) stores, finds and decodes the encodings and runs every write.
 * Nulls are refused, as by {@link java.util.concurrent.ConcurrentHashMap}. Keys are equal when
 * their encodings are, and {@link #replace(Object, Object, Object)} / {@link #remove(Object, Object)}
 * compare values by their encodings too.
 * <p>
 * {@link #get} takes no lock: it reads optimistically and retries if a writer intervened. Writes
 * lock one of the map's partitions (128 by default) in shared memory; a process that dies holding
 * one is detected by the next that needs it, which takes the partition over and repairs it.
 * {@code computeIfAbsent} is {@link ConcurrentMap}'s retry loop over {@link #putIfAbsent}; {@code compute},
 * {@code computeIfPresent} and {@code merge} are the same loop in {@code remap}, which encodes the key once
 * and writes only if the entry still holds the very bytes it read. Atomic, but, unlike ConcurrentHashMap,
 * the function may run more than once under contention, and it never runs while a lock is held (so it
 * may use this map, but not change its own entry every time it runs: its loop would then never end).
 * Iterators are weakly consistent, as ConcurrentHashMap's: they never throw
 * ConcurrentModificationException and reflect each partition as it was when they reached it.
 * <p>
 * One instance per map per process: asking the registry again returns this instance.
 *
 * @param <K> keys.
 * @param <V> values.
 */
public final class MapHandle<K, V> extends AbstractMap<K, V> implements SharedMap<K, V>, ConcurrentMap<K, V>
{
    /** The largest encoded key. */
    public static final int MAX_KEY_SIZE = 64 * 1024;
    /** The largest encoded value. */
    public static final int MAX_VALUE_SIZE = 256 * 1024 * 1024;

    private static final int CODEC_ID_LIMIT = HashDescriptor.CODEC_ID_LENGTH - Integer.BYTES;

    /** An optimistic read that could not decide: told apart from any value (and from null, absent) by identity. */
    private static final Object UNDECIDED = new Object();

    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int REPLACE = 2;
    private static final int REPLACE_IF_EQUAL = 3;
    private static final int REMOVE = 4;
    private static final int REMOVE_IF_EQUAL = 5;

    private static final int COMPUTE = 0;
    private static final int COMPUTE_IF_PRESENT = 1;
    private static final int MERGE = 2;

    private final String name;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final MapOptions options;
    private final HashTable table;
    private final EntryGeneration generation;
    private final boolean longs;
    /** Keys of {@link Codec#STRING}, whose encoding of an ASCII string this class writes itself ({@link Bytes#copyAscii}). */
    private final boolean stringKeys;
    /**
     * Maps of short keys: get's first attempt is by address, {@link HashTable#tryGetShort} for Codec.LONG values
     * ({@link #shortKeyLongs}), {@link HashTable#tryGetShortValue} for any other.
     */
    private final boolean shortKeys;
    private final boolean shortKeyLongs;
    /** Values of {@link Codec#LONG}: 8 bytes inline in the slot, read and replaced as one long. */
    private final boolean longValues;
    /** The table's views for getLong (maps of longs only), held here: one dereference less on the hottest path. */
    private final HashTable.View[] views;
    private final ThreadLocal<Scratch> scratches = ThreadLocal.withInitial(Scratch::new);
    /**
     * The buffers of {@link #remap}, apart from {@link #scratches}: its key stays encoded while the caller's function
     * runs, and that function may use this map.
     */
    private final ThreadLocal<Scratch> remapScratches = ThreadLocal.withInitial(Scratch::new);
    /** {@link #lookup} as a function made once, for lock-free reads that allocate nothing for it. */
    private final BiFunction<HashTable.View, Scratch, Boolean> lookup = this::lookup;
    /** {@link #presence} as a function made once, for containsKey. */
    private final BiFunction<HashTable.View, Scratch, Boolean> presence = this::presence;
    private final Set<Map.Entry<K, V>> entrySet = new EntrySet();
    private final Set<K> keySet = new KeySet();
    private final Collection<V> values = new Values();

    public MapHandle(
        final String name, final Codec<K> keyCodec, final Codec<V> valueCodec, final MapOptions options,
        final HashTable table, final EntryGeneration generation)
    {
        this.name = name;
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.options = options;
        this.table = table;
        this.generation = generation;
        this.longs = keyCodec == Codec.LONG && valueCodec == Codec.LONG;
        this.stringKeys = keyCodec == Codec.STRING;
        this.shortKeys = table.readsShortKeysByAddress();
        this.longValues = valueCodec == Codec.LONG;
        this.shortKeyLongs = shortKeys && longValues;
        this.views = longs ? table.longViews() : null;
    }

    /** The shape a map of these codecs and options has: what its header records and attach compares. */
    public static HashShape shapeOf(final Codec<?> keyCodec, final Codec<?> valueCodec, final MapOptions options)
    {
        final int keyFixed = checkCodec("key", keyCodec);
        final int valueFixed = checkCodec("value", valueCodec);
        // Keys of a variable-size codec are short in the slot unless the options keep every key in a block.
        final int keyMode = keyFixed >= 0 && keyFixed <= HashDescriptor.MAX_INLINE_KEY ? HashDescriptor.KEY_INLINE :
            keyFixed < 0 && options.inlineKeyLength() > 0 ? HashDescriptor.KEY_SHORT : HashDescriptor.KEY_POINTER;
        final boolean pointerValues = valueFixed < 0 || valueFixed > HashDescriptor.VALUE_FIELD_LENGTH;
        final int keySize = switch (keyMode)
        {
            case HashDescriptor.KEY_INLINE -> keyFixed;
            case HashDescriptor.KEY_SHORT -> HashDescriptor.shortKeyField(options.inlineKeyLength());
            default -> Long.BYTES;
        };
        final int valueOffset = HashDescriptor.valueFieldOffset(keySize);
        final HashShape shape = new HashShape(HashDescriptor.KIND_MAP, options.partitions(), keySize,
            valueOffset + HashDescriptor.VALUE_FIELD_LENGTH, keyMode,
            Codec.STRING.id().equals(keyCodec.id()) ? HashDescriptor.HASH_UTF8 : HashDescriptor.HASH_BYTES,
            pointerValues ? HashDescriptor.VALUE_POINTER : HashDescriptor.VALUE_INLINE, valueOffset,
            keyCodec.id(), keyFixed, valueCodec.id(), valueFixed, options.sizeLimit(), options.expectedEntries());
        if (HashTable.expectedCapacity(options.expectedEntries(), options.partitions(), shape.slotSize()) < 0)
        {
            throw new IllegalArgumentException("a map of " + options.partitions() + " partitions cannot be sized for " +
                options.expectedEntries() + " expected entries: each partition's table would take 1 GiB or more, the most a " +
                "table may have; ask for more partitions (MapOptions.partitions) or fewer expected entries");
        }
        return shape;
    }

    private static int checkCodec(final String what, final Codec<?> codec)
    {
        Objects.requireNonNull(codec, what + " codec");
        final String id = codec.id();
        if (id == null || id.isEmpty() || StrictUtf8.unpairedSurrogate(id) >= 0 ||
            id.getBytes(StandardCharsets.UTF_8).length > CODEC_ID_LIMIT)
        {
            throw new IllegalArgumentException("the " + what + " codec " + codec + " has id " +
                (id == null ? "null" : "\"" + StrictUtf8.printable(id) + "\"") + "; a codec id has 1 to " + CODEC_ID_LIMIT +
                " bytes of UTF-8 (and no unpaired surrogate, which UTF-8 cannot encode)");
        }
        final int fixed = codec.fixedSize();
        if (fixed < Codec.VARIABLE_SIZE || fixed > MAX_KEY_SIZE)
        {
            throw new IllegalArgumentException("the " + what + " codec \"" + id + "\" has fixed size " + fixed +
                "; a codec's fixed size is 0 to " + MAX_KEY_SIZE + " bytes, or Codec.VARIABLE_SIZE");
        }
        return fixed;
    }

    /** Whether this handle is for the map these codecs and options ask for. */
    public boolean matches(final Codec<?> keyCodec, final Codec<?> valueCodec, final MapOptions options)
    {
        return this.keyCodec == keyCodec && this.valueCodec == valueCodec && (options == null || this.options.equals(options));
    }

    public String name()
    {
        return name;
    }

    public Codec<K> keyCodec()
    {
        return keyCodec;
    }

    public Codec<V> valueCodec()
    {
        return valueCodec;
    }

    public MapOptions options()
    {
        return options;
    }

    // ---------------------------------------------------------------------------------------------
    // Primitive paths: maps of Codec.LONG keys and values
    // ---------------------------------------------------------------------------------------------

    /**
     * The value of {@code key}, or {@code defaultValue}: {@link #get} without boxing. Takes no lock.
     *
     * @throws UnsupportedOperationException unless both codecs are {@link Codec#LONG}.
     */
    public long getLong(final long key, final long defaultValue)
    {
        requireLongs("getLong");
        final long hash = Hashing.hashLong(key);
        // The first attempt inlines into callers; retries and the locked read are out of line.
        final long value = HashTable.tryGetLong(views, hash, key, defaultValue);
        return value != HashTable.UNDECIDED ? value : getLongRetry(hash, key, defaultValue);
    }

    private long getLongRetry(final long hash, final long key, final long defaultValue)
    {
        final Object read = table.<Long, Object>readOptimistically(
            table.partition(hash), key, (view, k) -> longValue(view, hash, k), UNDECIDED);
        final Long value = read != UNDECIDED ? (Long)read : getLocked(key);
        return value == null ? defaultValue : value;
    }

    /** The value of the long key in {@code view}, or null. */
    private static Long longValue(final HashTable.View view, final long hash, final long key)
    {
        final long position = HashTable.findLong(view, hash, key);
        return position < 0 ? null : HashTable.longValue(view, position);
    }

    /** Whether {@code key} is present: {@link #containsKey} without boxing. */
    public boolean containsLong(final long key)
    {
        requireLongs("containsLong");
        return getLong(key, Long.MIN_VALUE) != Long.MIN_VALUE || getLocked(key) != null;
    }

    /** The value of {@code key} read under its partition's lock, or null. */
    private Long getLocked(final long key)
    {
        final long hash = Hashing.hashLong(key);
        final int p = table.partition(hash);
        table.lock(p);
        try
        {
            return longValue(table.view(p), hash, key);
        }
        finally
        {
            table.unlock(p);
        }
    }

    /**
     * Sets the value of {@code key}: {@link #put} without boxing or returning the previous value.
     *
     * @throws OutOfSpaceException if a new key needs room past the size limit; the map is unchanged.
     */
    public void putLong(final long key, final long value)
    {
        requireLongs("putLong");
        exchangeLong(key, value, false);
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum, atomically across threads and processes.
     */
    public long addAndGet(final long key, final long delta)
    {
        requireLongs("addAndGet");
        return exchangeLong(key, delta, true);
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the sum,
     * atomically across threads and processes: {@code merge(key, delta, Long::sum)} as one locked update,
     * for any map of {@link Codec#LONG} values.
     *
     * @throws UnsupportedOperationException unless the value codec is {@link Codec#LONG}.
     */
    @Override
    public long addAndGet(final K key, final long delta)
    {
        if (longs)
        {
            return addAndGet((long)(Long)Objects.requireNonNull(key, "key"), delta);
        }
        if (valueCodec != Codec.LONG)
        {
            return SharedMap.super.addAndGet(key, delta);
        }
        final Scratch s = scratches.get();
        final long hash = encodeKey(key, s);
        final int p = table.partition(hash);
        table.lock(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = table.find(view, hash, s.key.buffer, 0, s.key.length);
            // Codec.LONG's encoding: the long in the platform's order, inline in the slot.
            final long sum = position < 0 ? delta : table.inlineLong(view, position) + delta;
            if (position < 0)
            {
                s.value.prepare(Long.BYTES);
                s.value.buffer.putLong(0, sum);
                table.insert(p, hash, s.key.buffer, s.key.length, s.value.buffer, Long.BYTES);
            }
            else
            {
                table.replaceLong(p, view, position, sum);
            }
            return sum;
        }
        finally
        {
            table.unlock(p);
        }
    }

    /** Under the partition lock: sets (or adds to) the value of a long key; returns the new value, or the old one for a set. */
    private long exchangeLong(final long key, final long value, final boolean add)
    {
        final long hash = Hashing.hashLong(key);
        final int p = table.partition(hash);
        table.lock(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = HashTable.findLong(view, hash, key);
            if (position < 0)
            {
                table.insertLong(p, hash, key, value);
                return value;
            }
            final long old = HashTable.longValue(view, position);
            final long next = add ? old + value : value;
            table.replaceLong(p, view, position, next);
            return add ? next : old;
        }
        finally
        {
            table.unlock(p);
        }
    }

    /** {@link #put} of a Long map: {@link #exchangeLong} that tells an absent key (null) from any value, without a scratch. */
    private Long putBoxed(final Long key, final Long value)
    {
        final long k = key;
        final long v = value;
        final long hash = Hashing.hashLong(k);
        final int p = table.partition(hash);
        table.lock(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = HashTable.findLong(view, hash, k);
            if (position < 0)
            {
                table.insertLong(p, hash, k, v);
                return null;
            }
            final long old = HashTable.longValue(view, position);
            table.replaceLong(p, view, position, v);
            return old;
        }
        finally
        {
            table.unlock(p);
        }
    }

    private void requireLongs(final String method)
    {
        if (!longs)
        {
            throw notLongs(method);
        }
    }

    private UnsupportedOperationException notLongs(final String method)
    {
        return new UnsupportedOperationException(method + " needs a map of Codec.LONG keys and values, but map \"" + name +
            "\" has key codec \"" + keyCodec.id() + "\" and value codec \"" + valueCodec.id() + "\"");
    }

    // ---------------------------------------------------------------------------------------------
    // Map
    // ---------------------------------------------------------------------------------------------

    /** Entries in the map, read without locks: exact when no one is changing it. */
    public long mappingCount()
    {
        return table.size();
    }

    @Override
    public int size()
    {
        return (int)Math.min(Integer.MAX_VALUE, table.size());
    }

    @Override
    public boolean isEmpty()
    {
        return table.size() == 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(final Object key)
    {
        if (longs)
        {
            if (!(key instanceof Long))
            {
                Objects.requireNonNull(key);
                return null;
            }
            final long k = (Long)key;
            final long value = getLong(k, Long.MIN_VALUE);
            // MIN_VALUE is both a value and "absent": only a read under the lock tells them apart.
            return (V)(value != Long.MIN_VALUE ? Long.valueOf(value) : getLocked(k));
        }
        if (shortKeyLongs)
        {
            return (V)getLongValue(key);
        }
        if (shortKeys)
        {
            return getInPlace(key);
        }
        final Scratch s = scratches.get();
        return encodeGivenKey(key, s) && read(s.hash, s, lookup) ? decodeValue(s.current) : null;
    }

    /**
     * {@link #encodeKey} of a key that a read or a removal was given as an Object: false, if it is of another type
     * than the key codec takes (the ClassCastException of the cast or of the codec), for a key no entry has, as in
     * ConcurrentHashMap and in a ClusterMap; else true, with the key in {@code s.key} and its hash in {@code s.hash}.
     */
    @SuppressWarnings("unchecked")
    private boolean encodeGivenKey(final Object key, final Scratch s)
    {
        try
        {
            s.hash = encodeKey((K)Objects.requireNonNull(key), s);
            return true;
        }
        catch (final ClassCastException ex)
        {
            return false;
        }
    }

    /**
     * {@link #get} of a map of short keys and values of any codec but {@link Codec#LONG} (String -> String,
     * String -> byte[]): as {@link #getLongValue}, a first attempt by address that copies the value's bytes into
     * the scratch, decoded once the attempt is validated; what it cannot tell takes the general path.
     */
    @SuppressWarnings("unchecked")
    private V getInPlace(final Object key)
    {
        final Scratch s = scratches.get();
        final byte[] own = stringKeys && key instanceof String ? AsciiStrings.bytes((String)key) : null;
        // An oversized key goes on to encodeKey, which refuses it as every other operation does.
        final boolean inPlace = own != null && own.length <= MAX_KEY_SIZE && AsciiStrings.isAscii(own);
        final long hash;
        int found;
        if (inPlace)
        {
            hash = Hashing.hashString(key.hashCode());
            found = s.current.readInto(table, hash, own, own.length);
        }
        else
        {
            if (!encodeGivenKey(key, s))
            {
                return null;
            }
            hash = s.hash;
            found = s.current.readInto(table, hash, s.key.array, s.key.length);
        }
        if (found == HashTable.VALUE_ABSENT)
        {
            return null;
        }
        if (found == HashTable.VALUE_UNDECIDED)
        {
            if (inPlace)
            {
                encodeKey((K)key, s);
            }
            return read(hash, s, lookup) ? decodeValue(s.current) : null;
        }
        return decodeValue(s.current);
    }

    /**
     * {@link #get} of a map of short keys and {@link Codec#LONG} values (String -> Long): a first attempt by
     * address, with an ASCII String's own bytes compared in place and any other key encoded into the scratch
     * first; what it cannot tell takes the general path. Apart from get, so that get stays small for the JIT.
     */
    private Long getLongValue(final Object key)
    {
        final byte[] own = stringKeys && key instanceof String ? AsciiStrings.bytes((String)key) : null;
        // An oversized key goes on to encodeKey, which refuses it as every other operation does.
        final boolean inPlace = own != null && own.length <= MAX_KEY_SIZE && AsciiStrings.isAscii(own);
        long value = inPlace ?
            table.tryGetShort(Hashing.hashString(key.hashCode()), own, own.length, Long.MIN_VALUE) : HashTable.UNDECIDED;
        if (value == HashTable.UNDECIDED)
        {
            final Scratch s = scratches.get();
            if (!encodeGivenKey(key, s))
            {
                return null;
            }
            final long hash = s.hash;
            // The same bytes again would be undecided again: an attempt in place goes straight to the general path.
            value = inPlace ? HashTable.UNDECIDED : table.tryGetShort(hash, s.key.array, s.key.length, Long.MIN_VALUE);
            if (value == HashTable.UNDECIDED)
            {
                return read(hash, s, lookup) ? (Long)decodeValue(s.current) : null;
            }
        }
        return value != Long.MIN_VALUE ? Long.valueOf(value) : null;
    }

    @Override
    public boolean containsKey(final Object key)
    {
        if (longs)
        {
            if (!(key instanceof Long))
            {
                Objects.requireNonNull(key);
                return false;
            }
            return containsLong((Long)key);
        }
        if (shortKeys)
        {
            // By address, as get, without reading the value.
            final byte[] own = stringKeys && key instanceof String ? AsciiStrings.bytes((String)key) : null;
            if (own != null && own.length <= MAX_KEY_SIZE && AsciiStrings.isAscii(own))
            {
                final int found = table.tryGetShortValue(Hashing.hashString(key.hashCode()), own, own.length, null);
                if (found != HashTable.VALUE_UNDECIDED)
                {
                    return found != HashTable.VALUE_ABSENT;
                }
            }
        }
        final Scratch s = scratches.get();
        return encodeGivenKey(key, s) && read(s.hash, s, presence);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(final K key, final V value)
    {
        if (longs)
        {
            return (V)putBoxed((Long)Objects.requireNonNull(key), (Long)Objects.requireNonNull(value));
        }
        return writeReturningPrevious(key, value, PUT);
    }

    @Override
    public V putIfAbsent(final K key, final V value)
    {
        return writeReturningPrevious(key, value, PUT_IF_ABSENT);
    }

    @Override
    public V replace(final K key, final V value)
    {
        return writeReturningPrevious(key, value, REPLACE);
    }

    /** put, putIfAbsent and replace: one write, returning the value it found (null if none). */
    private V writeReturningPrevious(final K key, final V value, final int operation)
    {
        final Scratch s = scratches.get();
        final long hash = encodeKey(key, s);
        encodeValue(value, s.value, s);
        write(hash, s, operation);
        return s.found ? decodeValue(s.current) : null;
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue)
    {
        final Scratch s = scratches.get();
        final long hash = encodeKey(key, s);
        encodeValue(oldValue, s.expected, s);
        encodeValue(newValue, s.value, s);
        return write(hash, s, REPLACE_IF_EQUAL);
    }

    @Override
    public V remove(final Object key)
    {
        final Scratch s = scratches.get();
        if (!encodeGivenKey(key, s))
        {
            return null;
        }
        write(s.hash, s, REMOVE);
        return s.found ? decodeValue(s.current) : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(final Object key, final Object value)
    {
        Objects.requireNonNull(key);
        if (value == null)
        {
            return false;
        }
        final Scratch s = scratches.get();
        if (!encodeGivenKey(key, s))
        {
            return false;
        }
        try
        {
            encodeValue((V)value, s.expected, s);
        }
        catch (final ClassCastException ex)
        {
            // A value of another type than the value codec takes: the key cannot have it.
            return false;
        }
        return write(s.hash, s, REMOVE_IF_EQUAL);
    }

    @Override
    public V compute(final K key, final BiFunction<? super K, ? super V, ? extends V> remappingFunction)
    {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return remap(key, COMPUTE, null, remappingFunction, null);
    }

    @Override
    public V computeIfPresent(final K key, final BiFunction<? super K, ? super V, ? extends V> remappingFunction)
    {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return remap(key, COMPUTE_IF_PRESENT, null, remappingFunction, null);
    }

    @Override
    public V merge(final K key, final V value, final BiFunction<? super V, ? super V, ? extends V> remappingFunction)
    {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        return remap(key, MERGE, value, null, remappingFunction);
    }

    /**
     * compute, computeIfPresent and merge: {@link ConcurrentMap}'s retry loops, with the same results and the same
     * promise (the function runs with no lock held, again if the entry changed meanwhile), but the key encoded once
     * and every write conditional on the encoding just read, not on the old value encoded again:
     * <ol>
     * <li>read the key's value (its encoding into {@code s.current}), by address first where the map can;</li>
     * <li>compute the next value from it, outside any lock (merge of an absent key: the value given);</li>
     * <li>under the partition lock, write only if the entry still holds what was read, or is still absent
     *     (put if absent, replace if equal, remove if equal); done if it did;</li>
     * <li>otherwise the write read the entry as it is now into {@code s.current}: back to 2 with that.</li>
     * </ol>
     */
    private V remap(
        final K key, final int mode, final V value, final BiFunction<? super K, ? super V, ? extends V> compute,
        final BiFunction<? super V, ? super V, ? extends V> merge)
    {
        Scratch s = remapScratches.get();
        if (s.remapping)
        {
            // A function of this thread's remap remapping again: the outer one's key must outlive it.
            s = new Scratch();
        }
        s.remapping = true;
        try
        {
            final long hash = encodeKey(key, s);
            boolean present = readCurrent(hash, s);
            while (true)
            {
                final V old = present ? decodeValue(s.current) : null;
                final V next;
                if (mode == MERGE)
                {
                    next = old == null ? value : merge.apply(old, value);
                }
                else if (mode == COMPUTE_IF_PRESENT && old == null)
                {
                    return null;
                }
                else
                {
                    next = compute.apply(key, old);
                }
                if (!present)
                {
                    if (next == null)
                    {
                        return null;
                    }
                    encodeValue(next, s.value, s);
                    if (write(hash, s, PUT_IF_ABSENT))
                    {
                        return next;
                    }
                    present = true;
                    continue;
                }
                // The bytes read become the expected ones, without a copy: the write reads the entry into the other buffer.
                final Bytes read = s.current;
                s.current = s.expected;
                s.expected = read;
                if (next != null)
                {
                    encodeValue(next, s.value, s);
                    if (write(hash, s, REPLACE_IF_EQUAL))
                    {
                        return next;
                    }
                }
                else if (write(hash, s, REMOVE_IF_EQUAL))
                {
                    return null;
                }
                present = s.found;
            }
        }
        finally
        {
            s.remapping = false;
        }
    }

    /**
     * Reads the value of the key in {@code s.key} (hash {@code hash}) into {@code s.current}; false if absent. Maps of
     * long keys and values and maps of short keys try by address first, as get does ({@link HashTable#tryGetLong},
     * {@link HashTable#tryGetShort}, {@link Bytes#readInto}).
     */
    private boolean readCurrent(final long hash, final Scratch s)
    {
        if (longs || shortKeyLongs)
        {
            // Codec.LONG's encoding, of the key and of the value: the long in the platform's order.
            final long value = longs ? HashTable.tryGetLong(views, hash, s.key.buffer.getLong(0), Long.MIN_VALUE) :
                table.tryGetShort(hash, s.key.array, s.key.length, Long.MIN_VALUE);
            if (value != HashTable.UNDECIDED && value != Long.MIN_VALUE)
            {
                s.current.prepare(Long.BYTES);
                s.current.buffer.putLong(0, value);
                return true;
            }
            if (value == Long.MIN_VALUE && !longs)
            {
                // tryGetShort answers "absent" only for a key it does not hold; tryGetLong also for a stored MIN_VALUE.
                return false;
            }
        }
        else if (shortKeys)
        {
            final int found = s.current.readInto(table, hash, s.key.array, s.key.length);
            if (found != HashTable.VALUE_UNDECIDED)
            {
                return found != HashTable.VALUE_ABSENT;
            }
        }
        return read(hash, s, lookup);
    }

    /** Removes every entry, one partition at a time; entries added meanwhile to partitions already cleared stay. */
    @Override
    public void clear()
    {
        for (int p = 0; p < table.partitions(); p++)
        {
            table.lock(p);
            try
            {
                final HashTable.View view = table.view(p);
                for (long position = table.nextEntry(view, 0); position >= 0;
                    position = table.nextEntry(view, table.indexOf(view, position) + 1))
                {
                    table.delete(p, view, position);
                }
            }
            finally
            {
                table.unlock(p);
            }
        }
    }

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

    // ---------------------------------------------------------------------------------------------
    // Memory, checks
    // ---------------------------------------------------------------------------------------------

    /** Bytes of all of the map's files (its area and its header file); read without locks. */
    public long reservedBytes()
    {
        return table.reservedBytes();
    }

    /** Bytes of the map's area in use by tables, keys and values; read without locks. */
    public long bytesInUse()
    {
        return table.bytesInUse();
    }

    /**
     * Checks every partition (locking each in turn) and the area under it: for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    public void verify()
    {
        table.verify();
    }

    /** Whether the map has been removed from the registry since this handle was returned; it can no longer grow. */
    public boolean isRemoved()
    {
        return generation.getAsBoolean();
    }

    public HashTable table()
    {
        return table;
    }

    // ---------------------------------------------------------------------------------------------
    // Reads and writes of encoded keys and values
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs {@code read} ({@link #lookup}: the value of the key in {@code s.key} into {@code s.current}, false if absent;
     * or {@link #presence}) lock-free, or under the partition's lock if writers kept intervening.
     */
    private boolean read(final long hash, final Scratch s, final BiFunction<HashTable.View, Scratch, Boolean> read)
    {
        final int p = table.partition(hash);
        s.hash = hash;
        final Boolean found = table.readOptimistically(p, s, read, null);
        if (found != null)
        {
            return found;
        }
        table.lock(p);
        try
        {
            return read.apply(table.view(p), s);
        }
        finally
        {
            table.unlock(p);
        }
    }

    /** Whether the key in {@code s.key} (hash {@code s.hash}) is in {@code view}; its value is not read. */
    private boolean presence(final HashTable.View view, final Scratch s)
    {
        return table.find(view, s.hash, s.key.buffer, 0, s.key.length) >= 0;
    }

    /** Reads the value of the key in {@code s.key} (hash {@code s.hash}) in {@code view} into {@code s.current}; false if absent. */
    private boolean lookup(final HashTable.View view, final Scratch s)
    {
        final long position = table.find(view, s.hash, s.key.buffer, 0, s.key.length);
        if (position >= 0)
        {
            readValue(view, position, s.current);
        }
        return position >= 0;
    }

    /** One write under the partition lock; {@code s.found} and {@code s.current} tell the value it found. */
    private boolean write(final long hash, final Scratch s, final int op)
    {
        final int p = table.partition(hash);
        table.lock(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = table.find(view, hash, s.key.buffer, 0, s.key.length);
            s.found = position >= 0;
            if (position < 0)
            {
                if (op == PUT || op == PUT_IF_ABSENT)
                {
                    table.insert(p, hash, s.key.buffer, s.key.length, s.value.buffer, s.value.length);
                    return true;
                }
                return false;
            }
            readValue(view, position, s.current);
            switch (op)
            {
                case PUT, REPLACE ->
                {
                    replaceValue(p, view, position, s.value);
                    return true;
                }
                case REPLACE_IF_EQUAL ->
                {
                    if (s.current.contentEquals(s.expected))
                    {
                        replaceValue(p, view, position, s.value);
                        return true;
                    }
                    return false;
                }
                case REMOVE ->
                {
                    table.delete(p, view, position);
                    return true;
                }
                case REMOVE_IF_EQUAL ->
                {
                    if (s.current.contentEquals(s.expected))
                    {
                        table.delete(p, view, position);
                        return true;
                    }
                    return false;
                }
                default ->
                {
                    return false;
                }
            }
        }
        finally
        {
            table.unlock(p);
        }
    }

    /**
     * Copies the value of the entry at {@code position} into {@code into}. The table checked it against
     * its mappings; its length is checked here too, since a torn read may see anything.
     */
    private void readValue(final HashTable.View view, final long position, final Bytes into)
    {
        if (longValues)
        {
            into.prepare(Long.BYTES);
            into.buffer.putLong(0, table.inlineLong(view, position));
            return;
        }
        final DirectBuffer value = table.value(view, position);
        if (value.capacity() > MAX_VALUE_SIZE)
        {
            throw new CorruptFileException("map \"" + name + "\" is corrupt: a value records " + value.capacity() +
                " bytes, more than the largest value, " + MAX_VALUE_SIZE + ". " + HeaderedFile.REMOVE_ENTRY);
        }
        into.copyFrom(value, 0, value.capacity());
    }

    /** Under the lock: replaces the value of the entry at {@code position} with the encoding in {@code value}. */
    private void replaceValue(final int p, final HashTable.View view, final long position, final Bytes value)
    {
        if (longValues)
        {
            table.replaceLong(p, view, position, value.buffer.getLong(0));
        }
        else
        {
            table.replaceValue(p, view, position, value.buffer, value.length);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding
    // ---------------------------------------------------------------------------------------------

    /** Encodes {@code key} into {@code s.key} and returns its hash. */
    private long encodeKey(final K key, final Scratch s)
    {
        Objects.requireNonNull(key, "key");
        // A Codec.STRING key is hashed by the hash the String caches (HASH_UTF8), so that the table's reads need
        // not wait for its characters, and encoded straight into the scratch, without the array String.getBytes
        // allocates: an ASCII String's UTF-8 bytes are its chars. Any other key takes its codec.
        if (stringKeys)
        {
            final String string = (String)key;
            final long hash = Hashing.hashString(string.hashCode());
            // The table's first lines are requested before the characters are read: both on their way at once.
            s.prefetched = table.prefetch(hash);
            if (s.key.copyAscii(string))
            {
                return hash;
            }
            if (string.length() > MAX_KEY_SIZE)
            {
                // At least a byte per char: too long whatever it holds, refused as the codec sizes it.
                checkKeySize(sizeOf(keyCodec, key, "key"));
            }
            final int unpaired = s.key.copyUtf8(string);
            if (unpaired >= 0)
            {
                throw codecFailure(keyCodec, "encode the key",
                    StrictUtf8.notEncodable(string, unpaired, BuiltInCodecs.STRING_REMEDY));
            }
            // Its encoding decodes to it again, so the String's own hash is its encoding's (HASH_UTF8).
            checkKeySize(s.key.length);
            return hash;
        }
        final int size = checkKeySize(sizeOf(keyCodec, key, "key"));
        encode(keyCodec, key, s.key, size, "key");
        return table.hashKey(s.key.buffer, 0, s.key.length);
    }

    private int checkKeySize(final int size)
    {
        if (size > MAX_KEY_SIZE)
        {
            throw new InvalidSizeException("a key of " + size + " bytes is larger than the largest key of map \"" + name +
                "\", " + MAX_KEY_SIZE + " bytes");
        }
        return size;
    }

    private void encodeValue(final V value, final Bytes into, final Scratch s)
    {
        Objects.requireNonNull(value, "value");
        final int size = sizeOf(valueCodec, value, "value");
        if (size > MAX_VALUE_SIZE)
        {
            throw new InvalidSizeException("a value of " + size + " bytes is larger than the largest value of map \"" + name +
                "\", " + MAX_VALUE_SIZE + " bytes");
        }
        encode(valueCodec, value, into, size, "value");
    }

    private <T> int sizeOf(final Codec<T> codec, final T value, final String what)
    {
        final int fixed = codec.fixedSize();
        final int size;
        try
        {
            size = fixed >= 0 ? fixed : codec.size(value);
        }
        catch (final ClassCastException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw codecFailure(codec, "size the " + what + " " + StrictUtf8.describe(value), ex);
        }
        if (size < 0)
        {
            throw codecFailure(codec, "size the " + what + " " + StrictUtf8.describe(value) + ": it returned " + size, null);
        }
        return size;
    }

    private <T> void encode(final Codec<T> codec, final T value, final Bytes into, final int size, final String what)
    {
        into.prepare(size);
        try
        {
            codec.encode(value, into.buffer, 0);
        }
        catch (final ClassCastException ex)
        {
            throw ex;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw codecFailure(codec, "encode the " + what + " " + StrictUtf8.describe(value) + ": it wrote past the " + size +
                " bytes it declared", ex);
        }
        catch (final RuntimeException ex)
        {
            throw codecFailure(codec, "encode the " + what + " " + StrictUtf8.describe(value), ex);
        }
    }

    private V decodeValue(final Bytes bytes)
    {
        return decode(valueCodec, bytes, "value");
    }

    private <T> T decode(final Codec<T> codec, final Bytes bytes, final String what)
    {
        try
        {
            return codec.decode(bytes.buffer, 0, bytes.length);
        }
        catch (final RuntimeException ex)
        {
            throw codecFailure(codec, "decode a " + what + " of " + bytes.length + " bytes", ex);
        }
    }

    private CodecException codecFailure(final Codec<?> codec, final String action, final Throwable cause)
    {
        return new CodecException("codec \"" + codec.id() + "\" of map \"" + name + "\" failed to " + action +
            (cause == null ? "" : ": " + cause) + "; the map is unchanged by a failed encode", cause);
    }

    /** Bytes of one key or value, in a buffer this thread reuses. */
    private static final class Bytes
    {
        private byte[] array = new byte[64];
        final UnsafeBuffer buffer = new UnsafeBuffer(array);
        int length;

        /** Sizes the buffer to exactly {@code size} bytes (zeroed up to 8), so a codec that writes more is caught. */
        void prepare(final int size)
        {
            if (array.length < Math.max(size, Long.BYTES))
            {
                array = new byte[Math.max(size, array.length * 2)];
            }
            java.util.Arrays.fill(array, 0, Long.BYTES, (byte)0);
            buffer.wrap(array, 0, size);
            length = size;
        }

        /**
         * {@link Codec#STRING}'s encoding of {@code string} if the String keeps its chars in an array of its own
         * ({@link AsciiStrings#bytes}) that is ASCII (its UTF-8 bytes are then that array) and no longer than the
         * largest key: one copy. False, nothing copied, for any other String, which {@link #copyUtf8} encodes.
         */
        boolean copyAscii(final String string)
        {
            final byte[] own = AsciiStrings.bytes(string);
            if (own == null || own.length > MAX_KEY_SIZE || !AsciiStrings.isAscii(own))
            {
                return false;
            }
            prepare(own.length);
            System.arraycopy(own, 0, array, 0, own.length);
            return true;
        }

        /**
         * {@link Codec#STRING}'s encoding of {@code string}, as {@code String.getBytes(UTF_8)} writes it, in one pass
         * over its chars: sized for the most it can take, three bytes a char, then to what it took. Returns -1, or
         * the index of an unpaired surrogate, which UTF-8 cannot encode (the buffer then holds nothing of use).
         */
        int copyUtf8(final String string)
        {
            prepare(3 * string.length());
            final byte[] bytes = array;
            final int chars = string.length();
            int at = 0;
            for (int i = 0; i < chars; i++)
            {
                final char c = string.charAt(i);
                if (c < 0x80)
                {
                    bytes[at++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    bytes[at++] = (byte)(0xC0 | c >> 6);
                    bytes[at++] = (byte)(0x80 | c & 0x3F);
                }
                else if (!Character.isSurrogate(c))
                {
                    bytes[at++] = (byte)(0xE0 | c >> 12);
                    bytes[at++] = (byte)(0x80 | c >> 6 & 0x3F);
                    bytes[at++] = (byte)(0x80 | c & 0x3F);
                }
                else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(string.charAt(i + 1)))
                {
                    final int codePoint = Character.toCodePoint(c, string.charAt(++i));
                    bytes[at++] = (byte)(0xF0 | codePoint >> 18);
                    bytes[at++] = (byte)(0x80 | codePoint >> 12 & 0x3F);
                    bytes[at++] = (byte)(0x80 | codePoint >> 6 & 0x3F);
                    bytes[at++] = (byte)(0x80 | codePoint & 0x3F);
                }
                else
                {
                    return i;
                }
            }
            buffer.wrap(bytes, 0, at);
            this.length = at;
            return -1;
        }

        /**
         * {@link HashTable#tryGetShortValue} into this buffer, made larger and asked once more if the value did not
         * fit: what it returns, with this buffer holding a value found. A value that does not fit twice (a writer
         * made it larger meanwhile) or is larger than any value may be is undecided, for the general path.
         */
        int readInto(final HashTable table, final long hash, final byte[] key, final int keyLength)
        {
            int found = table.tryGetShortValue(hash, key, keyLength, array);
            if (found > array.length && found <= MAX_VALUE_SIZE)
            {
                prepare(found);
                found = table.tryGetShortValue(hash, key, keyLength, array);
            }
            if (found > array.length || found > MAX_VALUE_SIZE)
            {
                return HashTable.VALUE_UNDECIDED;
            }
            if (found >= 0)
            {
                buffer.wrap(array, 0, found);
                length = found;
            }
            return found;
        }

        void copyFrom(final DirectBuffer source, final int offset, final int size)
        {
            prepare(size);
            source.getBytes(offset, array, 0, size);
        }

        boolean contentEquals(final Bytes other)
        {
            return length == other.length && java.util.Arrays.equals(array, 0, length, other.array, 0, length);
        }

        byte[] copy()
        {
            return java.util.Arrays.copyOf(array, length);
        }
    }

    /** This thread's buffers for one operation. */
    private static final class Scratch
    {
        final Bytes key = new Bytes();
        final Bytes value = new Bytes();
        /** The value a conditional write expects and the value read; {@link #remap} swaps them. */
        Bytes expected = new Bytes();
        Bytes current = new Bytes();
        boolean found;
        /** Whether a {@link #remap} of this thread is using these buffers. */
        boolean remapping;
        long hash;
        /** What {@link HashTable#prefetch} read: kept, never used. */
        long prefetched;
    }

    // ---------------------------------------------------------------------------------------------
    // Iteration
    // ---------------------------------------------------------------------------------------------

    /**
     * A view's spliterator: of unknown size and {@code CONCURRENT}, for the map may change while it runs (the
     * default spliterator of a collection is {@code SIZED}, and a stream over it fails when the count changes).
     */
    private static <T> Spliterator<T> weaklyConsistent(final Iterator<T> iterator, final int characteristics)
    {
        return Spliterators.spliteratorUnknownSize(iterator, Spliterator.CONCURRENT | Spliterator.NONNULL | characteristics);
    }

    /** What the set views share: the map's count and clear, and a weakly consistent spliterator. */
    private abstract class SetView<T> extends AbstractSet<T>
    {
        @Override
        public Spliterator<T> spliterator()
        {
            return weaklyConsistent(iterator(), Spliterator.DISTINCT);
        }

        @Override
        public int size()
        {
            return MapHandle.this.size();
        }

        @Override
        public void clear()
        {
            MapHandle.this.clear();
        }
    }

    private final class EntrySet extends SetView<Map.Entry<K, V>>
    {
        @Override
        public Iterator<Map.Entry<K, V>> iterator()
        {
            return new EntryIterator();
        }

        @Override
        public boolean contains(final Object o)
        {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null)
            {
                return false;
            }
            final V value = get(e.getKey());
            return value != null && value.equals(e.getValue());
        }

        @Override
        public boolean remove(final Object o)
        {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && MapHandle.this.remove(e.getKey(), e.getValue());
        }
    }

    /** The keys, as the entries they are read from: weakly consistent, removal through the map. */
    private final class KeySet extends SetView<K>
    {
        @Override
        public Iterator<K> iterator()
        {
            return new ViewIterator<>(Map.Entry::getKey);
        }

        @Override
        public boolean contains(final Object o)
        {
            return containsKey(o);
        }

        @Override
        public boolean remove(final Object o)
        {
            return MapHandle.this.remove(o) != null;
        }
    }

    /** The values, as the entries they are read from: weakly consistent, removal through the map. */
    private final class Values extends AbstractCollection<V>
    {
        @Override
        public int size()
        {
            return MapHandle.this.size();
        }

        @Override
        public Iterator<V> iterator()
        {
            return new ViewIterator<>(Map.Entry::getValue);
        }

        @Override
        public Spliterator<V> spliterator()
        {
            return weaklyConsistent(iterator(), 0);
        }

        @Override
        public void clear()
        {
            MapHandle.this.clear();
        }
    }

    /** The keys' or the values' iterator: an {@link EntryIterator}'s entries, one part of each. */
    private final class ViewIterator<T> implements Iterator<T>
    {
        private final EntryIterator entries = new EntryIterator();
        private final Function<Map.Entry<K, V>, T> part;

        ViewIterator(final Function<Map.Entry<K, V>, T> part)
        {
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
            return part.apply(entries.next());
        }

        @Override
        public void remove()
        {
            entries.remove();
        }
    }

    /** Weakly consistent: copies one partition's entries under its lock, then decodes them one by one. */
    private final class EntryIterator implements Iterator<Map.Entry<K, V>>
    {
        private final Bytes bytes = new Bytes();
        private final java.util.ArrayList<byte[]> batch = new java.util.ArrayList<>();
        private int next;
        private int partition = -1;
        private K lastKey;

        @Override
        public boolean hasNext()
        {
            while (next >= batch.size())
            {
                if (partition + 1 >= table.partitions())
                {
                    return false;
                }
                load(++partition);
            }
            return true;
        }

        @Override
        public Map.Entry<K, V> next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException();
            }
            final byte[] keyBytes = batch.get(next++);
            final byte[] valueBytes = batch.get(next++);
            final K key = decode(keyCodec, wrap(keyBytes), "key");
            final V value = decode(valueCodec, wrap(valueBytes), "value");
            lastKey = key;
            return new MapEntry(key, value);
        }

        @Override
        public void remove()
        {
            if (lastKey == null)
            {
                throw new IllegalStateException("next() has not been called, or remove() was already called for this entry");
            }
            MapHandle.this.remove(lastKey);
            lastKey = null;
        }

        private Bytes wrap(final byte[] array)
        {
            bytes.prepare(array.length);
            bytes.buffer.putBytes(0, array);
            return bytes;
        }

        private void load(final int p)
        {
            batch.clear();
            next = 0;
            table.lock(p);
            try
            {
                final HashTable.View view = table.view(p);
                for (long position = table.nextEntry(view, 0); position >= 0;
                    position = table.nextEntry(view, table.indexOf(view, position) + 1))
                {
                    final DirectBuffer key = table.key(view, position);
                    bytes.copyFrom(key, 0, key.capacity());
                    batch.add(bytes.copy());
                    readValue(view, position, bytes);
                    batch.add(bytes.copy());
                }
            }
            finally
            {
                table.unlock(p);
            }
        }
    }

    /** An entry of an iteration; setValue writes through with put, as ConcurrentHashMap's. */
    private final class MapEntry extends AbstractMap.SimpleEntry<K, V>
    {
        private static final long serialVersionUID = 1L;

        MapEntry(final K key, final V value)
        {
            super(key, value);
        }

        @Override
        public V setValue(final V value)
        {
            // The map first: a value it refuses leaves the entry as it was too.
            put(getKey(), Objects.requireNonNull(value));
            return super.setValue(value);
        }
    }

    @Override
    public String toString()
    {
        return "SharedMap{name=\"" + name + "\", " + table.shape().describe() + ", size=" + mappingCount() + '}';
    }
}
