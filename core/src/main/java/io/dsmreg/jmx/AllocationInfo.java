package io.dsmreg.jmx;

import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.jmx.RegistryMBeans;

import java.util.Date;

/** One row of {@link RegistryMXBean#getAllocations()}; clients receive it as {@code CompositeData}. */
public final class AllocationInfo
{
    private final RegistryEntry entry;

    /**
     * The row of one entry, as the registry MBean lists it.
     *
     * @param entry the entry as listed; not null.
     */
    public AllocationInfo(final RegistryEntry entry)
    {
        this.entry = entry;
    }

    /**
     * The entry's name.
     *
     * @return its name in the registry.
     */
    public String getName()
    {
        return entry.name();
    }

    /**
     * {@code segment}, {@code area} or {@code hash}.
     *
     * @return the {@link io.dsmreg.EntryType#label() label} of the entry's type; {@code unknown} for a type this
     *         version of dsmreg does not know (written by a newer one).
     */
    public String getType()
    {
        return RegistryMBeans.typeLabel(entry);
    }

    /**
     * The entry's size in bytes. Null while initializing, as in PostgreSQL.
     *
     * @return a segment's requested size, or an area's or hash's reserved bytes (all of its files).
     */
    public Long getSizeBytes()
    {
        return entry.sizeBytes();
    }

    /**
     * The bytes in use: a segment's size, what an area or hash has allocated.
     *
     * @return bytes in use; null while initializing or unknown.
     */
    public Long getUsedBytes()
    {
        return entry.usedBytes();
    }

    /**
     * A hash's number of entries.
     *
     * @return the number of entries; null for other types and while initializing.
     */
    public Long getEntryCount()
    {
        return entry.entryCount();
    }

    /**
     * The process that initialized the entry, or that is initializing it.
     *
     * @return its operating system process id.
     */
    public long getCreatorPid()
    {
        return entry.creatorPid();
    }

    /**
     * When the entry was published. Null while initializing.
     *
     * @return the time its initialization completed, to the millisecond.
     */
    public Date getCreatedAt()
    {
        return entry.createdAt() == null ? null : Date.from(entry.createdAt());
    }
}
