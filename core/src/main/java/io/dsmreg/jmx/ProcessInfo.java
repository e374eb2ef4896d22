package io.dsmreg.jmx;

import io.dsmreg.RegistryProcess;

import java.util.Date;
import javax.management.openmbean.CompositeData;

/** One row of {@link RegistryMXBean#getAttachedProcesses()}; clients receive it as {@code CompositeData}. */
public final class ProcessInfo
{
    private final long pid;
    private final Date startedAt;
    private final Date attachedAt;

    /**
     * The row of one attached process, as the registry MBean lists it.
     *
     * @param process the process as listed; not null.
     */
    public ProcessInfo(final RegistryProcess process)
    {
        this(process.pid(), process.startedAt() == null ? null : Date.from(process.startedAt()), Date.from(process.attachedAt()));
    }

    private ProcessInfo(final long pid, final Date startedAt, final Date attachedAt)
    {
        this.pid = pid;
        this.startedAt = startedAt;
        this.attachedAt = attachedAt;
    }

    /**
     * A row as a JMX client received it, for {@link javax.management.JMX#newMXBeanProxy}: the MXBean
     * framework calls this to turn the open data back into this type.
     *
     * @param data the composite data of one row of {@link RegistryMXBean#getAttachedProcesses()}.
     * @return the row.
     */
    public static ProcessInfo from(final CompositeData data)
    {
        return new ProcessInfo((Long)data.get("pid"), (Date)data.get("startedAt"), (Date)data.get("attachedAt"));
    }

    /**
     * The process's id.
     *
     * @return the operating system's process id.
     */
    public long getPid()
    {
        return pid;
    }

    /**
     * When the process started. Null where the operating system does not say.
     *
     * @return the process's start time.
     */
    public Date getStartedAt()
    {
        return startedAt == null ? null : (Date)startedAt.clone();
    }

    /**
     * When the process opened the registry.
     *
     * @return when it attached; never null.
     */
    public Date getAttachedAt()
    {
        return (Date)attachedAt.clone();
    }
}
