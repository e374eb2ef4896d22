package io.dsmreg;

import java.time.Instant;

/**
 * One row of a registry listing, the counterpart of a row of PostgreSQL's
 * {@code pg_dsm_registry_allocations}.
 *
 * @param name       the entry's name.
 * @param type       segment, area or hash.
 * @param sizeBytes  for a segment its requested size; null while the entry's initialization has
 *                   not completed (as PostgreSQL shows NULL).
 * @param creatorPid the process that initialized it, or that is initializing it.
 * @param createdAt  when it was published; null while initializing.
 */
public record RegistryEntry(String name, EntryType type, Long sizeBytes, long creatorPid, Instant createdAt)
{
    /** Whether the entry's initialization has completed. */
    public boolean initialized()
    {
        return createdAt != null;
    }
}
