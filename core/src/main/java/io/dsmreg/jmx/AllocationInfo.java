package io.dsmreg.jmx;

import io.dsmreg.RegistryEntry;

import java.util.Date;
import javax.management.openmbean.CompositeData;

/**
 * One row of {@link RegistryMXBean#getAllocations()}; clients receive it as {@code CompositeData}, whose
 * items are named after the getters. A {@code CompositeType} keeps its item names sorted, and JConsole
 * shows a row's items in that order: the entry's name and type are {@code allocationName} and
 * {@code allocationType} so that they come first.
 */
public final class AllocationInfo
{
    private final String name;
    private final String type;
    private final Long sizeBytes;
    private final Long usedBytes;
    private final Long entryCount;
    private final long creatorPid;
    private final Date createdAt;
    private final String lock;
    private final String queue;

    /**
     * The row of one entry, as the registry MBean lists it.
     *
     * @param entry the entry as listed; not null.
     */
    public AllocationInfo(final RegistryEntry entry)
    {
        this(entry.name(), entry.type() == null ? "unknown" : entry.type().label(), entry.sizeBytes(), entry.usedBytes(),
            entry.entryCount(), entry.creatorPid(), entry.createdAt() == null ? null : Date.from(entry.createdAt()),
            entry.lock() == null ? null : entry.lock().describe(), entry.queue() == null ? null : entry.queue().describe());
    }

    private AllocationInfo(
        final String name, final String type, final Long sizeBytes, final Long usedBytes, final Long entryCount,
        final long creatorPid, final Date createdAt, final String lock, final String queue)
    {
        this.name = name;
        this.type = type;
        this.sizeBytes = sizeBytes;
        this.usedBytes = usedBytes;
        this.entryCount = entryCount;
        this.creatorPid = creatorPid;
        this.createdAt = createdAt;
        this.lock = lock;
        this.queue = queue;
    }

    /**
     * A row as a JMX client received it, for {@link javax.management.JMX#newMXBeanProxy}: the MXBean
     * framework calls this to turn the open data back into this type.
     *
     * @param data the composite data of one row of {@link RegistryMXBean#getAllocations()}.
     * @return the row.
     */
    public static AllocationInfo from(final CompositeData data)
    {
        return new AllocationInfo((String)data.get("allocationName"), (String)data.get("allocationType"),
            (Long)data.get("sizeBytes"), (Long)data.get("usedBytes"), (Long)data.get("entryCount"), (Long)data.get("creatorPid"),
            (Date)data.get("createdAt"), data.containsKey("lock") ? (String)data.get("lock") : null,
            data.containsKey("queue") ? (String)data.get("queue") : null);
    }

    /**
     * The entry's name.
     *
     * @return its name in the registry.
     */
    public String getAllocationName()
    {
        return name;
    }

    /**
     * The entry's type: {@code segment}, {@code area}, {@code hash}, {@code lock} or {@code queue}.
     *
     * @return the {@link io.dsmreg.EntryType#label() label} of the entry's type; {@code unknown} for a type this
     *         version of dsmreg does not know (written by a newer one).
     */
    public String getAllocationType()
    {
        return type;
    }

    /**
     * The entry's size in bytes. Null while initializing, as in PostgreSQL.
     *
     * @return a segment's requested size, or an area's or hash's reserved bytes (all of its files).
     */
    public Long getSizeBytes()
    {
        return sizeBytes;
    }

    /**
     * The bytes in use: a segment's size, what an area or hash has allocated.
     *
     * @return bytes in use; null while initializing or unknown.
     */
    public Long getUsedBytes()
    {
        return usedBytes;
    }

    /**
     * A hash's number of entries.
     *
     * @return the number of entries; null for other types and while initializing.
     */
    public Long getEntryCount()
    {
        return entryCount;
    }

    /**
     * The process that initialized the entry, or that is initializing it.
     *
     * @return its operating system process id.
     */
    public long getCreatorPid()
    {
        return creatorPid;
    }

    /**
     * When the entry was published. Null while initializing.
     *
     * @return the time its initialization completed, to the millisecond.
     */
    public Date getCreatedAt()
    {
        return createdAt == null ? null : (Date)createdAt.clone();
    }

    /**
     * A lock's state in words; null for other types.
     *
     * @return the lock's {@link io.dsmreg.LockState#describe() state} when it was listed.
     */
    public String getLock()
    {
        return lock;
    }

    /**
     * A queue's state in words; null for other types.
     *
     * @return the queue's {@link io.dsmreg.QueueState#describe() state} when it was listed.
     */
    public String getQueue()
    {
        return queue;
    }
}
