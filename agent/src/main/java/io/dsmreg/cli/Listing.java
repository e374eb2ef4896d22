package io.dsmreg.cli;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.QueueState;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryProcess;
import io.dsmreg.RegistryView;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code list} and {@code stat} print: the entries of one registry, or the registries of this
 * user, as a psql-style table or as JSON (shapes in docs/observability.md). Everything is read
 * through {@link RegistryView}: no lock, no attachment, nothing created.
 */
final class Listing
{
    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Listing()
    {
    }

    /** One registry's summary line in the list of registries; {@code problem} set when it could not be read. */
    record Summary(String name, int allocations, long totalBytes, long usedBytes, List<Long> attachedPids, String problem)
    {
        static Summary of(final String name, final RegistryOptions options)
        {
            try
            {
                final Optional<RegistryView> view = RegistryView.open(name, options);
                if (view.isEmpty())
                {
                    return new Summary(name, 0, 0, 0, List.of(), "it was removed while being listed");
                }
                final List<RegistryEntry> entries = view.get().entries();
                return new Summary(name, entries.size(), sum(entries, true), sum(entries, false), pids(view.get()), null);
            }
            catch (final DsmRegistryException ex)
            {
                return new Summary(name, 0, 0, 0, List.of(), ex.getMessage());
            }
        }
    }

    static void printEntries(final RegistryView view, final List<RegistryEntry> entries, final PrintStream out)
    {
        final boolean locks = entries.stream().anyMatch(entry -> entry.lock() != null);
        final boolean queues = entries.stream().anyMatch(entry -> entry.queue() != null);
        final List<String> columns = new ArrayList<>(List.of("name", "type", "#size", "#used", "#entries", "#creator pid", "created at"));
        if (locks)
        {
            columns.add("lock");
        }
        if (queues)
        {
            columns.add("queue");
        }
        final TextTable table = new TextTable(columns.toArray(String[]::new));
        for (final RegistryEntry entry : entries)
        {
            final List<Object> row = new ArrayList<>(Arrays.asList(entry.name(), type(entry), entry.sizeBytes(), entry.usedBytes(),
                entry.entryCount(), entry.creatorPid(), entry.createdAt() == null ? null : TIMESTAMP.format(entry.createdAt())));
            if (locks)
            {
                row.add(entry.lock() == null ? null : entry.lock().describe());
            }
            if (queues)
            {
                row.add(entry.queue() == null ? null : entry.queue().describe());
            }
            table.add(row.toArray());
        }
        table.print(out);
    }

    static void printRegistries(final List<Summary> summaries, final PrintStream out)
    {
        final TextTable table = new TextTable("registry", "#entries", "#size", "#used", "attached pids");
        for (final Summary summary : summaries)
        {
            if (summary.problem() == null)
            {
                table.add(summary.name(), summary.allocations(), summary.totalBytes(), summary.usedBytes(),
                    summary.attachedPids().stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            else
            {
                table.add(summary.name(), null, null, null, null);
            }
        }
        table.print(out);
    }

    /** The heading of a {@code stat} frame for one registry. */
    static String statHeading(final RegistryView view, final List<RegistryEntry> entries, final Instant now)
    {
        final List<Long> pids = pids(view);
        return "dsmreg stat - registry " + view.name() + " at " + view.directory() + " - " + TIMESTAMP.format(now) + "\n" +
            entries.size() + (entries.size() == 1 ? " entry, " : " entries, ") + sum(entries, true) + " bytes reserved, " +
            sum(entries, false) + " bytes in use; attached: " +
            (pids.isEmpty() ? "none" : pids.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }

    static String entriesJson(final RegistryView view, final List<RegistryEntry> entries)
    {
        final List<Object> processes = new ArrayList<>();
        for (final RegistryProcess process : view.attachedProcesses())
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("pid", process.pid());
            row.put("startedAt", process.startedAt());
            row.put("attachedAt", process.attachedAt());
            processes.add(row);
        }
        final List<Object> allocations = new ArrayList<>();
        for (final RegistryEntry entry : entries)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", entry.name());
            row.put("type", type(entry));
            row.put("sizeBytes", entry.sizeBytes());
            row.put("usedBytes", entry.usedBytes());
            row.put("entryCount", entry.entryCount());
            row.put("creatorPid", entry.creatorPid());
            row.put("createdAt", entry.createdAt());
            if (entry.lock() != null)
            {
                final Map<String, Object> lock = new LinkedHashMap<>();
                lock.put("mode", entry.lock().mode().name().toLowerCase(Locale.ROOT));
                lock.put("holderPids", entry.lock().holderPids());
                lock.put("heldSince", entry.lock().heldSince());
                lock.put("waiting", entry.lock().waiting());
                row.put("lock", lock);
            }
            if (entry.queue() != null)
            {
                final QueueState state = entry.queue();
                final Map<String, Object> queue = new LinkedHashMap<>();
                queue.put("capacity", state.capacity());
                queue.put("producers", state.producers().name().toLowerCase(Locale.ROOT));
                queue.put("bytesWaiting", state.bytesWaiting());
                queue.put("producerPosition", state.producerPosition());
                queue.put("consumerPosition", state.consumerPosition());
                queue.put("consumerPid", state.consumerPid());
                queue.put("producerPid", state.producerPid());
                queue.put("messagesSent", state.messagesSent());
                queue.put("messagesReceived", state.messagesReceived());
                queue.put("unblocks", state.unblocks());
                row.put("queue", queue);
            }
            allocations.add(row);
        }
        final Map<String, Object> document = new LinkedHashMap<>();
        document.put("registry", view.name());
        document.put("directory", view.directory().toString());
        document.put("capacity", view.capacity());
        document.put("createdAt", view.createdAt());
        document.put("attachedProcesses", processes);
        document.put("allocations", allocations);
        return pretty(document);
    }

    static String registriesJson(final String directory, final List<Summary> summaries)
    {
        final List<Object> registries = new ArrayList<>();
        for (final Summary summary : summaries)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", summary.name());
            row.put("allocations", summary.problem() == null ? summary.allocations() : null);
            row.put("totalBytes", summary.problem() == null ? summary.totalBytes() : null);
            row.put("usedBytes", summary.problem() == null ? summary.usedBytes() : null);
            row.put("attachedPids", summary.attachedPids());
            row.put("problem", summary.problem());
            registries.add(row);
        }
        final Map<String, Object> document = new LinkedHashMap<>();
        document.put("directory", directory);
        document.put("registries", registries);
        return pretty(document);
    }

    /** Top-level keys one per line, lists of objects one object per line: readable, and easy to grep. */
    private static String pretty(final Map<String, Object> document)
    {
        final StringBuilder out = new StringBuilder("{\n");
        String separator = "";
        for (final Map.Entry<String, Object> field : document.entrySet())
        {
            out.append(separator).append("  ").append(Json.write(field.getKey())).append(": ");
            if (field.getValue() instanceof List<?> list && !list.isEmpty())
            {
                out.append("[\n");
                String elementSeparator = "";
                for (final Object element : list)
                {
                    out.append(elementSeparator).append("    ").append(Json.write(element));
                    elementSeparator = ",\n";
                }
                out.append("\n  ]");
            }
            else
            {
                out.append(Json.write(field.getValue()));
            }
            separator = ",\n";
        }
        return out.append("\n}").toString();
    }

    private static String type(final RegistryEntry entry)
    {
        return entry.type() == null ? "unknown" : entry.type().label();
    }

    private static long sum(final List<RegistryEntry> entries, final boolean reserved)
    {
        long sum = 0;
        for (final RegistryEntry entry : entries)
        {
            final Long bytes = reserved ? entry.sizeBytes() : entry.usedBytes();
            sum += bytes == null ? 0 : bytes;
        }
        return sum;
    }

    private static List<Long> pids(final RegistryView view)
    {
        return view.attachedProcesses().stream().map(RegistryProcess::pid).collect(Collectors.toList());
    }
}
