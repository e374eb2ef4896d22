package io.dsmreg.cli;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.QueueState;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryProcess;
import io.dsmreg.RegistryView;

import io.dsmreg.LockState;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>
 * Tables show sizes for people ({@code 4.0 KiB}) unless exact bytes are asked for, and fit the
 * width they are given by leaving out the columns least needed to tell entries apart; JSON always
 * has exact bytes and every field. An entry is flagged in a {@code state} column, shown when any
 * entry needs it, while its initialization runs ({@value #INITIALIZING}) and when it is initialized
 * but its files cannot be read ({@value #DAMAGED}; {@code dsmreg verify} says why).
 */
final class Listing
{
    static final String INITIALIZING = "initializing";
    static final String DAMAGED = "damaged";
    /** The option that shows every column, named in the footer of a table that left some out. */
    private static final String WIDE = Arguments.WIDE;

    private Listing()
    {
    }

    /**
     * How a table is printed: sizes exact or for people, and the width it should fit.
     *
     * @param exactBytes sizes as numbers of bytes.
     * @param width      the most columns a line may take; {@link Integer#MAX_VALUE} for every column in full.
     */
    record Layout(boolean exactBytes, int width)
    {
        String size(final Long bytes)
        {
            return bytes == null ? null : exactBytes ? bytes.toString() : Formats.size(bytes);
        }
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

    static void printEntries(final List<RegistryEntry> entries, final Layout layout, final PrintStream out)
    {
        final boolean locks = entries.stream().anyMatch(entry -> entry.lock() != null);
        final boolean queues = entries.stream().anyMatch(entry -> entry.queue() != null);
        final boolean states = entries.stream().anyMatch(entry -> state(entry) != null);
        final List<String> columns = new ArrayList<>(List.of("name", "type", "#size", "#used", "#entries", "#creator pid", "created at"));
        if (locks)
        {
            columns.add("lock");
        }
        if (queues)
        {
            columns.add("queue");
        }
        if (states)
        {
            columns.add("state");
        }
        final TextTable table = new TextTable(columns.toArray(String[]::new))
            .leaveOut("queue", "creator pid", "created at", "entries", "used").shorten("name");
        for (final RegistryEntry entry : entries)
        {
            final List<Object> row = new ArrayList<>(List.of(entry.name(), type(entry)));
            row.add(layout.size(entry.sizeBytes()));
            row.add(layout.size(entry.usedBytes()));
            row.add(entry.entryCount());
            row.add(entry.creatorPid());
            row.add(entry.createdAt() == null ? null : Formats.timestamp(entry.createdAt()));
            if (locks)
            {
                row.add(entry.lock() == null ? null : lock(entry.lock()));
            }
            if (queues)
            {
                row.add(entry.queue() == null ? null : entry.queue().describe());
            }
            if (states)
            {
                row.add(state(entry));
            }
            table.add(row.toArray());
        }
        table.print(out, layout.width(), WIDE);
    }

    static void printRegistries(final List<Summary> summaries, final Layout layout, final PrintStream out)
    {
        final TextTable table = new TextTable("registry", "#entries", "#size", "#used", "attached pids")
            .leaveOut("attached pids").shorten("registry");
        for (final Summary summary : summaries)
        {
            if (summary.problem() == null)
            {
                table.add(summary.name(), summary.allocations(), layout.size(summary.totalBytes()), layout.size(summary.usedBytes()),
                    summary.attachedPids().stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            else
            {
                table.add(summary.name(), null, null, null, null);
            }
        }
        table.print(out, layout.width(), WIDE);
    }

    /** The heading of a {@code stat} frame for one registry. */
    static String statHeading(final RegistryView view, final List<RegistryEntry> entries, final Layout layout, final Instant now)
    {
        final List<Long> pids = pids(view);
        return "dsmreg stat - registry " + view.name() + " at " + view.directory() + " - " + Formats.timestamp(now) + "\n" +
            entries.size() + (entries.size() == 1 ? " entry, " : " entries, ") + bytes(sum(entries, true), layout) + " reserved, " +
            bytes(sum(entries, false), layout) + " in use; attached: " +
            (pids.isEmpty() ? "none" : pids.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }

    /** The flag of an entry that is not simply ready: {@value #INITIALIZING}, {@value #DAMAGED}, or null. */
    static String state(final RegistryEntry entry)
    {
        if (!entry.initialized())
        {
            return INITIALIZING;
        }
        // Every kind reports a ready entry's size from its files' headers: none means they could not be read.
        return entry.sizeBytes() == null ? DAMAGED : null;
    }

    /** A lock's state as LockState describes it, with its time in the command line's one format. */
    private static String lock(final LockState lock)
    {
        if (lock.mode() != LockState.Mode.EXCLUSIVE)
        {
            return lock.describe();
        }
        final String pids = lock.holderPids().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return "exclusive by pid " + pids + (lock.heldSince() == null ? "" : " since " + Formats.timestamp(lock.heldSince())) +
            ", " + lock.waiting() + " waiting";
    }

    private static String bytes(final long bytes, final Layout layout)
    {
        return layout.exactBytes() ? bytes + " bytes" : Formats.size(bytes);
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
            row.put("state", state(entry) == null ? "ready" : state(entry));
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
