package io.dsmreg.internal.registry;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.EntryType;
import io.dsmreg.InvalidNameException;
import io.dsmreg.PermissionException;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryProcess;
import io.dsmreg.internal.file.Directories;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.kind.EntryKinds;
import io.dsmreg.internal.kind.EntryTypes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_EMPTY;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_INITIALIZING;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_READY;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_REMOVED;

/** Reads a registry's table and entry files without locks: what {@link io.dsmreg.RegistryView}, listings and {@code verify} show. */
public final class RegistryReader
{
    /**
     * How long verify waits for what it saw a writer in the middle of (a slot held odd, a removed entry's file
     * not deleted yet) to settle before it reports it as left by a dead one: a live writer takes microseconds,
     * unless it is descheduled.
     */
    private static final long WRITER_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long WRITER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String name;
    private final Path directory;
    private final RegistryTable table;

    public RegistryReader(final String name, final Path directory, final RegistryTable table)
    {
        this.name = name;
        this.directory = directory;
        this.table = table;
    }

    /**
     * Looks at the registry {@code name} under {@code options}' root, if it exists.
     *
     * @return empty when there is no such registry (or its creator died before finishing its table).
     * @throws InvalidNameException for a name that cannot name a registry.
     * @throws PermissionException  if its directory is not this user's alone, or is a link, or if this user has no
     *                              such registry but another user's directory under the root holds one.
     * @throws CorruptFileException if its table file is not a registry table of this version.
     */
    public static Optional<RegistryReader> open(final String name, final RegistryOptions options)
    {
        final String problem = Directories.registryNameProblem(name);
        if (problem != null)
        {
            throw new InvalidNameException(problem);
        }
        AgronaAccess.check();
        final Path root = Directories.root(options.root());
        final Path userDirectory = Directories.userDirectory(root);
        final Path directory = userDirectory.resolve(name);
        if (!Files.exists(userDirectory, LinkOption.NOFOLLOW_LINKS) || !Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
        {
            Directories.checkNotAnotherUsersRegistry(root, name);
            return Optional.empty();
        }
        Directories.checkPrivateDirectory(userDirectory);
        Directories.checkPrivateDirectory(directory);
        final Path tableFile = directory.resolve(OpenRegistry.TABLE_FILE);
        if (!Files.exists(tableFile, LinkOption.NOFOLLOW_LINKS))
        {
            return Optional.empty();
        }
        final RegistryTable table = RegistryTable.attach(tableFile, true);
        return table == null ? Optional.empty() : Optional.of(new RegistryReader(name, OpenRegistry.realPath(directory), table));
    }

    /**
     * The names of the registries under {@code options}' root that belong to this user, sorted;
     * empty when there are none. Creates nothing.
     *
     * @throws PermissionException if the user's directory is not this user's alone, or is a link.
     */
    public static List<String> registries(final RegistryOptions options)
    {
        final Path userDirectory = Directories.userDirectory(Directories.root(options.root()));
        if (!Files.exists(userDirectory, LinkOption.NOFOLLOW_LINKS))
        {
            return List.of();
        }
        Directories.checkPrivateDirectory(userDirectory);
        final List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(userDirectory))
        {
            for (final Path directory : directories)
            {
                final String candidate = directory.getFileName().toString();
                if (Directories.registryNameProblem(candidate) == null &&
                    Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) &&
                    Files.exists(directory.resolve(OpenRegistry.TABLE_FILE), LinkOption.NOFOLLOW_LINKS))
                {
                    names.add(candidate);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot list the registries in " + userDirectory + ": " + ex, ex);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** The registry's name. */
    public String name()
    {
        return name;
    }

    /** The registry's directory. */
    public Path directory()
    {
        return directory;
    }

    /** How many entries the registry can hold. */
    public int capacity()
    {
        return table.slotCapacity();
    }

    /** When the registry was created. */
    public Instant createdAt()
    {
        return Instant.ofEpochMilli(table.createdAtMs());
    }

    /**
     * Every entry, created by any process, sorted by name. Entries whose initialization has not
     * completed have a null size, as in PostgreSQL.
     */
    public List<RegistryEntry> entries()
    {
        final List<RegistryEntry> entries = new ArrayList<>();
        for (final SlotView view : table.entries())
        {
            final EntryType type = EntryTypes.ofCode(view.type());
            entries.add(view.state() == STATE_READY ?
                EntryKinds.inspect(directory, view) :
                new RegistryEntry(view.name(), type, null, null, null, view.ownerPid(), null));
        }
        entries.sort(Comparator.comparing(RegistryEntry::name));
        return entries;
    }

    /** The processes that have the registry open right now; records of processes that died are left out. */
    public List<RegistryProcess> attachedProcesses()
    {
        final List<RegistryProcess> processes = new ArrayList<>();
        for (final AttachedProcess process : table.attachedProcesses())
        {
            final long pid = process.identity().pid();
            final Instant startedAt = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant()).orElse(null);
            processes.add(new RegistryProcess(pid, startedAt, Instant.ofEpochMilli(process.attachedAtMs())));
        }
        return processes;
    }

    /**
     * Whether the registry was removed since this reader attached to its table (its files deleted by
     * {@code dsmreg remove --force} or {@link io.dsmreg.DsmRegistry#removeRegistry}), perhaps created
     * anew since: what this reader shows is then no longer shared with processes that open the registry.
     */
    public boolean isRemoved()
    {
        return table.isDeleted();
    }

    /**
     * A number that changes whenever an entry is created, finishes its initialization or is
     * removed, by any process: a watcher that sees it unchanged need not list the entries again.
     * It does not change when an area's or hash's contents change.
     */
    public long changeCount()
    {
        return table.modificationCount();
    }

    /**
     * Checks the registry while it may be in use, without locks: the table (every slot readable,
     * every entry findable by its name, no name twice, known types), every initialized entry's
     * files (through its type's own checks), and files that no entry refers to. Entries that change
     * while they are checked are skipped rather than reported; a slot held mid-write, or a file no entry
     * refers to, is reported only if it stays so for a short grace (a live writer finishes within it).
     *
     * @return one message per problem, naming the entry or file and what to do; empty when consistent.
     */
    public List<String> verify()
    {
        final List<Path> files = entryFiles();
        final List<String> problems = new ArrayList<>();
        final Map<String, Integer> slotsByName = new HashMap<>();
        final Set<Long> fileIds = new HashSet<>();
        for (int index = 0; index < table.slotCapacity(); index++)
        {
            final int slot = index;
            final SlotView view = settled(() -> table.read(slot));
            if (view == null)
            {
                problems.add("slot " + index + " of " + table.file() + " is held mid-write by a process that seems to " +
                    "have stopped (pid " + table.lastLockHolder() + " took the table lock last); the next process " +
                    "that creates or removes an entry repairs it");
                continue;
            }
            if (view.state() == STATE_EMPTY || view.state() == STATE_REMOVED)
            {
                continue;
            }
            if (view.state() != STATE_INITIALIZING && view.state() != STATE_READY)
            {
                problems.add("slot " + index + " of " + table.file() + " has the unknown state " + view.state() +
                    "; the table is damaged: move the registry directory away");
                continue;
            }
            fileIds.add(view.fileId());
            final List<String> found = slotProblems(view, slotsByName);
            if (!found.isEmpty() && unchanged(view))
            {
                problems.addAll(found);
            }
        }
        // The files were listed before the slots were read, and an entry's slot is claimed before its files are
        // created: a listed file of an entry still there is in fileIds. One that is not belongs to a removed entry,
        // whose remover deletes it right after marking the slot, or left it there when it died.
        final List<Path> unreferenced = new ArrayList<>();
        for (final Path file : files)
        {
            if (!fileIds.contains(EntryFiles.fileId(file.getFileName().toString())))
            {
                unreferenced.add(file);
            }
        }
        settled(() ->
        {
            unreferenced.removeIf(file -> !Files.exists(file, LinkOption.NOFOLLOW_LINKS));
            return unreferenced.isEmpty() ? unreferenced : null;
        });
        for (final Path file : unreferenced)
        {
            problems.add("file " + file + " belongs to no entry (left by a remove that was interrupted); " +
                "delete it to free its space");
        }
        return problems;
    }

    /**
     * {@code attempt}'s first answer that is not null, polling for up to {@link #WRITER_GRACE_NANOS}; null if there
     * was none by then. What a live writer is in the middle of settles within moments; what a dead one left does not.
     */
    private static <T> T settled(final Supplier<T> attempt)
    {
        final long deadline = System.nanoTime() + WRITER_GRACE_NANOS;
        while (true)
        {
            final T answer = attempt.get();
            if (answer != null || System.nanoTime() - deadline >= 0)
            {
                return answer;
            }
            LockSupport.parkNanos(WRITER_POLL_NANOS);
        }
    }

    private List<String> slotProblems(final SlotView view, final Map<String, Integer> slotsByName)
    {
        final byte[] nameBytes = view.name().getBytes(StandardCharsets.UTF_8);
        final EntryType type = EntryTypes.ofCode(view.type());
        final Integer previous = slotsByName.putIfAbsent(view.name(), view.index());
        if (previous != null)
        {
            return List.of("entry \"" + view.name() + "\" is in slots " + previous + " and " + view.index() + " of " +
                table.file() + "; the table is damaged: move the registry directory away");
        }
        if (nameBytes.length == 0 || table.find(nameBytes, RegistryTable.hash(nameBytes)) != view.index())
        {
            return List.of("entry \"" + view.name() + "\" in slot " + view.index() + " of " + table.file() +
                " cannot be found by its name; the table is damaged: move the registry directory away");
        }
        if (type == null)
        {
            return List.of("entry \"" + view.name() + "\" has the unknown type code " + view.type() +
                "; it was written by a newer dsmreg: use that version");
        }
        if (view.state() != STATE_READY)
        {
            return List.of();
        }
        try
        {
            return EntryKinds.verify(directory, view);
        }
        catch (final DsmRegistryException ex)
        {
            return List.of("entry \"" + view.name() + "\" (" + type.label() + ") is damaged: " + ex.getMessage());
        }
    }

    private boolean unchanged(final SlotView view)
    {
        return table.generation(view.index()) == view.generation();
    }

    private List<Path> entryFiles()
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path file : stream)
            {
                if (EntryFiles.fileId(file.getFileName().toString()) >= 0)
                {
                    files.add(file);
                }
            }
            return files;
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot list the files of registry \"" + name + "\" in " + directory + ": " + ex, ex);
        }
    }
}
