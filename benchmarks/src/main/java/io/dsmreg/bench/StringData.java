package io.dsmreg.bench;

import java.util.HashSet;
import java.util.SplittableRandom;

/**
 * The data of the String-keyed benchmarks: keys of 8 to 40 characters that look like routes, user
 * ids and tenant names (ASCII, or with about one character in four outside ASCII: Latin-1 accents,
 * Greek, CJK), and values of 16 bytes to 1 KiB. The same data in every run (fixed seeds).
 */
final class StringData
{
    private static final String ASCII = "abcdefghijklmnopqrstuvwxyz0123456789/-_.";
    private static final String NON_ASCII = "éüßçñøΩλ中文日本한";

    private StringData()
    {
    }

    /** {@code count} distinct keys of 8 to 40 characters; with {@code nonAscii}, about a quarter of the characters are not ASCII. */
    static String[] keys(final int count, final boolean nonAscii, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final HashSet<String> seen = new HashSet<>();
        final String[] keys = new String[count];
        final StringBuilder key = new StringBuilder();
        for (int i = 0; i < count; )
        {
            key.setLength(0);
            final int length = 8 + random.nextInt(33);
            for (int c = 0; c < length; c++)
            {
                key.append(nonAscii && random.nextInt(4) == 0 ?
                    NON_ASCII.charAt(random.nextInt(NON_ASCII.length())) : ASCII.charAt(random.nextInt(ASCII.length())));
            }
            final String k = key.toString();
            if (seen.add(k))
            {
                keys[i++] = k;
            }
        }
        return keys;
    }

    /** Keys of exactly {@code length} ASCII characters (for the memory figure: about two dozen). */
    static String[] keysOfLength(final int count, final int length, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final HashSet<String> seen = new HashSet<>();
        final String[] keys = new String[count];
        final char[] chars = new char[length];
        for (int i = 0; i < count; )
        {
            for (int c = 0; c < length; c++)
            {
                chars[c] = ASCII.charAt(random.nextInt(ASCII.length()));
            }
            final String k = new String(chars);
            if (seen.add(k))
            {
                keys[i++] = k;
            }
        }
        return keys;
    }

    /** {@code count} ASCII strings of 16 to 1024 characters (so as many bytes). */
    static String[] stringValues(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final String[] values = new String[count];
        final char[] chars = new char[1024];
        for (int i = 0; i < count; i++)
        {
            final int length = 16 + random.nextInt(1024 - 16 + 1);
            for (int c = 0; c < length; c++)
            {
                chars[c] = ASCII.charAt(random.nextInt(ASCII.length()));
            }
            values[i] = new String(chars, 0, length);
        }
        return values;
    }

    /** {@code count} byte arrays of 16 to 1024 bytes. */
    static byte[][] byteValues(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            values[i] = new byte[16 + random.nextInt(1024 - 16 + 1)];
            for (int b = 0; b < values[i].length; b++)
            {
                values[i][b] = (byte)random.nextInt();
            }
        }
        return values;
    }

    static double averageLength(final String[] strings)
    {
        long sum = 0;
        for (final String s : strings)
        {
            sum += s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return (double)sum / strings.length;
    }

    /** A per-thread stream of indexes below {@code bound}, uniformly random (xorshift, as HashData's). */
    static int next(final int[] state, final int bound)
    {
        int x = state[0];
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        state[0] = x;
        return (int)(((x & 0xFFFF_FFFFL) * bound) >>> 32);
    }
}
