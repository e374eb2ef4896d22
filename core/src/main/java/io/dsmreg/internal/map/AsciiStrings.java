package io.dsmreg.internal.map;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes a String already holds, when they are its UTF-8 encoding: read in place, so that a String
 * key needs no copy and no loop over its chars on a map's read path.
 *
 * <p>Since JDK 9 a String whose chars all fit in one byte keeps them in a {@code byte[] value}, one byte
 * per char, with {@code coder} 0 (LATIN1); if none is above 0x7F, that array is exactly the String's
 * UTF-8 encoding. Both fields are private to {@code java.lang.String}, so they are read through Agrona's
 * {@link UnsafeApi} (the {@code jdk.internal.misc} export every dsmreg process has already).
 *
 * <p>Invariants, checked once when this class loads, on Strings whose contents are known: both fields
 * exist with those types, and a one-byte String reads back as its own bytes with coder 0 while a String of
 * wider chars has another coder. If any check fails (a JDK that lays String out otherwise, a JVM run with
 * {@code -XX:-CompactStrings}, where every String is UTF-16), {@link #bytes} always answers null and
 * callers take their copy of the chars: slower, never wrong. The array returned is the String's own: it
 * is only ever read, never written or kept.
 */
final class AsciiStrings
{
    private static final byte LATIN1 = 0;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long VALUE_OFFSET;
    private static final long CODER_OFFSET;
    private static final boolean AVAILABLE;

    static
    {
        long valueOffset = -1;
        long coderOffset = -1;
        boolean available;
        try
        {
            available = String.class.getDeclaredField("value").getType() == byte[].class &&
                String.class.getDeclaredField("coder").getType() == byte.class;
            if (available)
            {
                valueOffset = UnsafeApi.objectFieldOffset(String.class, "value");
                coderOffset = UnsafeApi.objectFieldOffset(String.class, "coder");
                final String ascii = new String(new char[] {'d', 's', 'm', 'r', 'e', 'g'});
                final String wide = new String(new char[] {'d', '\u0142'});
                available = UnsafeApi.getByte(ascii, coderOffset) == LATIN1 &&
                    Arrays.equals((byte[])UnsafeApi.getReference(ascii, valueOffset), ascii.getBytes(StandardCharsets.UTF_8)) &&
                    UnsafeApi.getByte(wide, coderOffset) != LATIN1;
            }
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            available = false;
        }
        VALUE_OFFSET = valueOffset;
        CODER_OFFSET = coderOffset;
        AVAILABLE = available;
    }

    private AsciiStrings()
    {
    }

    /**
     * The String's own array of one byte per char if it has one; null if not (a char above 0xFF, or this
     * JVM's Strings cannot be read in place). Its bytes are the UTF-8 encoding only if {@link #isAscii}.
     * {@code string} must not be null: the read is by offset, and from null it would be from address 0.
     */
    static byte[] bytes(final String string)
    {
        return AVAILABLE && UnsafeApi.getByte(string, CODER_OFFSET) == LATIN1 ?
            (byte[])UnsafeApi.getReference(string, VALUE_OFFSET) : null;
    }

    /**
     * Whether no byte of {@code bytes} has its high bit set, read in 8-byte words, the last one overlapping
     * the one before so that no read leaves the array.
     */
    static boolean isAscii(final byte[] bytes)
    {
        final int length = bytes.length;
        if (length < Long.BYTES)
        {
            int bits = 0;
            for (final byte b : bytes)
            {
                bits |= b;
            }
            return bits >= 0;
        }
        long bits = UnsafeApi.getLong(bytes, BufferUtil.ARRAY_BASE_OFFSET + length - Long.BYTES);
        for (int i = 0; i < length - Long.BYTES; i += Long.BYTES)
        {
            bits |= UnsafeApi.getLong(bytes, BufferUtil.ARRAY_BASE_OFFSET + i);
        }
        return (bits & HIGH_BITS) == 0;
    }
}
