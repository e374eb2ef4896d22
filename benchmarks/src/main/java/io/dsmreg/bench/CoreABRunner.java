package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedMap;

import java.nio.file.Path;

/**
 * CoreAB's side inside one build's class loader: a Long -> Long map filled with the keys, and the
 * operations CoreAB times, each one million times over random keys; an area for 64-byte allocations
 * and a segment for lookups; for the string operations, made on their first call (a warm-up round), a
 * String -> Long map of StringInterleaved's 500,000 ASCII keys of 8 to 40 characters, one of as many keys with
 * characters outside ASCII, and String -> String and String -> byte[] maps of 100,000 keys and values of
 * 16 B to 1 KiB. Public for reflection only.
 */
public final class CoreABRunner
{
    static final int OPS = 1_000_000;

    private static final String SEGMENT = "bench.segment";
    private static final int SEGMENT_SIZE = 4096;

    private static DsmRegistry registry;
    private static SharedMap<Long, Long> map;
    private static SharedArea area;
    private static final int STRING_KEYS = 500_000;
    private static final int VALUE_KEYS = 100_000;

    private static long[] keys;
    /** The keys of {@link #OPS} random draws, in draw order: getLongStream reads them one after the other. */
    private static long[] stream;
    private static Long[] boxed;
    private static SharedMap<String, Long> strings;
    private static String[] stringKeys;
    private static String[] valueKeys;
    private static String[] nonAsciiKeys;
    private static SharedMap<String, Long> nonAscii;
    private static SharedMap<String, String> stringValues;
    /** The values stringValues was filled with, which stringValuePut writes again under other keys. */
    private static String[] valueStrings;
    private static SharedMap<String, byte[]> byteValues;

    private CoreABRunner()
    {
    }

    public static void setUp(final long[] keys, final Long[] boxed, final String directory)
    {
        CoreABRunner.keys = keys;
        CoreABRunner.boxed = boxed;
        // Left open: the JVM's exit ends it, and CoreAB deletes the directory.
        registry = HashData.registry(Path.of(directory));
        map = registry.map("bench", Codec.LONG, Codec.LONG);
        area = registry.area("bench.area");
        registry.segment(SEGMENT, SEGMENT_SIZE);
        for (final long key : keys)
        {
            map.putLong(key, key);
        }
        stream = HashData.stream(keys, OPS);
    }

    public static long getLong(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.getLong(keys[HashData.next(state)], -1);
        }
        return sum;
    }

    /**
     * {@link #getLong} over keys read in order from an array of random draws, as lookup benchmarks of C++ hash
     * tables run: the loop's only random reads are the map's, not also the key array's.
     */
    public static long getLongStream(final int[] state)
    {
        long sum = 0;
        for (final long key : stream)
        {
            sum += map.getLong(key, -1);
        }
        return sum;
    }

    public static long get(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.get(boxed[HashData.next(state)]);
        }
        return sum;
    }

    public static long putLong(final int[] state)
    {
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            map.putLong(keys[index], state[0]);
        }
        return 0;
    }

    public static long put(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final int index = HashData.next(state);
            final Long previous = map.put(boxed[index], state[0] & 0xFFFFL);
            sum += previous == null ? 0 : previous;
        }
        return sum;
    }

    /** {@code merge(key, 1L, Long::sum)} of the Long -> Long map. */
    public static long merge(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.merge(boxed[HashData.next(state)], 1L, Long::sum);
        }
        return sum;
    }

    /** {@code get} of a String -> Long map, with the instances the map was filled from (as StringInterleaved). */
    public static long stringGet(final int[] state)
    {
        final SharedMap<String, Long> map = stringMap();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.get(stringKeys[StringData.next(state, STRING_KEYS)]);
        }
        return sum;
    }

    /** {@code get} of a String -> Long map of 500,000 keys of which about a quarter of the chars are not ASCII. */
    public static long nonAsciiGet(final int[] state)
    {
        nonAsciiMap();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += nonAscii.get(nonAsciiKeys[StringData.next(state, STRING_KEYS)]);
        }
        return sum;
    }

    private static synchronized void nonAsciiMap()
    {
        if (nonAscii == null)
        {
            nonAsciiKeys = StringData.keys(STRING_KEYS, true, 42);
            nonAscii = registry.map("non-ascii", Codec.STRING, Codec.LONG);
            for (int i = 0; i < STRING_KEYS; i++)
            {
                nonAscii.put(nonAsciiKeys[i], (long)i);
            }
        }
    }

    /** {@code addAndGet(key, 1)} of the String -> Long map. */
    public static long stringAddAndGet(final int[] state)
    {
        final SharedMap<String, Long> map = stringMap();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.addAndGet(stringKeys[StringData.next(state, STRING_KEYS)], 1);
        }
        return sum;
    }

    /** {@code merge(key, 1L, Long::sum)} of the String -> Long map: ConcurrentMap's counting idiom. */
    public static long stringMerge(final int[] state)
    {
        final SharedMap<String, Long> map = stringMap();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += map.merge(stringKeys[StringData.next(state, STRING_KEYS)], 1L, Long::sum);
        }
        return sum;
    }

    private static synchronized SharedMap<String, Long> stringMap()
    {
        if (strings == null)
        {
            stringKeys = StringData.keys(STRING_KEYS, false, 42);
            strings = registry.map("strings", Codec.STRING, Codec.LONG);
            for (int i = 0; i < STRING_KEYS; i++)
            {
                strings.put(stringKeys[i], (long)i);
            }
        }
        return strings;
    }

    /** {@code get} of a String -> String map, values of 16 B to 1 KiB (as StringInterleaved's S->S). */
    public static long stringValueGet(final int[] state)
    {
        valueMaps();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += stringValues.get(valueKeys[StringData.next(state, VALUE_KEYS)]).length();
        }
        return sum;
    }

    /** {@code put} of the String -> String map: a value of 16 B to 1 KiB encoded and written over a key's. */
    public static long stringValuePut(final int[] state)
    {
        valueMaps();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final String previous = stringValues.put(valueKeys[StringData.next(state, VALUE_KEYS)],
                valueStrings[StringData.next(state, VALUE_KEYS)]);
            sum += previous.length();
        }
        return sum;
    }

    /** {@code get} of a String -> byte[] map, values of 16 B to 1 KiB (as StringInterleaved's S->B). */
    public static long bytesGet(final int[] state)
    {
        valueMaps();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += byteValues.get(valueKeys[StringData.next(state, VALUE_KEYS)]).length;
        }
        return sum;
    }

    /** {@code containsKey} of the String -> byte[] map: whether the key is there, its value not read. */
    public static long bytesContainsKey(final int[] state)
    {
        valueMaps();
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += byteValues.containsKey(valueKeys[StringData.next(state, VALUE_KEYS)]) ? 1 : 0;
        }
        return sum;
    }

    private static synchronized void valueMaps()
    {
        if (valueKeys == null)
        {
            valueKeys = StringData.keys(VALUE_KEYS, false, 43);
            valueStrings = StringData.stringValues(VALUE_KEYS, 44);
            final byte[][] bytes = StringData.byteValues(VALUE_KEYS, 45);
            stringValues = registry.map("string-values", Codec.STRING, Codec.STRING);
            byteValues = registry.map("byte-values", Codec.STRING, Codec.BYTES);
            for (int i = 0; i < VALUE_KEYS; i++)
            {
                stringValues.put(valueKeys[i], valueStrings[i]);
                byteValues.put(valueKeys[i], bytes[i]);
            }
        }
    }

    /** Allocates 64 bytes and frees them: the magazine path of a size class. */
    public static long allocateFree(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            final long pointer = area.allocate(64);
            sum += pointer;
            area.free(pointer);
        }
        return sum;
    }

    /** Asks for a segment this process already attached: the registry's cached lookup. */
    public static long segment(final int[] state)
    {
        long sum = 0;
        for (int i = 0; i < OPS; i++)
        {
            sum += registry.segment(SEGMENT, SEGMENT_SIZE).size();
        }
        return sum;
    }
}
