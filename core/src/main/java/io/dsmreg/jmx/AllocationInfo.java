package io.dsmreg.jmx;

import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.jmx.RegistryMBeans;

import java.util.Date;

/** One row of {@link RegistryMXBean#getAllocations()}; clients receive it as {@code CompositeData}. */
public final class AllocationInfo
{
    private final RegistryEntry entry;

    public AllocationInfo(final RegistryEntry entry)
    {
        this.entry = entry;
    }

    public String getName()
    {
        return entry.name();
    }

    /** {@code segment}, {@code area} or {@code hash}. */
    public String getType()
    {
        return RegistryMBeans.typeLabel(entry);
    }

    /** Null while initializing, as in PostgreSQL. */
    public Long getSizeBytes()
    {
        return entry.sizeBytes();
    }

    public Long getUsedBytes()
    {
        return entry.usedBytes();
    }

    public Long getEntryCount()
    {
        return entry.entryCount();
    }

    public long getCreatorPid()
    {
        return entry.creatorPid();
    }

    /** Null while initializing. */
    public Date getCreatedAt()
    {
        return entry.createdAt() == null ? null : Date.from(entry.createdAt());
    }
}
