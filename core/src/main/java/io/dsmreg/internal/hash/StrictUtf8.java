package io.dsmreg.internal.hash;

/**
 * The one check that a String has a UTF-8 encoding, for every String dsmreg stores (SharedMap's and the
 * queues' {@code Codec.STRING}, SharedHash's string keys, codec ids): a String with an unpaired surrogate
 * (half of a pair, as {@code substring} can leave it) has none. {@code String.getBytes} writes such a
 * char as {@code '?'}, which would make "a" followed by U+D800 and {@code "a?"} one key and change a value on
 * its way through a table, so callers refuse it with {@link #notEncodable}'s message instead.
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

    /**
     * The refusal of {@code value}, whose char at {@code index} is an unpaired surrogate: what, where, and
     * {@code remedy}, what the caller can do instead (it depends on the API: a codec of one's own, a key as bytes).
     */
    public static IllegalArgumentException notEncodable(final String value, final int index, final String remedy)
    {
        return new IllegalArgumentException(String.format("the String \"%s\" (%d chars) has an unpaired surrogate, " +
            "U+%04X, at index %d, which UTF-8 cannot encode, so no table can hold it; mend the String (a pair cut in two " +
            "by substring, say) or %s", printable(value), value.length(), (int)value.charAt(index), index, remedy));
    }

    /** {@code value} for a message: a String as {@link #printable}, anything else as {@code String.valueOf}. */
    public static String describe(final Object value)
    {
        return value instanceof String ? printable((String)value) : String.valueOf(value);
    }

    /**
     * {@code value} for a message: the first 64 chars, with each unpaired surrogate written as a Java escape
     * (backslash, u, four hex digits), since a console would print it as '?', the very String it is not.
     */
    public static String printable(final String value)
    {
        final int shown = Math.min(value.length(), 64);
        final StringBuilder printable = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++)
        {
            final char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                printable.append(c).append(value.charAt(++i));
            }
            else if (Character.isSurrogate(c))
            {
                printable.append(String.format("\\u%04X", (int)c));
            }
            else
            {
                printable.append(c);
            }
        }
        return shown < value.length() ? printable.append("...").toString() : printable.toString();
    }
}
