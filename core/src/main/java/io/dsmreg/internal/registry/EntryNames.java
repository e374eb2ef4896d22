package io.dsmreg.internal.registry;

import io.dsmreg.InvalidNameException;
import io.dsmreg.internal.hash.StrictUtf8;
import io.dsmreg.internal.layout.RegistryDescriptor;

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
        final int unpaired = StrictUtf8.unpairedSurrogate(name);
        if (unpaired >= 0)
        {
            throw new InvalidNameException(String.format("%s name \"%s\" is not valid Unicode: it holds an unpaired surrogate, " +
                "U+%04X, at index %d; names are stored as UTF-8, which cannot encode it", kind, StrictUtf8.printable(name),
                (int)name.charAt(unpaired), unpaired));
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > RegistryDescriptor.MAX_NAME_LENGTH)
        {
            throw new InvalidNameException(
                kind + " name too long: \"" + name + "\" is " + bytes.length + " bytes in UTF-8, the limit is " +
                RegistryDescriptor.MAX_NAME_LENGTH + " (as in PostgreSQL); choose a shorter name");
        }
        return bytes;
    }
}
