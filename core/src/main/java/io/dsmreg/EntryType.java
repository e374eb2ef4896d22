package io.dsmreg;

import java.util.Locale;

/** The three kinds of named thing a registry holds, as in PostgreSQL 19's registry. */
public enum EntryType
{
    /** Fixed-size memory: {@link DsmRegistry#segment}. */
    SEGMENT,
    /** A shared allocator over a growing set of files. */
    AREA,
    /** A shared hash table in an area of its own. */
    HASH;

    /**
     * The lower-case name used in listings and messages: {@code segment}, {@code area}, {@code hash}.
     *
     * @return the constant's name in lower case.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
