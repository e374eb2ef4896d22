package io.dsmreg.internal.jmx;

import io.dsmreg.RegistryEntry;
import io.dsmreg.jmx.AllocationMXBean;

import java.util.Date;

/** The MXBean of one entry; reads the owner's latest listing, so values are a fraction of a second old at most. */
final class AllocationBean implements AllocationMXBean
{
    private final RegistryMBeans owner;
    private final String name;

    AllocationBean(final RegistryMBeans owner, final String name)
    {
        this.owner = owner;
        this.name = name;
    }

    /** The entry as last listed; null once it is removed, until its MBean is unregistered. */
    private RegistryEntry entry()
    {
        return owner.snapshot().byName().get(name);
    }

    @Override
    public String getName()
    {
        return name;
    }

    @Override
    public String getType()
    {
        final RegistryEntry entry = entry();
        return entry == null ? null : RegistryMBeans.typeLabel(entry);
    }

    @Override
    public boolean isInitialized()
    {
        final RegistryEntry entry = entry();
        return entry != null && entry.initialized();
    }

    @Override
    public Long getSizeBytes()
    {
        final RegistryEntry entry = entry();
        return entry == null ? null : entry.sizeBytes();
    }

    @Override
    public Long getUsedBytes()
    {
        final RegistryEntry entry = entry();
        return entry == null ? null : entry.usedBytes();
    }

    @Override
    public Long getEntries()
    {
        final RegistryEntry entry = entry();
        return entry == null ? null : entry.entryCount();
    }

    @Override
    public String getLock()
    {
        final RegistryEntry entry = entry();
        return entry == null || entry.lock() == null ? null : entry.lock().describe();
    }

    @Override
    public String getQueue()
    {
        final RegistryEntry entry = entry();
        return entry == null || entry.queue() == null ? null : entry.queue().describe();
    }

    @Override
    public long getCreatorPid()
    {
        final RegistryEntry entry = entry();
        return entry == null ? 0 : entry.creatorPid();
    }

    @Override
    public Date getCreatedAt()
    {
        final RegistryEntry entry = entry();
        return entry == null || entry.createdAt() == null ? null : Date.from(entry.createdAt());
    }
}
