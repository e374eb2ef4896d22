package io.dsmreg.internal.map;

import io.dsmreg.Codec;
import io.dsmreg.internal.hash.StrictUtf8;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/** The codecs {@link Codec} names as constants. */
public final class BuiltInCodecs
{
    /** What a caller of {@link #STRING} can do with a String it refuses (StrictUtf8.notEncodable). */
    static final String STRING_REMEDY = "encode it with a codec of your own";

    public static final Codec<Long> LONG = new Codec<>()
    {
        @Override
        public String id()
        {
            return "dsmreg.long";
        }

        @Override
        public int fixedSize()
        {
            return Long.BYTES;
        }

        @Override
        public void encode(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value);
        }

        @Override
        public Long decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getLong(offset);
        }

        @Override
        public String toString()
        {
            return "Codec.LONG";
        }
    };

    public static final Codec<Integer> INTEGER = new Codec<>()
    {
        @Override
        public String id()
        {
            return "dsmreg.integer";
        }

        @Override
        public int fixedSize()
        {
            return Integer.BYTES;
        }

        @Override
        public void encode(final Integer value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putInt(offset, value);
        }

        @Override
        public Integer decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getInt(offset);
        }

        @Override
        public String toString()
        {
            return "Codec.INTEGER";
        }
    };

    public static final Codec<String> STRING = new Codec<>()
    {
        @Override
        public String id()
        {
            return "dsmreg.string-utf8";
        }

        @Override
        public int fixedSize()
        {
            return VARIABLE_SIZE;
        }

        @Override
        public int size(final String value)
        {
            int size = value.length();
            for (int i = 0; i < value.length(); i++)
            {
                final char c = value.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    // A pair: 4 bytes for 2 chars.
                    size += 2;
                    i++;
                }
                else if (Character.isSurrogate(c))
                {
                    throw StrictUtf8.notEncodable(value, i, STRING_REMEDY);
                }
                else if (c >= 0x800)
                {
                    size += 2;
                }
                else if (c >= 0x80)
                {
                    size++;
                }
            }
            return size;
        }

        @Override
        public void encode(final String value, final MutableDirectBuffer buffer, final int offset)
        {
            // A String of one byte a char has no surrogates; getBytes would write any other's unpaired one as '?'.
            final int unpaired = AsciiStrings.bytes(value) != null ? -1 : StrictUtf8.unpairedSurrogate(value);
            if (unpaired >= 0)
            {
                throw StrictUtf8.notEncodable(value, unpaired, STRING_REMEDY);
            }
            buffer.putBytes(offset, value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getStringWithoutLengthUtf8(offset, length);
        }

        @Override
        public String toString()
        {
            return "Codec.STRING";
        }
    };

    public static final Codec<byte[]> BYTES = new Codec<>()
    {
        @Override
        public String id()
        {
            return "dsmreg.bytes";
        }

        @Override
        public int fixedSize()
        {
            return VARIABLE_SIZE;
        }

        @Override
        public int size(final byte[] value)
        {
            return value.length;
        }

        @Override
        public void encode(final byte[] value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putBytes(offset, value);
        }

        @Override
        public byte[] decode(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return bytes;
        }

        @Override
        public String toString()
        {
            return "Codec.BYTES";
        }
    };

    private BuiltInCodecs()
    {
    }
}
