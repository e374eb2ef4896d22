package io.dsmreg.internal.registry;

import io.dsmreg.InvalidNameException;
import io.dsmreg.internal.layout.RegistryDescriptor;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Checks entry names and turns them into the UTF-8 bytes the registry table stores. */
public final class EntryNames
{
    private EntryNames()
    {
    }

    /**
     * @param kind what is being named, for messages: {@code segment}, {@code area}, {@code hash}.
     * @return the name's UTF-8 bytes, 1 to 63 of them.
     * @throws InvalidNameException for a null, empty, too long or malformed name.
     */
    public static byte[] encode(final String kind, final String name)
    {
        if (name == null)
        {
            throw new InvalidNameException(kind + " name cannot be null");
        }
        if (name.isEmpty())
        {
            throw new InvalidNameException(kind + " name cannot be empty");
        }
        final ByteBuffer encoded;
        try
        {
            encoded = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(name));
        }
        catch (final CharacterCodingException ex)
        {
            throw new InvalidNameException(
                kind + " name \"" + name + "\" is not valid Unicode (it holds an unpaired surrogate); names are stored as UTF-8");
        }
        if (encoded.remaining() > RegistryDescriptor.MAX_NAME_LENGTH)
        {
            throw new InvalidNameException(
                kind + " name too long: \"" + name + "\" is " + encoded.remaining() + " bytes in UTF-8, the limit is " +
                RegistryDescriptor.MAX_NAME_LENGTH + " (as in PostgreSQL); choose a shorter name");
        }
        final byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
