package io.dsmreg;

import java.time.Instant;

/**
 * One row of a registry listing: a row of PostgreSQL's {@code pg_dsm_registry_allocations}
 * (name, type, size) plus what its users asked for and PostgreSQL does not show.
 *
 * @param name       the entry's name.
 * @param type       segment, area or hash; null for a type this version of dsmreg does not know (written
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
 */
public record RegistryEntry(
    String name, EntryType type, Long sizeBytes, Long usedBytes, Long entryCount, long creatorPid, Instant createdAt)
{
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
