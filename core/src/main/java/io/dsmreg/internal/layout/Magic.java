package io.dsmreg.internal.layout;

import java.nio.charset.StandardCharsets;

/**
 * Magic numbers of the shared files: eight ASCII characters read as a little-endian long, so a
 * hex dump of a file shows its kind in its first bytes.
 */
public final class Magic
{
    private Magic()
    {
    }

    public static long of(final String eightAsciiCharacters)
    {
        final byte[] bytes = eightAsciiCharacters.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != 8)
        {
            throw new IllegalArgumentException("a magic number is 8 ASCII characters: " + eightAsciiCharacters);
        }
        long value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    /** The magic as its characters, or as hex when it is not printable, for error messages. */
    public static String describe(final long magic)
    {
        final StringBuilder text = new StringBuilder(8);
        for (int i = 0; i < 8; i++)
        {
            final int c = (int)(magic >>> (8 * i)) & 0xFF;
            if (c < 0x20 || c > 0x7E)
            {
                return String.format("0x%016x", magic);
            }
            text.append((char)c);
        }
        return '"' + text.toString() + '"';
    }
}
