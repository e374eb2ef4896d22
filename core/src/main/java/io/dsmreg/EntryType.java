package io.dsmreg;

import java.util.Locale;

/** The three kinds of named thing a registry holds, as in PostgreSQL 19's registry. */
public enum EntryType
{
    /** Fixed-size memory: {@link DsmRegistry#segment}. */
    SEGMENT(1),
    /** A shared allocator over a growing set of files. */
    AREA(2),
    /** A shared hash table in an area of its own. */
    HASH(3);

    private final int code;

    EntryType(final int code)
    {
        this.code = code;
    }

    /** The code stored in the registry table. */
    int code()
    {
        return code;
    }

    /** The lower-case name used in listings and messages: {@code segment}, {@code area}, {@code hash}. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of a stored code, or null for an unknown one (a newer minor version). */
    static EntryType ofCode(final int code)
    {
        for (final EntryType type : values())
        {
            if (type.code == code)
            {
                return type;
            }
        }
        return null;
    }

    String withArticle()
    {
        return this == AREA ? "an area" : "a " + label();
    }
}
