package io.dsmreg.jmx;

import io.dsmreg.RegistryProcess;

import java.util.Date;

/** One row of {@link RegistryMXBean#getAttachedProcesses()}; clients receive it as {@code CompositeData}. */
public final class ProcessInfo
{
    private final RegistryProcess process;

    public ProcessInfo(final RegistryProcess process)
    {
        this.process = process;
    }

    public long getPid()
    {
        return process.pid();
    }

    /** Null where the operating system does not say. */
    public Date getStartedAt()
    {
        return process.startedAt() == null ? null : Date.from(process.startedAt());
    }

    public Date getAttachedAt()
    {
        return Date.from(process.attachedAt());
    }
}
