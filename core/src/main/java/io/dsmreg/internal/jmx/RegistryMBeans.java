package io.dsmreg.internal.jmx;

import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.registry.RegistryReader;
import io.dsmreg.jmx.AllocationMXBean;
import io.dsmreg.jmx.RegistryMXBean;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

/**
 * The MBeans of one registry in this JVM's platform MBeanServer: the registry MBean and one
 * allocation MBean per entry, kept in step with the shared registry table, which other processes
 * change too.
 * <p>
 * The entries are listed again at most every {@value #LAZY_REFRESH_MILLIS} ms, when an attribute
 * is read, and a daemon thread looks once a second whether the table's change count moved (one pass
 * over the slots' generation words, no copying) so that allocation MBeans and notifications follow
 * creations and removals even when nobody reads. Reads take no registry lock.
 * <p>
 * Both also check whether the registry itself was removed (its table file is no longer the one at its
 * path, one {@code stat}): from then on the MBeans list no entries, since the removed table is shared
 * with nobody who opens the registry, and the registry MBean says {@code Removed}. Once removed, a
 * registry stays so for this process, and the thread stops looking.
 * <p>
 * Every MBean is a {@link DescribedMXBean}: its descriptions come from the interfaces' annotations.
 */
public final class RegistryMBeans implements DsmRegistry.MBeans
{
    /** Notification type: an entry was created (user data: its name). */
    public static final String CREATED = "io.dsmreg.allocation.created";
    /** Notification type: an entry was removed (user data: its name). */
    public static final String REMOVED = "io.dsmreg.allocation.removed";
    static final String DOMAIN = "io.dsmreg";
    /**
     * What an unquoted ObjectName value cannot hold (separators, quotes, pattern characters), and line
     * breaks, which quoting shows as {@code \n}.
     */
    private static final String NEEDS_QUOTES = ",=:\"*?\n";
    static final long LAZY_REFRESH_MILLIS = 100;
    static final long PERIODIC_REFRESH_MILLIS = 1000;
    private static final System.Logger LOGGER = System.getLogger(RegistryMBeans.class.getName());

    private final MBeanServer server;
    private final RegistryReader view;
    private final ObjectName registryName;
    private final RegistryBean registryBean;
    private final Map<String, ObjectName> allocations = new HashMap<>();
    private final ScheduledExecutorService refresher;
    private Snapshot snapshot;
    private boolean closed;
    private String lastFailure;

    /** The entries as last listed, by name; none once the registry is removed. */
    record Snapshot(
        long changeCount, boolean removed, List<RegistryEntry> entries, Map<String, RegistryEntry> byName, long takenAtNanos)
    {
    }

    private RegistryMBeans(final MBeanServer server, final RegistryReader view)
    {
        this.server = server;
        this.view = view;
        this.registryName = objectName("type=Registry,name=" + view.name());
        this.registryBean = new RegistryBean(this, view);
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "dsmreg-mbeans-" + view.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Registers the MBeans of {@code view}'s registry with the platform MBeanServer.
     *
     * @throws DsmRegistryException if MBeans of a registry with the same name are registered already.
     */
    public static RegistryMBeans register(final RegistryReader view)
    {
        final RegistryMBeans mbeans = new RegistryMBeans(ManagementFactory.getPlatformMBeanServer(), view);
        mbeans.start();
        return mbeans;
    }

    private void start()
    {
        try
        {
            server.registerMBean(new DescribedMXBean<>(registryBean, RegistryMXBean.class, registryBean), registryName);
        }
        catch (final InstanceAlreadyExistsException ex)
        {
            refresher.shutdownNow();
            throw new DsmRegistryException(
                "cannot register the MBeans of registry \"" + view.name() + "\" at " + view.directory() + ": " + registryName +
                " is registered already in this JVM, by a registry of the same name under another root. Register the " +
                "MBeans of only one of them", ex);
        }
        catch (final JMException ex)
        {
            refresher.shutdownNow();
            throw new DsmRegistryException("cannot register " + registryName + ": " + ex, ex);
        }
        try
        {
            synchronized (this)
            {
                refresh(System.nanoTime(), false);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            close();
            throw ex;
        }
        refresher.scheduleWithFixedDelay(this::refreshIfChanged, PERIODIC_REFRESH_MILLIS, PERIODIC_REFRESH_MILLIS,
            TimeUnit.MILLISECONDS);
    }

    /** The entries, listed again if the last listing is older than {@value #LAZY_REFRESH_MILLIS} ms. */
    synchronized Snapshot snapshot()
    {
        final long now = System.nanoTime();
        if (!closed && now - snapshot.takenAtNanos() >= TimeUnit.MILLISECONDS.toNanos(LAZY_REFRESH_MILLIS))
        {
            refresh(now, true);
        }
        return snapshot;
    }

    private synchronized void refreshIfChanged()
    {
        try
        {
            if (!closed && !snapshot.removed() && (view.changeCount() != snapshot.changeCount() || view.isRemoved()))
            {
                refresh(System.nanoTime(), true);
            }
            lastFailure = null;
        }
        catch (final RuntimeException ex)
        {
            // Logged once per distinct failure: a damaged entry should not flood the log every second.
            if (!String.valueOf(ex.getMessage()).equals(lastFailure))
            {
                lastFailure = String.valueOf(ex.getMessage());
                LOGGER.log(System.Logger.Level.WARNING, "cannot refresh the MBeans of registry \"" + view.name() + "\"", ex);
            }
        }
    }

    /**
     * Lists the entries and registers or unregisters allocation MBeans to match; the caller holds this.
     * A removed registry has no entries: the removed table's are shared with nobody who opens the
     * registry, and their MBeans go, with a removal notification each.
     */
    private void refresh(final long now, final boolean notify)
    {
        // The count is read before the listing: a change in between is listed now and seen again next time.
        final long changeCount = view.changeCount();
        final boolean removed = view.isRemoved();
        final List<RegistryEntry> entries = removed ? List.of() : view.entries();
        final Map<String, RegistryEntry> byName = new HashMap<>();
        for (final RegistryEntry entry : entries)
        {
            byName.put(entry.name(), entry);
        }
        for (final Iterator<Map.Entry<String, ObjectName>> it = allocations.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<String, ObjectName> allocation = it.next();
            if (!byName.containsKey(allocation.getKey()))
            {
                it.remove();
                unregister(allocation.getValue());
                if (notify)
                {
                    registryBean.notify(REMOVED, allocation.getKey(), "entry \"" + allocation.getKey() + "\" was removed");
                }
            }
        }
        for (final RegistryEntry entry : entries)
        {
            if (!allocations.containsKey(entry.name()))
            {
                final ObjectName name = allocationName(view.name(), typeLabel(entry), entry.name());
                registerAllocation(entry.name(), name);
                if (notify)
                {
                    registryBean.notify(CREATED, entry.name(),
                        typeLabel(entry) + " \"" + entry.name() + "\" was created by process " + entry.creatorPid());
                }
            }
        }
        snapshot = new Snapshot(changeCount, removed, entries, byName, now);
    }

    private void registerAllocation(final String entryName, final ObjectName name)
    {
        try
        {
            server.registerMBean(
                new DescribedMXBean<>(new AllocationBean(this, entryName), AllocationMXBean.class, new NotificationBroadcasterSupport()),
                name);
            allocations.put(entryName, name);
        }
        catch (final JMException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "cannot register " + name + ": " + ex);
        }
    }

    private void unregister(final ObjectName name)
    {
        try
        {
            server.unregisterMBean(name);
        }
        catch (final InstanceNotFoundException ex)
        {
            // Unregistered from outside: the goal is reached.
        }
        catch (final JMException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "cannot unregister " + name + ": " + ex);
        }
    }

    /** Stops the refreshes and unregisters every MBean of the registry. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        refresher.shutdownNow();
        for (final ObjectName name : allocations.values())
        {
            unregister(name);
        }
        allocations.clear();
        unregister(registryName);
    }

    /**
     * {@code io.dsmreg:type=Allocation,registry=<registry>,allocationType=<type>,name=<entry>}: the type
     * is there for Prometheus' jmx_exporter, whose labels come from the ObjectName alone. The entry's
     * name is quoted only when it must be, so that tools show it as it is.
     */
    public static ObjectName allocationName(final String registry, final String type, final String entry)
    {
        final String properties = "type=Allocation,registry=" + registry + ",allocationType=" + type + ",name=";
        final boolean plain = entry.chars().noneMatch(c -> NEEDS_QUOTES.indexOf(c) >= 0);
        return objectName(properties + (plain ? entry : ObjectName.quote(entry)));
    }

    /** {@code io.dsmreg:type=Registry,name=<registry>}. */
    public static ObjectName registryName(final String registry)
    {
        return objectName("type=Registry,name=" + registry);
    }

    static String typeLabel(final RegistryEntry entry)
    {
        return entry.type() == null ? "unknown" : entry.type().label();
    }

    private static ObjectName objectName(final String properties)
    {
        try
        {
            return new ObjectName(DOMAIN + ":" + properties);
        }
        catch (final MalformedObjectNameException ex)
        {
            throw new IllegalArgumentException("not an ObjectName: " + DOMAIN + ":" + properties, ex);
        }
    }
}
