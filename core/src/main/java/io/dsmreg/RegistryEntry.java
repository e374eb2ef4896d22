package io.dsmreg;

import java.time.Instant;

/**
 * One row of a registry listing: a row of PostgreSQL's {@code pg_dsm_registry_allocations}
 * (name, type, size) plus what its users asked for and PostgreSQL does not show.
 *
 * @param name       the entry's name.
 * @param type       segment, area, hash, lock or queue; null for a type this version of dsmreg does not know (written
 *                   by a newer one).
 * @param sizeBytes  a segment's requested size; an area's or hash's reserved bytes (all of its
 *                   files), as PostgreSQL 19 reports; a queue's file bytes; null while the entry's initialization has
 *                   not completed, as PostgreSQL shows NULL.
 * @param usedBytes  bytes in use: a segment's size, an area's or hash's allocated bytes, a queue's bytes
 *                   waiting (sent and not yet received); null while
 *                   initializing.
 * @param entryCount a hash's number of entries; a queue's messages received since it was created; null
 *                   for other types and while initializing.
 * @param creatorPid the process that initialized it, or that is initializing it.
 * @param createdAt  when it was published; null while initializing.
 * @param lock       a lock's state (mode, holders, since when, waiting); null for other types and while initializing.
 * @param queue      a queue's state (capacity, positions, consumer, messages sent and received); null for other types,
 *                   while initializing and once its file is gone.
 */
public record RegistryEntry(
    String name, EntryType type, Long sizeBytes, Long usedBytes, Long entryCount, long creatorPid, Instant createdAt,
    LockState lock, QueueState queue)
{
    /**
     * The row of an entry that is no lock.
     *
     * @param name       the entry's name.
     * @param type       its type; null for a type this version does not know.
     * @param sizeBytes  its size; null while initializing.
     * @param usedBytes  bytes in use; null while initializing.
     * @param entryCount a hash's number of entries; null for other types.
     * @param creatorPid the process that initialized it.
     * @param createdAt  when it was published; null while initializing.
     */
    public RegistryEntry(
        final String name, final EntryType type, final Long sizeBytes, final Long usedBytes, final Long entryCount,
        final long creatorPid, final Instant createdAt)
    {
        this(name, type, sizeBytes, usedBytes, entryCount, creatorPid, createdAt, null, null);
    }

    /**
     * The row of a lock.
     *
     * @param name       the entry's name.
     * @param type       its type.
     * @param sizeBytes  its size.
     * @param usedBytes  bytes in use.
     * @param entryCount null for a lock.
     * @param creatorPid the process that initialized it.
     * @param createdAt  when it was published.
     * @param lock       its state.
     */
    public RegistryEntry(
        final String name, final EntryType type, final Long sizeBytes, final Long usedBytes, final Long entryCount,
        final long creatorPid, final Instant createdAt, final LockState lock)
    {
        this(name, type, sizeBytes, usedBytes, entryCount, creatorPid, createdAt, lock, null);
    }

    /**
     * Whether the entry's initialization has completed.
     *
     * @return true when {@link #createdAt()} is not null.
     */
    public boolean initialized()
    {
        return createdAt != null;
    }
}
