package io.dsmreg.jmx;

import io.dsmreg.RegistryProcess;

import java.util.Date;

/** One row of {@link RegistryMXBean#getAttachedProcesses()}; clients receive it as {@code CompositeData}. */
public final class ProcessInfo
{
    private final RegistryProcess process;

    /**
     * The row of one attached process, as the registry MBean lists it.
     *
     * @param process the process as listed; not null.
     */
    public ProcessInfo(final RegistryProcess process)
    {
        this.process = process;
    }

    /**
     * The process's id.
     *
     * @return the operating system's process id.
     */
    public long getPid()
    {
        return process.pid();
    }

    /**
     * When the process started. Null where the operating system does not say.
     *
     * @return the process's start time.
     */
    public Date getStartedAt()
    {
        return process.startedAt() == null ? null : Date.from(process.startedAt());
    }

    /**
     * When the process opened the registry.
     *
     * @return when it attached; never null.
     */
    public Date getAttachedAt()
    {
        return Date.from(process.attachedAt());
    }
}
