package io.dsmreg.hash;

import org.agrona.DirectBuffer;

/**
 * The key hash every process computes alike: 8-byte words (in the platform's order, as stored)
 * mixed by MurmurHash3's finalizer. {@link #hashLong(long)} equals {@link #hashBytes} of the key's
 * 8 bytes, so a map of long keys needs no buffer to hash one.
 */
public final class Hashing
{
    private static final long SEED = 0x2545_F491_4F6C_DD1DL;
    private static final long LENGTH_MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;
    private static final long SEED_8 = SEED ^ (8 * LENGTH_MULTIPLIER);

    private Hashing()
    {
    }

    public static long hashLong(final long key)
    {
        return mix(SEED_8 ^ key);
    }

    public static long hashBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        long hash = SEED ^ (length * LENGTH_MULTIPLIER);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            hash = mix(hash ^ buffer.getLong(offset + i));
        }
        if (i < length)
        {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 8)
            {
                tail |= (buffer.getByte(offset + i) & 0xFFL) << shift;
            }
            hash = mix(hash ^ tail ^ LENGTH_MULTIPLIER);
        }
        return hash;
    }

    private static long mix(final long value)
    {
        long x = value;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        x *= 0xC4CE_B9FE_1A85_EC53L;
        x ^= x >>> 33;
        return x;
    }
}
