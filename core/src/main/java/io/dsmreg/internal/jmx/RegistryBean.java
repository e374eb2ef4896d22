package io.dsmreg.internal.jmx;

import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryProcess;
import io.dsmreg.internal.inject.FieldValues;
import io.dsmreg.internal.registry.RegistryReader;
import io.dsmreg.jmx.AllocationInfo;
import io.dsmreg.jmx.ClusterEntryInfo;
import io.dsmreg.jmx.ProcessInfo;
import io.dsmreg.jmx.RegistryMXBean;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;

/**
 * The registry MXBean; notifications go out on the thread that noticed the change. Once the registry
 * is removed, its entries and attached processes read empty: they are the removed table's, which no
 * process opening the registry shares.
 */
final class RegistryBean extends NotificationBroadcasterSupport implements RegistryMXBean
{
    private static final MBeanNotificationInfo[] NOTIFICATIONS =
    {
        new MBeanNotificationInfo(new String[] {RegistryMBeans.CREATED, RegistryMBeans.REMOVED}, Notification.class.getName(),
            "An entry of the registry was created or removed, by any process; the user data is its name")
    };

    private final RegistryMBeans owner;
    private final RegistryReader view;
    private final AtomicLong sequence = new AtomicLong();

    RegistryBean(final RegistryMBeans owner, final RegistryReader view)
    {
        super(NOTIFICATIONS);
        this.owner = owner;
        this.view = view;
    }

    void notify(final String type, final String entryName, final String message)
    {
        final Notification notification =
            new Notification(type, RegistryMBeans.registryName(view.name()), sequence.incrementAndGet(), message);
        notification.setUserData(entryName);
        sendNotification(notification);
    }

    @Override
    public String getName()
    {
        return view.name();
    }

    @Override
    public String getDirectory()
    {
        return view.directory().toString();
    }

    @Override
    public int getCapacity()
    {
        return view.capacity();
    }

    @Override
    public Date getCreatedAt()
    {
        return Date.from(view.createdAt());
    }

    @Override
    public List<AllocationInfo> getAllocations()
    {
        final List<RegistryEntry> entries = owner.snapshot().entries();
        final List<AllocationInfo> allocations = new ArrayList<>(entries.size());
        for (final RegistryEntry entry : entries)
        {
            allocations.add(new AllocationInfo(entry));
        }
        return allocations;
    }

    @Override
    public int getAllocationCount()
    {
        return owner.snapshot().entries().size();
    }

    @Override
    public long getTotalBytes()
    {
        long total = 0;
        for (final RegistryEntry entry : owner.snapshot().entries())
        {
            total += entry.sizeBytes() == null ? 0 : entry.sizeBytes();
        }
        return total;
    }

    @Override
    public long getUsedBytes()
    {
        long used = 0;
        for (final RegistryEntry entry : owner.snapshot().entries())
        {
            used += entry.usedBytes() == null ? 0 : entry.usedBytes();
        }
        return used;
    }

    @Override
    public List<ProcessInfo> getAttachedProcesses()
    {
        final List<ProcessInfo> processes = new ArrayList<>();
        for (final RegistryProcess process : attachedProcesses())
        {
            processes.add(new ProcessInfo(process));
        }
        return processes;
    }

    @Override
    public int getAttachedProcessCount()
    {
        return attachedProcesses().size();
    }

    @Override
    public boolean isRemoved()
    {
        return owner.snapshot().removed();
    }

    /** The processes attached to the registry; none once it is removed, whatever its old table still records. */
    private List<RegistryProcess> attachedProcesses()
    {
        return owner.snapshot().removed() ? List.of() : view.attachedProcesses();
    }

    @Override
    public List<ClusterEntryInfo> getClusterEntries()
    {
        return FieldValues.clusterEntries(view.name());
    }
}
