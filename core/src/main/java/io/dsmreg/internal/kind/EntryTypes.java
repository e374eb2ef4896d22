package io.dsmreg.internal.kind;

import io.dsmreg.EntryType;

import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_AREA;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_HASH;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_LOCK;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_QUEUE;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_SEGMENT;

/** The codes the registry table stores for each {@link EntryType}, and the words messages use for them. */
public final class EntryTypes
{
    private EntryTypes()
    {
    }

    /** The code stored in a slot's type field. */
    public static int code(final EntryType type)
    {
        return switch (type)
        {
            case SEGMENT -> TYPE_SEGMENT;
            case AREA -> TYPE_AREA;
            case HASH -> TYPE_HASH;
            case LOCK -> TYPE_LOCK;
            case QUEUE -> TYPE_QUEUE;
        };
    }

    /** The type of a stored code, or null for an unknown one (written by a newer minor version). */
    public static EntryType ofCode(final int code)
    {
        return switch (code)
        {
            case TYPE_SEGMENT -> EntryType.SEGMENT;
            case TYPE_AREA -> EntryType.AREA;
            case TYPE_HASH -> EntryType.HASH;
            case TYPE_LOCK -> EntryType.LOCK;
            case TYPE_QUEUE -> EntryType.QUEUE;
            default -> null;
        };
    }

    /** "a segment", "an area", "a hash": for messages. */
    public static String withArticle(final EntryType type)
    {
        return type == EntryType.AREA ? "an area" : "a " + type.label();
    }
}
