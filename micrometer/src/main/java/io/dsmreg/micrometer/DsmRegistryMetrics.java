package io.dsmreg.micrometer;

import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one dsmreg registry as Micrometer gauges, the same the MBeans show, for applications
 * that watch through Micrometer (Spring Boot's Actuator) rather than JMX. Read-only: it looks at the
 * registry through {@link RegistryView}, so it never creates the registry, never counts as attached to
 * it and never takes a lock; it works with the agent and as a library, whether this process has the
 * registry open or not.
 * <p>
 * Per registry (tag {@code registry}): {@code dsmreg.registry.total} and {@code dsmreg.registry.used}
 * (bytes), {@code dsmreg.registry.allocations}, {@code dsmreg.registry.capacity},
 * {@code dsmreg.registry.attached.processes} and {@code dsmreg.registry.removed} (1 while the registry is
 * gone). Per entry (tags {@code registry}, {@code allocation}, {@code type}): {@code dsmreg.allocation.size}
 * and {@code dsmreg.allocation.used} (bytes) and {@code dsmreg.allocation.entries} (hashes and queues).
 * Prometheus' naming makes them {@code dsmreg_registry_total_bytes}, {@code dsmreg_allocation_size_bytes}...,
 * the names docs/observability.md gives jmx_exporter.
 * <p>
 * Values are read when a gauge is read, from a listing at most {@value #LISTING_MAX_AGE_MILLIS} ms old.
 * Entries come and go in other processes too, so a daemon thread, {@code dsmreg-metrics-<registry>},
 * looks once a second whether the registry changed (a pass over its slots' generation counters) and
 * adds or removes the entries' gauges to match; {@link #close()} stops it and removes every gauge this
 * binder added. An entry's gauges read NaN between its removal and that check. A registry that is
 * removed is followed to the one created anew under its name, if any.
 */
public final class DsmRegistryMetrics implements MeterBinder, AutoCloseable
{
    static final long LISTING_MAX_AGE_MILLIS = 100;
    static final long CHECK_INTERVAL_MILLIS = 1000;
    private static final System.Logger LOGGER = System.getLogger(DsmRegistryMetrics.class.getName());

    private final String registry;
    private final RegistryOptions options;
    private final List<MeterRegistry> meterRegistries = new ArrayList<>();
    /** The meters of each entry by name, with the type they were registered under: a name may come back as another type. */
    private final Map<String, EntryMeters> entryMeters = new HashMap<>();
    private final List<Meter> registryMeters = new ArrayList<>();
    private ScheduledExecutorService checker;
    private RegistryView view;
    private Listing listing = new Listing(-1, false, List.of(), Map.of(), 0, 0, System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private boolean seen;
    private boolean closed;
    private String lastFailure;

    private record EntryMeters(String type, List<Meter> meters)
    {
    }

    /** The registry as last listed; empty while it does not exist. */
    private record Listing(long changeCount, boolean removed, List<RegistryEntry> entries, Map<String, RegistryEntry> byName,
        int capacity, int attachedProcesses, long takenAtNanos)
    {
    }

    /**
     * Gauges for the registry {@code registry} under the default root ({@code -Ddsmreg.dir}, {@code $DSMREG_DIR},
     * else {@code /dev/shm}).
     *
     * @param registry the registry's name; it need not exist yet.
     */
    public DsmRegistryMetrics(final String registry)
    {
        this(registry, RegistryOptions.defaults());
    }

    /**
     * Gauges for the registry {@code registry} under {@code options}' root (the only option used).
     *
     * @param registry the registry's name; it need not exist yet.
     * @param options  where the registry lives; not null.
     */
    public DsmRegistryMetrics(final String registry, final RegistryOptions options)
    {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public synchronized void bindTo(final MeterRegistry meterRegistry)
    {
        if (closed)
        {
            throw new IllegalStateException(
                "the metrics of registry \"" + registry + "\" were closed; create a new DsmRegistryMetrics");
        }
        meterRegistries.add(meterRegistry);
        registryGauge(meterRegistry, "dsmreg.registry.total", "Bytes reserved by the registry's entries", BaseUnits.BYTES,
            current -> sum(current, RegistryEntry::sizeBytes));
        registryGauge(meterRegistry, "dsmreg.registry.used", "Bytes in use in the registry's entries", BaseUnits.BYTES,
            current -> sum(current, RegistryEntry::usedBytes));
        registryGauge(meterRegistry, "dsmreg.registry.allocations", "The number of entries in the registry, initialized or not",
            null, current -> current.entries().size());
        registryGauge(meterRegistry, "dsmreg.registry.capacity", "How many entries the registry can hold", null,
            Listing::capacity);
        registryGauge(meterRegistry, "dsmreg.registry.attached.processes", "How many live processes have the registry open",
            null, Listing::attachedProcesses);
        registryGauge(meterRegistry, "dsmreg.registry.removed",
            "1 once the registry was removed (dsmreg remove) and none of its name exists now, else 0", null,
            current -> current.removed() ? 1 : 0);
        for (final Map.Entry<String, EntryMeters> entry : entryMeters.entrySet())
        {
            entry.getValue().meters().addAll(entryGauges(meterRegistry, entry.getKey(), entry.getValue().type()));
        }
        syncEntryMeters(listing(true));
        if (checker == null)
        {
            checker = Executors.newSingleThreadScheduledExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "dsmreg-metrics-" + registry);
                thread.setDaemon(true);
                return thread;
            });
            checker.scheduleWithFixedDelay(this::checkEntries, CHECK_INTERVAL_MILLIS, CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the checks and removes every gauge this binder registered. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (checker != null)
        {
            checker.shutdownNow();
        }
        for (final MeterRegistry meterRegistry : meterRegistries)
        {
            registryMeters.forEach(meterRegistry::remove);
            entryMeters.values().forEach(meters -> meters.meters().forEach(meterRegistry::remove));
        }
        registryMeters.clear();
        entryMeters.clear();
    }

    @Override
    public String toString()
    {
        return "DsmRegistryMetrics{registry=\"" + registry + "\"}";
    }

    private void registryGauge(
        final MeterRegistry meterRegistry, final String name, final String description, final String baseUnit,
        final ToDoubleFunction<Listing> value)
    {
        registryMeters.add(Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.listing(false)))
            .description(description).baseUnit(baseUnit).tag("registry", registry).strongReference(true)
            .register(meterRegistry));
    }

    private List<Meter> entryGauges(final MeterRegistry meterRegistry, final String name, final String type)
    {
        return List.of(
            entryGauge(meterRegistry, "dsmreg.allocation.size", "Bytes the entry reserves", BaseUnits.BYTES, name, type,
                RegistryEntry::sizeBytes),
            entryGauge(meterRegistry, "dsmreg.allocation.used", "Bytes in use in the entry", BaseUnits.BYTES, name, type,
                RegistryEntry::usedBytes),
            entryGauge(meterRegistry, "dsmreg.allocation.entries", "A hash's number of entries, a queue's messages received",
                null, name, type, RegistryEntry::entryCount));
    }

    private Meter entryGauge(
        final MeterRegistry meterRegistry, final String meterName, final String description, final String baseUnit,
        final String name, final String type, final Function<RegistryEntry, Long> value)
    {
        return Gauge.builder(meterName, this, metrics ->
            {
                final RegistryEntry entry = metrics.listing(false).byName().get(name);
                final Long figure = entry == null ? null : value.apply(entry);
                return figure == null ? Double.NaN : figure;
            })
            .description(description).baseUnit(baseUnit)
            .tags("registry", registry, "allocation", name, "type", type).strongReference(true)
            .register(meterRegistry);
    }

    /** The checker thread's work: adds and removes entries' gauges to match the registry. */
    private synchronized void checkEntries()
    {
        try
        {
            if (!closed)
            {
                syncEntryMeters(listing(true));
            }
            lastFailure = null;
        }
        catch (final RuntimeException ex)
        {
            // Logged once per distinct failure (a damaged or foreign registry directory), and checked again next time.
            if (!String.valueOf(ex.getMessage()).equals(lastFailure))
            {
                lastFailure = String.valueOf(ex.getMessage());
                LOGGER.log(System.Logger.Level.WARNING, "cannot list registry \"" + registry + "\" for its metrics", ex);
            }
        }
    }

    private void syncEntryMeters(final Listing current)
    {
        entryMeters.entrySet().removeIf(registered ->
        {
            final RegistryEntry entry = current.byName().get(registered.getKey());
            final boolean gone = entry == null || !typeLabel(entry).equals(registered.getValue().type());
            if (gone)
            {
                for (final MeterRegistry meterRegistry : meterRegistries)
                {
                    registered.getValue().meters().forEach(meterRegistry::remove);
                }
            }
            return gone;
        });
        for (final RegistryEntry entry : current.entries())
        {
            if (!entryMeters.containsKey(entry.name()))
            {
                final List<Meter> meters = new ArrayList<>();
                for (final MeterRegistry meterRegistry : meterRegistries)
                {
                    meters.addAll(entryGauges(meterRegistry, entry.name(), typeLabel(entry)));
                }
                entryMeters.put(entry.name(), new EntryMeters(typeLabel(entry), meters));
            }
        }
    }

    /**
     * The registry's entries, listed again when the last listing is older than {@value #LISTING_MAX_AGE_MILLIS} ms,
     * or, {@code onlyIfChanged}, when an entry was created or removed since.
     */
    private synchronized Listing listing(final boolean onlyIfChanged)
    {
        final long now = System.nanoTime();
        boolean reopened = false;
        if (view == null || view.isRemoved())
        {
            view = RegistryView.open(registry, options).orElse(null);
            reopened = true;
        }
        if (view == null)
        {
            listing = new Listing(-1, seen, List.of(), Map.of(), 0, 0, now);
            return listing;
        }
        seen = true;
        final long changeCount = view.changeCount();
        // Another table's change count says nothing about this one's: a registry opened anew is always listed.
        final boolean fresh = !reopened && (onlyIfChanged ? changeCount == listing.changeCount() :
            now - listing.takenAtNanos() < TimeUnit.MILLISECONDS.toNanos(LISTING_MAX_AGE_MILLIS));
        if (!fresh)
        {
            // The count is read before the listing: a change in between is listed now and seen again next time.
            final List<RegistryEntry> entries = view.entries();
            final Map<String, RegistryEntry> byName = new HashMap<>();
            entries.forEach(entry -> byName.put(entry.name(), entry));
            listing = new Listing(changeCount, false, entries, byName, view.capacity(), view.attachedProcesses().size(), now);
        }
        return listing;
    }

    private static double sum(final Listing current, final Function<RegistryEntry, Long> value)
    {
        long sum = 0;
        for (final RegistryEntry entry : current.entries())
        {
            final Long figure = value.apply(entry);
            sum += figure == null ? 0 : figure;
        }
        return sum;
    }

    private static String typeLabel(final RegistryEntry entry)
    {
        return entry.type() == null ? "unknown" : entry.type().label();
    }
}
