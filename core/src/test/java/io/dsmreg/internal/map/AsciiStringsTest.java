package io.dsmreg.internal.map;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class AsciiStringsTest
{
    @Test
    void aCompactStringIsReadInPlaceAndAWideOneIsNot()
    {
        // This JVM compacts Strings (the default): the checks at class loading passed.
        final String ascii = "orders.state/" + 42;
        assertArrayEquals(ascii.getBytes(StandardCharsets.UTF_8), AsciiStrings.bytes(ascii));
        assertSame(AsciiStrings.bytes(ascii), AsciiStrings.bytes(ascii), "the String's own array, not a copy");
        assertArrayEquals("caf\u00E9".getBytes(StandardCharsets.ISO_8859_1), AsciiStrings.bytes("caf\u00E9"), "Latin-1, one byte a char");
        assertNull(AsciiStrings.bytes("\u4E2D\u6587"));
        assertNull(AsciiStrings.bytes("ab\uD83D\uDE00"));
        assertArrayEquals(new byte[0], AsciiStrings.bytes(""));
    }

    @Test
    void everyHighBitIsFoundWhateverTheLengthAndPosition()
    {
        for (int length = 0; length <= 41; length++)
        {
            final byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)('a' + i % 26);
            }
            assertTrue(AsciiStrings.isAscii(bytes), "length " + length);
            for (int i = 0; i < length; i++)
            {
                for (final byte high : new byte[] {(byte)0x80, (byte)0xE9, (byte)0xFF})
                {
                    final byte kept = bytes[i];
                    bytes[i] = high;
                    assertFalse(AsciiStrings.isAscii(bytes), "length " + length + ", byte " + i + " = " + high);
                    bytes[i] = kept;
                }
            }
            if (length > 0)
            {
                bytes[length - 1] = 0x7F;
                assertTrue(AsciiStrings.isAscii(bytes), "DEL is ASCII, length " + length);
            }
        }
    }
}
