package io.dsmreg.internal.hash;

import io.dsmreg.internal.layout.HashDescriptor;
import org.agrona.DirectBuffer;

/**
 * The key hash every process computes alike: 8-byte words (in the platform's order, as stored),
 * each mixed into the hash by a folded 128-bit multiply: the signed high half of the product with
 * an odd constant xored with its low half, like wyhash's "mum" (which multiplies unsigned;
 * {@code Math.unsignedMultiplyHigh} needs Java 18). Every bit of the word reaches the bits the table
 * uses (partition from the top, home group from the middle, tag from the bottom) in three
 * instructions, where MurmurHash3's finalizer, used before, took nine; the lookup's critical path
 * starts with it. Unlike that finalizer it is not a bijection, so two long keys may share a hash:
 * harmless, since keys are always compared. {@link #hashLong(long)} equals {@link #hashBytes} of
 * the key's 8 bytes, so a map of long keys needs no buffer to hash one. Changing this function
 * changes where every key lives: bump {@code HashDescriptor.MAJOR_VERSION}.
 */
public final class Hashing
{
    private static final long SEED = 0x2545_F491_4F6C_DD1DL;
    private static final long LENGTH_MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;
    private static final long MULTIPLIER = 0xA076_1D64_78BD_642FL;
    private static final long SEED_8 = SEED ^ (8 * LENGTH_MULTIPLIER);

    private Hashing()
    {
    }

    public static long hashLong(final long key)
    {
        return mix(SEED_8 ^ key);
    }

    /**
     * The hash of a key of UTF-8 bytes (tables whose header says {@code HASH_UTF8}: {@code Codec.STRING}'s keys):
     * Java's String hash of their decoding (malformed bytes decode to U+FFFD), mixed by {@link #hashString}. An
     * ASCII key's hash is its bytes' polynomial, with no decoding.
     */
    public static long hashUtf8(final DirectBuffer buffer, final int offset, final int length)
    {
        int stringHash = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < 0)
            {
                return hashString(buffer.getStringWithoutLengthUtf8(offset, length).hashCode());
            }
            stringHash = 31 * stringHash + b;
        }
        return hashString(stringHash);
    }

    /**
     * {@link #hashUtf8} of a String's UTF-8 encoding, from the hash the String caches ({@link String#hashCode}):
     * the two are equal for every String that has a UTF-8 encoding, that is without an unpaired surrogate
     * ({@link StrictUtf8}), the only Strings a table stores. One multiply spreads the 32 bits over the bits the table uses.
     */
    public static long hashString(final int stringHash)
    {
        return mix(SEED ^ (stringHash & 0xFFFF_FFFFL));
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
        return Math.multiplyHigh(value, MULTIPLIER) ^ (value * MULTIPLIER);
    }
}
