package io.dsmreg;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Codec.STRING's encoding under the id given: a codec of the application's own as far as a map can tell, so that a
 * map of it takes the generic (codec) paths and cannot know its type.
 */
final class StringCodecUnder implements Codec<String>
{
    private final String id;

    StringCodecUnder(final String id)
    {
        this.id = id;
    }

    public String id()
    {
        return id;
    }

    public int fixedSize()
    {
        return VARIABLE_SIZE;
    }

    public int size(final String value)
    {
        return Codec.STRING.size(value);
    }

    public void encode(final String value, final MutableDirectBuffer buffer, final int offset)
    {
        Codec.STRING.encode(value, buffer, offset);
    }

    public String decode(final DirectBuffer buffer, final int offset, final int length)
    {
        return Codec.STRING.decode(buffer, offset, length);
    }
}
