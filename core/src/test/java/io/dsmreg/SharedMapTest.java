package io.dsmreg;

import io.dsmreg.internal.hash.HashTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class SharedMapTest extends RegistryTestBase
{
    SharedMapTest()
    {
        super(Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------------------------------------
    // The ConcurrentMap contract, against ConcurrentHashMap on the same operation sequences
    // ---------------------------------------------------------------------------------------------

    @Test
    void longToLongBehavesAsConcurrentHashMap()
    {
        compareWithConcurrentHashMap(registry.map("ll", Codec.LONG, Codec.LONG), r -> r.nextLong(300), r -> r.nextLong(-5, 5));
    }

    @Test
    void stringToStringBehavesAsConcurrentHashMap()
    {
        compareWithConcurrentHashMap(registry.map("ss", Codec.STRING, Codec.STRING),
            r -> "key-" + r.nextInt(300) + "-ü".repeat(r.nextInt(3)), r -> "v".repeat(r.nextInt(0, 40)) + r.nextInt(3));
    }

    @Test
    void integerToStringAndStringToLongBehaveAsConcurrentHashMap()
    {
        compareWithConcurrentHashMap(registry.map("is", Codec.INTEGER, Codec.STRING), r -> r.nextInt(300), r -> "x" + r.nextInt(4));
        compareWithConcurrentHashMap(registry.map("sl", Codec.STRING, Codec.LONG), r -> Long.toString(r.nextInt(300)), r -> r.nextLong(4));
    }

    private static <K, V> void compareWithConcurrentHashMap(
        final SharedMap<K, V> shared, final Function<SplittableRandom, K> keys, final Function<SplittableRandom, V> values)
    {
        final ConcurrentMap<K, V> expected = new ConcurrentHashMap<>();
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 30_000; i++)
        {
            final K key = keys.apply(random);
            final V value = values.apply(random);
            final V other = values.apply(random);
            final int op = random.nextInt(16);
            final String step = "step " + i + " op " + op + " key " + key;
            switch (op)
            {
                case 0 -> assertEquals(expected.get(key), shared.get(key), step);
                case 1 -> assertEquals(expected.put(key, value), shared.put(key, value), step);
                case 2 -> assertEquals(expected.remove(key), shared.remove(key), step);
                case 3 -> assertEquals(expected.putIfAbsent(key, value), shared.putIfAbsent(key, value), step);
                case 4 -> assertEquals(expected.replace(key, value), shared.replace(key, value), step);
                case 5 -> assertEquals(expected.replace(key, value, other), shared.replace(key, value, other), step);
                case 6 -> assertEquals(expected.remove(key, value), shared.remove(key, value), step);
                case 7 -> assertEquals(expected.containsKey(key), shared.containsKey(key), step);
                case 8 -> assertEquals(expected.getOrDefault(key, other), shared.getOrDefault(key, other), step);
                case 9 -> assertEquals(expected.computeIfAbsent(key, k -> value), shared.computeIfAbsent(key, k -> value), step);
                case 10 ->
                {
                    final boolean drop = random.nextInt(4) == 0;
                    assertEquals(expected.computeIfPresent(key, (k, v) -> drop ? null : value),
                        shared.computeIfPresent(key, (k, v) -> drop ? null : value), step);
                }
                case 11 ->
                {
                    final boolean drop = random.nextInt(4) == 0;
                    assertEquals(expected.compute(key, (k, v) -> drop ? null : value),
                        shared.compute(key, (k, v) -> drop ? null : value), step);
                }
                case 12 ->
                {
                    final boolean drop = random.nextInt(5) == 0;
                    assertEquals(expected.merge(key, value, (a, b) -> drop ? null : other),
                        shared.merge(key, value, (a, b) -> drop ? null : other), step);
                }
                case 13 -> assertEquals(expected.size(), shared.size(), step);
                case 14 ->
                {
                    if (random.nextInt(200) == 0)
                    {
                        assertEquals(expected, new HashMap<>(shared), step);
                        assertEquals(expected.hashCode(), shared.hashCode(), step);
                        assertEquals(expected.keySet(), shared.keySet(), step);
                    }
                }
                default ->
                {
                    if (random.nextInt(500) == 0)
                    {
                        expected.clear();
                        shared.clear();
                        assertTrue(shared.isEmpty(), step);
                    }
                }
            }
        }
        assertEquals(expected, new HashMap<>(shared));
        assertTrue(shared.equals(expected) && expected.equals(shared), "Map.equals both ways");
        shared.verify();
    }

    @Test
    void nullsAreRefusedAsByConcurrentHashMap()
    {
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG);
        final SharedMap<Long, Long> longs = registry.map("l", Codec.LONG, Codec.LONG);
        for (final ConcurrentMap<?, ?> chm : List.of(new ConcurrentHashMap<String, Long>(), map))
        {
            @SuppressWarnings("unchecked") final ConcurrentMap<String, Long> m = (ConcurrentMap<String, Long>)chm;
            assertThrows(NullPointerException.class, () -> m.put(null, 1L));
            assertThrows(NullPointerException.class, () -> m.put("a", null));
            assertThrows(NullPointerException.class, () -> m.get(null));
            assertThrows(NullPointerException.class, () -> m.putIfAbsent("a", null));
            assertFalse(m.remove("a", null));
            assertThrows(NullPointerException.class, () -> m.merge(null, 1L, Long::sum));
            assertThrows(NullPointerException.class, () -> m.merge("a", null, Long::sum));
            assertThrows(NullPointerException.class, () -> m.merge("a", 1L, null));
            assertThrows(NullPointerException.class, () -> m.compute(null, (k, v) -> 1L));
            assertThrows(NullPointerException.class, () -> m.compute("a", null));
            assertThrows(NullPointerException.class, () -> m.computeIfPresent("a", null));
        }
        assertThrows(NullPointerException.class, () -> longs.get(null));
        assertThrows(NullPointerException.class, () -> longs.put(1L, null));
        assertNull(longs.get("not a long"));
    }

    @Test
    void iterationIsWeaklyConsistentAndWritesThrough()
    {
        final SharedMap<Long, String> map = registry.map("m", Codec.LONG, Codec.STRING, MapOptions.defaults().partitions(4));
        for (long k = 0; k < 2000; k++)
        {
            map.put(k, "v" + k);
        }
        final Iterator<Map.Entry<Long, String>> it = map.entrySet().iterator();
        int seen = 0;
        while (it.hasNext())
        {
            final Map.Entry<Long, String> e = it.next();
            seen++;
            if (e.getKey() >= 10_000)
            {
                assertEquals("new", e.getValue());
                continue;
            }
            assertEquals("v" + e.getKey(), e.getValue());
            // Changes during iteration never throw ConcurrentModificationException.
            map.put(10_000 + e.getKey(), "new");
            map.remove(e.getKey() + 1);
            if (e.getKey() % 2 == 0)
            {
                it.remove();
            }
            else
            {
                assertEquals("v" + e.getKey(), e.setValue("set"));
            }
        }
        assertTrue(seen > 0 && seen < 20_000);
        map.forEach((k, v) -> assertTrue(k >= 10_000 ? v.equals("new") : v.equals("set"), k + "=" + v));
        final Iterator<Map.Entry<Long, Long>> empty = registry.map("e", Codec.LONG, Codec.LONG).entrySet().iterator();
        assertFalse(empty.hasNext());
        assertThrows(java.util.NoSuchElementException.class, empty::next);
        assertThrows(IllegalStateException.class, empty::remove);
        map.verify();
    }

    /**
     * The views' streams while another thread changes the map: a spliterator that reported the size it started
     * with (the default, SIZED) made a stream's toArray fail with "Accept exceeded fixed size" once the count
     * changed. Each view's spliterator must say CONCURRENT and not SIZED, and streams run during writes (proved
     * by the writer's count moving during at least one of them) must see every key the writer never touches.
     */
    @Test
    void theViewsStreamsRunWhileTheMapChanges() throws Exception
    {
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(4));
        for (int k = 0; k < 1_000; k++)
        {
            map.put("stable " + k, (long)k);
        }
        for (final java.util.Spliterator<?> spliterator : List.of(
            map.keySet().spliterator(), map.values().spliterator(), map.entrySet().spliterator()))
        {
            assertTrue(spliterator.hasCharacteristics(java.util.Spliterator.CONCURRENT), "CONCURRENT");
            assertFalse(spliterator.hasCharacteristics(java.util.Spliterator.SIZED), "not SIZED");
            assertTrue(spliterator.hasCharacteristics(java.util.Spliterator.NONNULL), "NONNULL");
        }
        final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final CheckedThread writer = CheckedThread.start("writer", () ->
        {
            for (long i = 0; !stop.get(); i++)
            {
                // Inserts and removals: the count moves both ways, past any size a stream started with.
                map.put("moving " + i % 5_000, i);
                map.remove("moving " + (i * 7) % 5_000);
                writes.incrementAndGet();
            }
        });
        int streamsDuringWrites = 0;
        try
        {
            for (int run = 0; run < 200 && streamsDuringWrites < 20; run++)
            {
                final long before = writes.get();
                final Object[] keys = map.keySet().stream().toArray();
                final long values = map.values().stream().filter(v -> v >= 0).count();
                final Object[] entries = map.entrySet().stream().toArray();
                if (writes.get() != before)
                {
                    streamsDuringWrites++;
                }
                final java.util.Set<Object> seen = new java.util.HashSet<>(List.of(keys));
                for (int k = 0; k < 1_000; k++)
                {
                    assertTrue(seen.contains("stable " + k), "the stream of keys saw stable " + k);
                }
                assertTrue(values >= 1_000 && entries.length >= 1_000, values + " values, " + entries.length + " entries");
            }
        }
        finally
        {
            stop.set(true);
            writer.join();
        }
        assertTrue(streamsDuringWrites > 0, "no stream ran while the writer wrote: the race did not happen");
        map.verify();
    }

    /**
     * A key or value of another type than its codec takes is in no entry, as in ConcurrentHashMap (and in a
     * ClusterMap): reads and removes answer null or false (an Integer where a map of Codec.LONG keys wants a Long
     * is the usual slip), for the built-in codecs and for a codec of the application's own (its ClassCastException).
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aKeyOrValueOfAnotherTypeIsInNoEntryAsInConcurrentHashMap()
    {
        final Map strings = registry.map("s", Codec.STRING, Codec.STRING);
        final Map stringLongs = registry.map("sl", Codec.STRING, Codec.LONG);
        final Map longs = registry.map("l", Codec.LONG, Codec.LONG);
        final Map bytes = registry.map("b", Codec.STRING, Codec.BYTES, MapOptions.defaults().inlineKeyLength(0));
        final Map ownKeys = registry.map("own", new StringCodecUnder("test.own-string"), new StringCodecUnder("test.own-value"));
        for (final Map map : List.of(strings, stringLongs, longs, bytes, ownKeys, new ConcurrentHashMap<>()))
        {
            final Object key = map == longs ? (Object)1L : "one";
            final Object value = map == stringLongs || map == longs ? (Object)10L : map == bytes ? new byte[] {1} : "ten";
            map.put(key, value);
            assertNull(map.get(1), map + ": get");
            assertFalse(map.containsKey(1), map + ": containsKey");
            assertEquals("default", map.getOrDefault(1, "default"), map + ": getOrDefault");
            assertNull(map.remove(1), map + ": remove");
            assertFalse(map.remove(1, value), map + ": remove(k, v)");
            assertFalse(map.remove(key, 10), map + ": remove(k, v) of an Integer value");
            assertFalse(map.keySet().contains(1), map + ": keySet().contains");
            assertFalse(map.keySet().remove(1), map + ": keySet().remove");
            assertFalse(map.entrySet().contains(Map.entry(1, value)), map + ": entrySet().contains");
            assertFalse(map.entrySet().remove(Map.entry(key, 10)), map + ": entrySet().remove");
            assertEquals(1, map.size(), map + ": size");
            assertTrue(map.containsKey(key), map + ": the entry is still there");
        }
        assertThrows(NullPointerException.class, () -> strings.remove(null));
        assertThrows(NullPointerException.class, () -> strings.containsKey(null));
        assertThrows(NullPointerException.class, () -> longs.remove(null, 10L));
    }

    // ---------------------------------------------------------------------------------------------
    // compute, computeIfPresent, merge: the function runs with no lock held, again on what changed
    // ---------------------------------------------------------------------------------------------

    /** The maps whose remap reads differently: by address (String -> Long, String -> String), through the lock-free read (Long -> Long). */
    private List<SharedMap<Object, Object>> remapMaps(final String name)
    {
        return List.of(map(registry.map(name + ".sl", Codec.STRING, Codec.LONG)), map(registry.map(name + ".ss", Codec.STRING, Codec.STRING)),
            map(registry.map(name + ".ll", Codec.LONG, Codec.LONG)));
    }

    @SuppressWarnings("unchecked")
    private static SharedMap<Object, Object> map(final SharedMap<?, ?> map)
    {
        return (SharedMap<Object, Object>)map;
    }

    /** A key and values of the map's codecs: i = 0, 1, 2, ... */
    private static Object key(final SharedMap<Object, Object> map, final int i)
    {
        return (Object)map.keyCodec() == Codec.LONG ? (Object)(long)i : i == 0 ? "k" : "key of more than twenty-eight bytes " + i;
    }

    private static Object value(final SharedMap<Object, Object> map, final long v)
    {
        return (Object)map.valueCodec() == Codec.LONG ? (Object)v : Long.toString(v);
    }

    private static long number(final Object value)
    {
        return value instanceof Long l ? l : Long.parseLong((String)value);
    }

    @Test
    void aRemappingFunctionRunsAgainOnWhatAnotherWriterLeftBetweenItsReadAndItsWrite()
    {
        for (final SharedMap<Object, Object> map : remapMaps("retry"))
        {
            for (int k = 0; k < 2; k++)
            {
                final Object key = key(map, k);
                map.put(key, value(map, 1));
                final List<Long> seen = new ArrayList<>();
                // The other writer is this thread: had the function run under the partition's lock, its put would wait for it.
                final Object merged = map.merge(key, value(map, 10), (old, given) ->
                {
                    seen.add(number(old));
                    if (seen.size() == 1)
                    {
                        map.put(key, value(map, 5));
                    }
                    return value(map, number(old) + number(given));
                });
                assertEquals(List.of(1L, 5L), seen, map.name());
                assertEquals(value(map, 15), merged, map.name());
                assertEquals(value(map, 15), map.get(key), map.name());

                seen.clear();
                final Object computed = map.compute(key, (unused, old) ->
                {
                    seen.add(old == null ? null : number(old));
                    if (seen.size() == 1)
                    {
                        map.remove(key);
                    }
                    return value(map, 7);
                });
                assertEquals(java.util.Arrays.asList(15L, null), seen, map.name() + ": the second run sees the key absent");
                assertEquals(value(map, 7), computed);

                seen.clear();
                assertNull(map.computeIfPresent(key, (unused, old) ->
                {
                    seen.add(number(old));
                    map.remove(key);
                    return value(map, 8);
                }), map.name());
                assertEquals(List.of(7L), seen, map.name() + ": a key removed meanwhile is not computed again");
                assertFalse(map.containsKey(key), map.name());
            }
            map.verify();
        }
    }

    @Test
    void aRemappingFunctionMayRemapOtherKeysOfTheSameMap()
    {
        for (final SharedMap<Object, Object> map : remapMaps("nested"))
        {
            final Object outer = key(map, 0);
            final Object inner = key(map, 1);
            map.put(outer, value(map, 1));
            final Object result = map.merge(outer, value(map, 2), (old, given) ->
            {
                // Inner remaps on this thread while the outer one's key is encoded: each keeps its own.
                assertEquals(value(map, 3), map.merge(inner, value(map, 3), (a, b) -> value(map, number(a) + number(b))));
                assertEquals(value(map, 6), map.compute(inner, (k, v) -> value(map, number(v) * 2)));
                assertEquals(value(map, 6), map.get(inner));
                return value(map, number(old) + number(given));
            });
            assertEquals(value(map, 3), result, map.name());
            assertEquals(value(map, 3), map.get(outer), map.name());
            assertEquals(value(map, 6), map.get(inner), map.name());
            assertEquals(2, map.size(), map.name());
            map.verify();
        }
    }

    @Test
    void aRemappingFunctionThatThrowsLeavesTheMapAsItWas()
    {
        for (final SharedMap<Object, Object> map : remapMaps("throws"))
        {
            final Object key = key(map, 1);
            map.put(key, value(map, 4));
            final IllegalStateException thrown = new IllegalStateException("refused");
            assertSame(thrown, assertThrows(IllegalStateException.class, () -> map.merge(key, value(map, 1), (a, b) ->
            {
                throw thrown;
            })));
            assertSame(thrown, assertThrows(IllegalStateException.class, () -> map.compute(key(map, 2), (k, v) ->
            {
                throw thrown;
            })));
            assertEquals(value(map, 4), map.get(key), map.name());
            assertFalse(map.containsKey(key(map, 2)), map.name());
            // The thread's remap buffers are free again: a merge after the failure writes its own key.
            assertEquals(value(map, 5), map.merge(key, value(map, 1), (a, b) -> value(map, number(a) + number(b))));
            assertEquals(1, map.size(), map.name());
        }
    }

    @Test
    void mergeOfLongValuesThatTheLockFreeReadCannotTellApartIsExact()
    {
        final SharedMap<String, Long> strings = registry.map("markers", Codec.STRING, Codec.LONG);
        final SharedMap<Long, Long> longs = registry.map("long-markers", Codec.LONG, Codec.LONG);
        for (final long marker : new long[] {Long.MIN_VALUE, HashTable.UNDECIDED})
        {
            for (final SharedMap<Object, Object> map : List.of(map(strings), map(longs)))
            {
                final Object key = map == (Object)strings ? "marker " + marker : (Object)marker;
                assertEquals(marker, map.merge(key, marker, (a, b) -> (Long)a + (Long)b), "absent: the value given");
                assertEquals(marker + 1, map.merge(key, 1L, (a, b) -> (Long)a + (Long)b));
                assertEquals(marker, map.merge(key, -1L, (a, b) -> (Long)a + (Long)b));
                assertEquals(marker, map.compute(key, (k, v) -> v));
                assertEquals(marker, map.get(key));
                assertEquals(marker, map.computeIfPresent(key, (k, v) -> v));
            }
        }
        strings.verify();
        longs.verify();
    }

    // ---------------------------------------------------------------------------------------------
    // Primitive paths, variable sizes, errors
    // ---------------------------------------------------------------------------------------------

    @Test
    void primitivePathsAgreeWithTheBoxedOnes()
    {
        final SharedMap<Long, Long> map = registry.map("counters", Codec.LONG, Codec.LONG);
        assertEquals(-1, map.getLong(5, -1));
        assertFalse(map.containsLong(5));
        assertEquals(3, map.addAndGet(5, 3));
        assertEquals(10, map.addAndGet(5, 7));
        assertEquals(10L, map.get(5L));
        map.putLong(6, Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, map.get(6L), "a stored MIN_VALUE is told from an absent key");
        assertTrue(map.containsLong(6));
        assertNull(map.get(7L));
        assertEquals(Long.MIN_VALUE, map.put(6L, 1L));
        assertEquals(1L, map.merge(6L, 5L, Long::sum) - 5);
        assertEquals(2, map.size());
        // The lock-free read's "cannot tell" marker, as a value and as a default: the exact path answers.
        map.putLong(8, HashTable.UNDECIDED);
        assertEquals(HashTable.UNDECIDED, map.getLong(8, 0));
        assertEquals(HashTable.UNDECIDED, map.get(8L));
        assertEquals(HashTable.UNDECIDED, map.getLong(9, HashTable.UNDECIDED));
        assertEquals(-1, map.getLong(9, -1));
        assertTrue(map.remove(8L, HashTable.UNDECIDED));
        final SharedMap<String, Long> strings = registry.map("strings", Codec.STRING, Codec.LONG);
        final UnsupportedOperationException ex = assertThrows(UnsupportedOperationException.class, () -> strings.addAndGet(1, 1));
        assertEquals("addAndGet needs a map of Codec.LONG keys and values, but map \"strings\" has key codec " +
            "\"dsmreg.string-utf8\" and value codec \"dsmreg.long\"", ex.getMessage());
    }

    /** Codec.LONG's encoding under another codec, so that a map of it takes the generic (codec) paths. */
    private static final Codec<Long> GENERIC_LONG = new Codec<>()
    {
        public String id()
        {
            return "test.long";
        }

        public int fixedSize()
        {
            return Long.BYTES;
        }

        public void encode(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value);
        }

        public Long decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getLong(offset);
        }
    };

    @Test
    void theLongPathsAgreeWithTheGenericPathsOnRandomOperations()
    {
        // One partition and few keys: many growths, tombstones, probes past full groups and wrapping around.
        final MapOptions options = MapOptions.defaults().partitions(1);
        final SharedMap<Long, Long> longs = registry.map("fast", Codec.LONG, Codec.LONG, options);
        final SharedMap<Long, Long> generic = registry.map("generic", GENERIC_LONG, GENERIC_LONG, options);
        final Map<Long, Long> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 60_000; i++)
        {
            final long key = random.nextInt(3) == 0 ? random.nextLong() : random.nextLong(2_000) - 1_000;
            final int kind = random.nextInt(20);
            final long value = kind == 0 ? Long.MIN_VALUE : kind == 1 ? HashTable.UNDECIDED : random.nextLong();
            switch (random.nextInt(5))
            {
                case 0, 1 ->
                {
                    longs.putLong(key, value);
                    generic.put(key, value);
                    model.put(key, value);
                }
                case 2 ->
                {
                    assertEquals(model.remove(key), longs.remove(key));
                    generic.remove(key);
                }
                case 3 ->
                {
                    final long sum = model.merge(key, value, Long::sum);
                    assertEquals(sum, longs.addAndGet(key, value));
                    generic.merge(key, value, Long::sum);
                }
                default ->
                {
                    final Long expected = model.get(key);
                    assertEquals(expected == null ? 42 : expected, longs.getLong(key, 42), "getLong " + key);
                    assertEquals(expected == null ? HashTable.UNDECIDED : expected, longs.getLong(key, HashTable.UNDECIDED));
                    assertEquals(expected, longs.get(key), "get " + key);
                    assertEquals(expected, generic.get(key), "generic get " + key);
                    assertEquals(expected != null, longs.containsLong(key));
                }
            }
        }
        for (final Map.Entry<Long, Long> e : model.entrySet())
        {
            assertEquals(e.getValue(), longs.getLong(e.getKey(), 42));
            assertEquals(e.getValue(), generic.get(e.getKey()));
        }
        assertEquals(model.size(), longs.size());
        assertEquals(new HashMap<>(generic), new HashMap<>(longs));
        longs.verify();
    }

    @Test
    void lockFreeReadsDuringGrowthSeeNeitherATornNorAStaleValue() throws Exception
    {
        // Readers probe tables by address while a writer grows, replaces and frees them. Values are versioned
        // ((version << 32) | key, the version of a key rising with every put of it) and the writer publishes a
        // key's version once its put returned: a read started after that must see that version or a later one,
        // a removed key must stay absent, and one reader never sees a key's version go back. A read of a table
        // the writer had already replaced, or of a slot half-written, breaks one of these.
        final SharedMap<Long, Long> map = registry.map("growing", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(2));
        final int keys = 150_000;
        final AtomicLongArray published = new AtomicLongArray(keys);
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        final long[] versions = new long[keys];
        try
        {
            final Future<?> writer = pool.submit(() ->
            {
                final SplittableRandom random = new SplittableRandom(3);
                for (int k = 0; k < keys; k++)
                {
                    put(map, published, versions, k);
                    if (k % 3 == 0)
                    {
                        final int gone = k / 2;
                        // Announced first: a reader may find the key gone before remove() returns.
                        published.set(gone, REMOVING);
                        map.remove((long)gone);
                        versions[gone] = REMOVED;
                        published.set(gone, REMOVED);
                    }
                    final int again = random.nextInt(k + 1);
                    if (versions[again] != REMOVED)
                    {
                        put(map, published, versions, again);
                    }
                }
            });
            final List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                final int seed = r;
                readers.add(pool.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    final long[] seen = new long[keys];
                    long hits = 0;
                    while (!writer.isDone())
                    {
                        final int k = random.nextInt(keys);
                        hits += checkRead(k, published.get(k), map.getLong(k, -1), published, seen) ? 1 : 0;
                        final long floor = published.get(k);
                        final Long boxed = map.get((long)k);
                        checkRead(k, floor, boxed == null ? -1 : boxed, published, seen);
                    }
                    return hits;
                }));
            }
            writer.get();
            for (final Future<Long> reader : readers)
            {
                assertTrue(reader.get() > 0, "a reader found values while the writer grew the map");
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        for (int k = 0; k < keys; k++)
        {
            assertEquals(versions[k] == REMOVED ? -1 : versions[k] << 32 | k, map.getLong(k, -1), "key " + k);
        }
        map.verify();
    }

    /** A key's published version once removed: it never comes back. */
    private static final long REMOVED = -1;
    /** A key's published version while its removal runs. */
    private static final long REMOVING = -2;

    private static void put(final SharedMap<Long, Long> map, final AtomicLongArray published, final long[] versions, final int key)
    {
        final long version = versions[key] + 1;
        map.putLong(key, version << 32 | key);
        versions[key] = version;
        // Only after the put returned: a read that starts later must see this version or a later one.
        published.set(key, version);
    }

    /**
     * Checks one read of {@code key} against the version published before it ({@code floor}); a key found missing
     * must have been removed, or be being removed, by the time the read ended. Returns whether the key was there.
     */
    private static boolean checkRead(
        final int key, final long floor, final long value, final AtomicLongArray published, final long[] seen)
    {
        if (value == -1)
        {
            final long after = published.get(key);
            if (floor > 0 && after != REMOVING && after != REMOVED)
            {
                throw new AssertionError("key " + key + " is missing, though version " + floor + " was written before the read");
            }
            return false;
        }
        final long version = value >>> 32;
        if ((value & 0xFFFF_FFFFL) != key || floor == REMOVED || version < floor || version < seen[key])
        {
            throw new AssertionError("key " + key + " read 0x" + Long.toHexString(value) + " (version " + version + ") after " +
                "version " + floor + " was written" + (floor == REMOVED ? " and removed" : "") + " and this reader saw version " +
                seen[key]);
        }
        seen[key] = version;
        return true;
    }

    @Test
    void variableSizeKeysAndValuesLiveInTheAreaAndAreFreedWhenReplacedOrRemoved()
    {
        final SharedMap<String, byte[]> map = registry.map("blobs", Codec.STRING, Codec.BYTES);
        final long empty = map.bytesInUse();
        for (int i = 0; i < 1000; i++)
        {
            map.put("key " + i, new byte[i]);
        }
        final long full = map.bytesInUse();
        for (int i = 0; i < 1000; i++)
        {
            assertArrayEquals(new byte[i], map.put("key " + i, new byte[1000 - i]));
        }
        assertEquals(1000 - 3, map.get("key 3").length);
        assertTrue(map.replace("key 3", new byte[997], new byte[] {1}), "values compare by contents");
        assertArrayEquals(new byte[] {1}, map.get("key 3"));
        assertEquals("", registry.map("empty", Codec.STRING, Codec.STRING).computeIfAbsent("", k -> ""));
        map.verify();
        map.clear();
        assertEquals(0, map.size());
        assertTrue(map.bytesInUse() < full, "blocks freed: " + map.bytesInUse() + " < " + full);
        assertTrue(map.bytesInUse() - empty < 64 * 1024 * 2, "only tables remain");
        map.verify();
    }

    @Test
    void codecFailuresAndOversizedKeysAreClearErrorsThatChangeNothing()
    {
        final Codec<String> liar = new Codec<>()
        {
            @Override
            public String id()
            {
                return "test.liar";
            }

            @Override
            public int fixedSize()
            {
                return Codec.VARIABLE_SIZE;
            }

            @Override
            public int size(final String value)
            {
                return 2;
            }

            @Override
            public void encode(final String value, final MutableDirectBuffer buffer, final int offset)
            {
                buffer.putStringWithoutLengthAscii(offset, value);
            }

            @Override
            public String decode(final DirectBuffer buffer, final int offset, final int length)
            {
                throw new IllegalStateException("cannot decode");
            }
        };
        final SharedMap<String, String> map = registry.map("m", Codec.STRING, liar);
        final CodecException tooLong = assertThrows(CodecException.class, () -> map.put("a", "three"));
        assertTrue(tooLong.getMessage().startsWith("codec \"test.liar\" of map \"m\" failed to encode the value three: it wrote " +
            "past the 2 bytes it declared"), tooLong.getMessage());
        assertEquals(0, map.size(), "unchanged");
        assertNull(map.put("a", "ok"));
        final CodecException decode = assertThrows(CodecException.class, () -> map.get("a"));
        assertTrue(decode.getMessage().startsWith("codec \"test.liar\" of map \"m\" failed to decode a value of 2 bytes: " +
            "java.lang.IllegalStateException: cannot decode"), decode.getMessage());

        final SharedMap<String, Long> strings = registry.map("s", Codec.STRING, Codec.LONG);
        final InvalidSizeException bigKey = assertThrows(InvalidSizeException.class, () -> strings.put("k".repeat(70_000), 1L));
        assertEquals("a key of 70000 bytes is larger than the largest key of map \"s\", 65536 bytes", bigKey.getMessage());
        assertEquals(0, strings.size());

        final EntryMismatchException mismatch = assertThrows(EntryMismatchException.class,
            () -> registry.map("s", Codec.STRING, Codec.INTEGER));
        assertEquals("requested map \"s\" with key codec \"dsmreg.string-utf8\" (variable size) and value codec " +
            "\"dsmreg.integer\" (4 bytes), 128 partitions, no size limit, keys of up to 28 bytes in the slot but the existing " +
            "map has key codec \"dsmreg.string-utf8\" (variable size) and value codec \"dsmreg.long\" (8 bytes), 128 partitions, " +
            "no size limit, keys of up to 28 bytes in the slot; ask for it as a map with those, or remove the entry first to create it anew", mismatch.getMessage());
        assertThrows(EntryMismatchException.class, () -> registry.hash("s", HashParams.of(8, 16)));
        assertThrows(EntryMismatchException.class,
            () -> registry.map("s", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(64)));
        assertSame(strings, registry.map("s", Codec.STRING, Codec.LONG));
    }

    @Test
    void aSizeLimitMakesInsertsFailCleanly()
    {
        final SharedMap<String, String> map =
            registry.map("m", Codec.STRING, Codec.STRING, MapOptions.defaults().partitions(2).sizeLimit(1 << 20));
        int i = 0;
        OutOfSpaceException full = null;
        while (full == null)
        {
            try
            {
                map.put("key " + i, "a value of some length " + i);
                i++;
            }
            catch (final OutOfSpaceException ex)
            {
                full = ex;
            }
        }
        assertTrue(full.getMessage().startsWith("cannot insert into map \"m\""), full.getMessage());
        assertTrue(i > 1000, "inserted " + i);
        assertEquals(i, map.size());
        assertTrue(map.reservedBytes() <= (1 << 20) + 8192, "reserved " + map.reservedBytes());
        assertNull(map.get("key " + i));
        assertEquals("a value of some length 0", map.get("key 0"));
        map.verify();
        map.remove("key 0");
        map.verify();
    }

    // ---------------------------------------------------------------------------------------------
    // Maps sized up front (MapOptions.expectedEntries)
    // ---------------------------------------------------------------------------------------------

    @Test
    void aMapSizedUpFrontHoldsItsExpectedEntriesInTheMemoryItWasCreatedWith()
    {
        final int entries = 50_000;
        final SharedMap<String, Long> sized =
            registry.map("sized", Codec.STRING, Codec.LONG, MapOptions.defaults().expectedEntries(entries));
        final long reservedAtCreation = sized.reservedBytes();
        final long inUseAtCreation = sized.bytesInUse();
        for (int i = 0; i < entries; i++)
        {
            assertNull(sized.put(String.format("route-%018d", i), (long)i));
        }
        assertEquals(inUseAtCreation, sized.bytesInUse(), "no table grew: the keys are in the slots created for them");
        assertEquals(reservedAtCreation, sized.reservedBytes(), "no file was added");
        for (int i = 0; i < entries; i++)
        {
            assertEquals(i, sized.get(String.format("route-%018d", i)));
        }
        sized.verify();

        // The same entries in a map that grows: more memory, in files that growth left holes in.
        final SharedMap<String, Long> growing = registry.map("growing", Codec.STRING, Codec.LONG);
        for (int i = 0; i < entries; i++)
        {
            growing.put(String.format("route-%018d", i), (long)i);
        }
        assertTrue(reservedAtCreation < growing.reservedBytes(),
            "sized " + reservedAtCreation + " bytes, grown " + growing.reservedBytes());
        assertTrue(reservedAtCreation < inUseAtCreation * 21 / 20 + (1 << 16),
            "the tables' one file is about their size: " + reservedAtCreation + " reserved for " + inUseAtCreation + " in use");
    }

    @Test
    void aMapSizedUpFrontStillGrowsPastItsExpectedEntriesAndBehavesAsConcurrentHashMap()
    {
        final SharedMap<Long, Long> sized =
            registry.map("sized", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(2).expectedEntries(100));
        final long inUseAtCreation = sized.bytesInUse();
        for (long k = 0; k < 10_000; k++)
        {
            sized.put(k, -k);
        }
        assertTrue(sized.bytesInUse() > inUseAtCreation, "the tables grew past the expected entries");
        for (long k = 0; k < 10_000; k++)
        {
            assertEquals(-k, sized.get(k));
        }
        sized.verify();
        compareWithConcurrentHashMap(registry.map("random", Codec.STRING, Codec.STRING, MapOptions.defaults().expectedEntries(150)),
            r -> "key-" + r.nextInt(300), r -> "v".repeat(r.nextInt(0, 40)));
    }

    @Test
    void expectedEntriesAreRecordedAndAskingWithOthersIsAMismatch()
    {
        final MapOptions options = MapOptions.defaults().expectedEntries(1000);
        final SharedMap<String, Long> map = registry.map("sized", Codec.STRING, Codec.LONG, options);
        map.put("a", 1L);
        final EntryMismatchException ex =
            assertThrows(EntryMismatchException.class, () -> registry.map("sized", Codec.STRING, Codec.LONG));
        assertTrue(ex.getMessage().contains("sized for 1000 entries"), ex.getMessage());
        assertEquals("MapOptions{partitions=128, sizeLimit=unlimited, inlineKeyLength=28, expectedEntries=1000}", options.toString());
        assertNotEquals(MapOptions.defaults(), options);
        assertEquals(options, MapOptions.defaults().expectedEntries(1000));
        assertEquals(options.hashCode(), MapOptions.defaults().expectedEntries(1000).hashCode());
        try (DsmRegistry other = DsmRegistry.open("test", RegistryOptions.defaults().root(root)))
        {
            assertEquals(1L, other.map("sized", Codec.STRING, Codec.LONG, options).get("a"), "attached with the same options");
        }
    }

    @Test
    void expectedEntriesOutOfReachAreRefusedBeforeAnythingIsCreated()
    {
        final IllegalArgumentException negative =
            assertThrows(IllegalArgumentException.class, () -> MapOptions.defaults().expectedEntries(-1));
        assertTrue(negative.getMessage().startsWith("expected entries -1 is negative"), negative.getMessage());
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () ->
            registry.map("huge", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(1).expectedEntries(100_000_000)));
        assertTrue(tooMany.getMessage().startsWith("a map of 1 partitions cannot be sized for 100000000 expected entries: " +
            "each partition's table would take 1 GiB or more"), tooMany.getMessage());
        assertTrue(registry.entries().isEmpty(), "nothing was created: " + registry.entries());
    }

    @Test
    void tablesBeyondTheSizeLimitFailTheCreationCleanly()
    {
        final OutOfSpaceException ex = assertThrows(OutOfSpaceException.class, () -> registry.map("sized", Codec.STRING, Codec.LONG,
            MapOptions.defaults().sizeLimit(1 << 20).expectedEntries(100_000)));
        assertTrue(ex.getMessage().startsWith("cannot create map \"sized\" sized for 100000 entries: its 128 tables of "),
            ex.getMessage());
        assertTrue(ex.getMessage().endsWith("Ask for fewer expected entries, a larger size limit, or make room in the registry's " +
            "directory"), ex.getMessage());
        assertTrue(registry.entries().isEmpty(), "the failed creation left no entry: " + registry.entries());
        final SharedMap<String, Long> map =
            registry.map("sized", Codec.STRING, Codec.LONG, MapOptions.defaults().sizeLimit(1 << 20).expectedEntries(1000));
        map.put("a", 1L);
        assertEquals(1L, map.get("a"));
        map.verify();
    }

    @Test
    void threadsMergingCountersLoseNoUpdate() throws Exception
    {
        final SharedMap<String, Long> hits = registry.map("hits", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(2));
        final SharedMap<Long, Long> counters = registry.map("counters", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(2));
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final int seed = t;
                futures.add(pool.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 20_000; i++)
                    {
                        hits.merge("page " + random.nextInt(50), 1L, Long::sum);
                        counters.addAndGet(random.nextInt(500), 1);
                        counters.merge((long)random.nextInt(500), 1L, Long::sum);
                    }
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
        }
        finally
        {
            pool.shutdown();
        }
        assertEquals(80_000L, hits.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(160_000L, counters.values().stream().mapToLong(Long::longValue).sum());
        hits.verify();
        counters.verify();
    }
}
