package io.dsmreg.internal.hash;

/**
 * The one check that a String has a UTF-8 encoding, for every String a table stores (SharedMap's
 * {@code Codec.STRING}, SharedHash's string keys): a String with an unpaired surrogate (half of a pair,
 * as {@code substring} can leave it) has none. {@code String.getBytes} writes such a char as {@code '?'},
 * which would make {@code "a\uD800"} and {@code "a?"} one key and change a value on its way through a
 * table, so callers refuse it with {@link #notEncodable}'s message instead.
 */
public final class StrictUtf8
{
    private StrictUtf8()
    {
    }

    /** The index of the first unpaired surrogate of {@code value}, or -1 if it has none. */
    public static int unpairedSurrogate(final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                return i;
            }
        }
        return -1;
    }

    /** The refusal of {@code value}, whose char at {@code index} is an unpaired surrogate: what, where, and what to do. */
    public static IllegalArgumentException notEncodable(final String value, final int index)
    {
        return new IllegalArgumentException(String.format("a String of %d chars has an unpaired surrogate, U+%04X, at " +
            "index %d, which UTF-8 cannot encode; nothing was stored. Mend the String (a pair cut in two by substring, " +
            "say) or store it with a codec of your own", value.length(), (int)value.charAt(index), index));
    }
}
