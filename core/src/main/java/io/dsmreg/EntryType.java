package io.dsmreg;

import java.util.Locale;

/** The kinds of named thing a registry holds: PostgreSQL 19's three, locks, and message queues (its shm_mq). */
public enum EntryType
{
    /** Fixed-size memory: {@link DsmRegistry#segment}. */
    SEGMENT,
    /** A shared allocator over a growing set of files. */
    AREA,
    /** A shared hash table in an area of its own. */
    HASH,
    /** A lock shared by processes, with its condition: {@link DsmRegistry#lock(String)}. */
    LOCK,
    /** A message queue between processes: {@link DsmRegistry#queue}. */
    QUEUE;

    /**
     * The lower-case name used in listings and messages: {@code segment}, {@code area}, {@code hash},
     * {@code lock}, {@code queue}.
     *
     * @return the constant's name in lower case.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
