package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.SharedMap;

import java.nio.file.Path;

/**
 * CoreAB's side inside one build's class loader: a Long -> Long map filled with the keys, and the
 * operations CoreAB times, each one million times over random keys. Public for reflection only.
 */
public final class CoreABRunner
{
    static final int OPS = 1_000_000;

    private static SharedMap<Long, Long> map;
    private static long[] keys;
    private static Long[] boxed;

    private CoreABRunner()
    {
    }

    public static void setUp(final long[] keys, final Long[] boxed, final String directory)
    {
        CoreABRunner.keys = keys;
        CoreABRunner.boxed = boxed;
        // Left open: the JVM's exit ends it, and CoreAB deletes the directory.
        map = HashData.registry(Path.of(directory)).map("bench", Codec.LONG, Codec.LONG);
        for (final long key : keys)
        {
            map.putLong(key, key);
        }
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
}
