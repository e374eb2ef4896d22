package io.dsmreg.internal.registry;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.InvalidNameException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryInUseException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.internal.file.Directories;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.jmx.RegistryMBeans;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.kind.EntryKinds;
import io.dsmreg.internal.kind.EntryTypes;
import io.dsmreg.internal.layout.RegistryDescriptor;
import io.dsmreg.internal.lock.LockFile;
import io.dsmreg.internal.lock.ProcessIdentity;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_INITIALIZING;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_READY;

/*
 * One registry directory, open in this JVM.
 *
 * A registry is a directory <root>/dsmreg-<user>/<name>/ holding:
 *   registry.lock   never mapped, only locked: byte 0 is the TABLE LOCK, byte 1+i the ENTRY LOCK of slot i;
 *   registry.dat    the table of named entries and attached processes (RegistryDescriptor);
 *   <id>_<part>.dsm the files of each entry, named by a numeric id from the table, never by the entry's name.
 *
 * The locks are OS record locks (plus a thread lock in front of each), so the kernel releases them
 * when their process dies: nobody ever waits for a dead process, and every wait is bounded by the
 * registry's timeout anyway.
 *
 * The table lock is held only for short work: looking a name up, claiming, publishing or removing a
 * slot, and mapping an existing entry's files. The entry lock of a slot is held for the whole
 * creation and initialization of that entry, like the partition lock PostgreSQL's
 * GetNamedDSMSegment holds across dshash_find_or_insert and the init callback. Lock order: entry
 * lock, then table lock; nobody waits for an entry lock while holding the table lock.
 *
 * Create-or-attach (getOrCreate), for every kind of entry:
 *   1. Under the table lock: a READY entry is checked against the request and attached (found);
 *      a missing one is CLAIMED: a slot becomes INITIALIZING with a new file id.
 *   2. Under the slot's entry lock, re-read the slot under the table lock. If it is READY, someone
 *      initialized it meanwhile: attach (found). If it is INITIALIZING, whoever claimed it has either
 *      not started yet, died, or failed: in every case the entry is ours to initialize. We take it
 *      over, delete any files a dead initializer left, create and initialize the files, and publish
 *      READY under the table lock. If the slot no longer holds our name (removed, or failed and
 *      reused), start again.
 *   3. If initialization throws, its files are deleted and the slot is freed before the exception
 *      reaches the caller: the registry is as it was, and the next caller initializes afresh.
 *
 * Invariants: a READY slot's files exist and are fully initialized (their headers were published
 * before the slot); a slot changes only under the table lock, inside its seqlock; files are deleted
 * only after their slot stopped being READY, so a mapping taken under the table lock never races a
 * deletion. Mappings are never unmapped by hand: handles keep them alive, and a removed entry's
 * memory stays valid for whoever still holds it.
 *
 * In this JVM, handles to ready entries are cached by name with the slot's generation at
 * publication and the table's removal epoch when last validated. While the epoch is unchanged no
 * entry was removed anywhere and every cached handle is current: the hot path is a map lookup and
 * one volatile read of a word every lookup shares. After a removal, each handle is re-validated
 * once against its slot's generation.
 */
public final class OpenRegistry
{
    public static final String LOCK_FILE = "registry.lock";
    public static final String TABLE_FILE = "registry.dat";
    private static final Map<Path, OpenRegistry> OPEN = new HashMap<>();

    private final String name;
    private final Path directory;
    private final LockFile locks;
    private final RegistryTable table;
    private final long timeoutNanos;
    private final ProcessIdentity self = ProcessIdentity.current();
    private final int processRecord;
    private final HandleCache cache = new HandleCache();
    private final RegistryReader view;
    private int references;
    private boolean released;
    private DsmRegistry.MBeans mbeans;
    private int mbeanUsers;
    /** The table slot that opening the registry found left mid-write and repaired, or -1; reported by the next {@link #repair}. */
    private int slotRepairedAtOpen;

    private OpenRegistry(
        final String name, final Path directory, final LockFile locks, final RegistryTable table,
        final long timeoutNanos, final int processRecord, final int slotRepairedAtOpen)
    {
        this.slotRepairedAtOpen = slotRepairedAtOpen;
        this.name = name;
        this.directory = directory;
        this.locks = locks;
        this.table = table;
        this.timeoutNanos = timeoutNanos;
        this.processRecord = processRecord;
        this.view = new RegistryReader(name, directory, table);
    }

    // ---------------------------------------------------------------------------------------------
    // Opening and closing, shared by every DsmRegistry handle of this JVM
    // ---------------------------------------------------------------------------------------------

    public static OpenRegistry acquire(final String name, final RegistryOptions options)
    {
        final String problem = Directories.registryNameProblem(name);
        if (problem != null)
        {
            throw new InvalidNameException(problem);
        }
        AgronaAccess.check();
        final Path userDirectory = Directories.ensureUserDirectory(Directories.root(options.root()));
        final Path directory = realPath(Directories.ensurePrivateDirectory(userDirectory.resolve(name)));
        synchronized (OPEN)
        {
            OpenRegistry registry = OPEN.get(directory);
            if (registry == null)
            {
                registry = open(name, directory, options);
                OPEN.put(directory, registry);
            }
            registry.references++;
            return registry;
        }
    }

    private static OpenRegistry open(final String name, final Path directory, final RegistryOptions options)
    {
        final long timeoutNanos = options.timeout().toNanos();
        final LockFile locks = new LockFile(directory.resolve(LOCK_FILE), MappedFiles.openLockFile(directory.resolve(LOCK_FILE)));
        try (LockFile.Held ignored = locks.acquire(RegistryDescriptor.TABLE_LOCK_POSITION, timeoutNanos,
            () -> "timed out after " + options.timeout().toMillis() + " ms waiting to open registry \"" + name + "\" at " + directory +
                ": another process holds its table lock"))
        {
            final Path tableFile = directory.resolve(TABLE_FILE);
            RegistryTable table = Files.exists(tableFile) ? RegistryTable.attach(tableFile, false) : null;
            if (table == null)
            {
                // Absent, or its creator died before publishing it: we hold the table lock, so we create it.
                MappedFiles.deleteQuietly(tableFile);
                table = RegistryTable.create(tableFile, options.capacity(), ProcessIdentity.current());
            }
            final int repairedSlot = table.repairAfterCrash();
            table.recordLockHolder(ProcessIdentity.current().pid());
            table.pruneDeadProcesses();
            final int processRecord = table.registerProcess(ProcessIdentity.current());
            return new OpenRegistry(name, directory, locks, table, timeoutNanos, processRecord, repairedSlot);
        }
        catch (final RuntimeException | Error ex)
        {
            locks.close();
            throw ex;
        }
    }

    public void release()
    {
        synchronized (OPEN)
        {
            if (--references > 0)
            {
                return;
            }
            OPEN.remove(directory);
        }
        try
        {
            closeMBeans(true);
            try (LockFile.Held ignored = lockTable())
            {
                if (processRecord >= 0)
                {
                    table.deregisterProcess(processRecord, self);
                }
                table.pruneDeadProcesses();
            }
        }
        finally
        {
            locks.close();
        }
    }

    public String name()
    {
        return name;
    }

    public Path directory()
    {
        return directory;
    }

    public RegistryTable table()
    {
        return table;
    }

    /** How long any call waits for a lock, from RegistryOptions.timeout. */
    public long timeoutNanos()
    {
        return timeoutNanos;
    }

    // ---------------------------------------------------------------------------------------------
    // Create or attach
    // ---------------------------------------------------------------------------------------------

    /** The cached handle for {@code name} if it is still the registry's current entry, else null. */
    public CachedHandle cached(final String entryName)
    {
        final CachedHandle cached = cache.get(entryName);
        if (cached == null || table.removalEpoch() == cached.removalEpoch)
        {
            return cached;
        }
        return revalidate(entryName, cached);
    }

    private CachedHandle revalidate(final String entryName, final CachedHandle cached)
    {
        final long epoch = table.removalEpoch();
        if (cached.isRemoved())
        {
            cache.remove(entryName, cached);
            return null;
        }
        cached.removalEpoch = epoch;
        return cached;
    }

    private void cache(final String entryName, final CachedHandle handle)
    {
        // Epoch first, generation second: a removal that lands between them either leaves an old
        // epoch (re-validated on the next lookup) or shows in the generation (not cached).
        final long epoch = table.removalEpoch();
        if (!handle.isRemoved())
        {
            handle.removalEpoch = epoch;
            cache.put(handle);
        }
    }

    /**
     * The create-or-attach protocol of the class comment, for an entry of any kind: returns the
     * handle {@code kind} makes for {@code request}, attached or created and initialized.
     */
    public <R, H extends CachedHandle> H getOrCreate(
        final String entryName, final byte[] nameBytes, final EntryKind<R, H> kind, final R request)
    {
        final int hash = RegistryTable.hash(nameBytes);
        final long deadline = System.nanoTime() + timeoutNanos;
        while (true)
        {
            final int slot;
            long claimedGeneration = -1;
            try (LockFile.Held ignored = lockTable(deadline))
            {
                final int existing = table.find(nameBytes, hash);
                if (existing >= 0)
                {
                    final SlotView view = table.read(existing);
                    if (view.state() == STATE_READY)
                    {
                        return attach(entryName, view, kind, request);
                    }
                    slot = existing;
                }
                else
                {
                    slot = table.findFree(hash);
                    if (slot < 0)
                    {
                        throw new OutOfSpaceException(
                            "cannot create " + kind.type().label() + " \"" + entryName + "\": registry \"" + name +
                            "\" is full, it holds " + table.slotCapacity() + " entries, its capacity. Remove entries " +
                            "that are no longer needed, or create the registry with a larger RegistryOptions.capacity");
                    }
                    table.claim(slot, nameBytes, hash, EntryTypes.code(kind.type()), kind.recordedSize(request), table.takeFileId(), self);
                    claimedGeneration = table.generation(slot);
                }
            }
            final H handle = initializeOrAttach(entryName, nameBytes, slot, claimedGeneration, kind, request, deadline);
            if (handle != null)
            {
                return handle;
            }
        }
    }

    /** Step 2 of the protocol; null when the slot no longer holds the entry and the caller must start again. */
    private <R, H extends CachedHandle> H initializeOrAttach(
        final String entryName, final byte[] nameBytes, final int slot, final long claimedGeneration,
        final EntryKind<R, H> kind, final R request, final long deadline)
    {
        final long entryLock = RegistryDescriptor.entryLockPosition(slot);
        if (locks.isHeldByCurrentThread(entryLock))
        {
            throw new DsmRegistryException(
                kind.type().label() + " \"" + entryName + "\" was requested from inside its own initializer, which " +
                "would wait for itself; pass the buffer the initializer receives instead");
        }
        try (LockFile.Held ignored = locks.acquire(entryLock, remaining(deadline), () -> entryTimeout(entryName, slot)))
        {
            final SlotView view;
            try (LockFile.Held tableLock = lockTable(deadline))
            {
                final SlotView current = table.read(slot);
                if (!holds(current, nameBytes))
                {
                    return null;
                }
                if (current.state() == STATE_READY)
                {
                    return attach(entryName, current, kind, request);
                }
                table.takeOver(slot, EntryTypes.code(kind.type()), kind.recordedSize(request), self);
                view = current;
            }
            if (view.generation() != claimedGeneration)
            {
                // Not our untouched claim: an initializer before us may have died leaving files behind.
                EntryFiles.deleteAll(directory, view.fileId());
            }
            final EntryGeneration entry = new EntryGeneration(table, slot, table.generation(slot));
            final H created;
            try
            {
                created = kind.create(this, request, entry, view.fileId());
            }
            catch (final RuntimeException | Error ex)
            {
                EntryFiles.deleteAll(directory, view.fileId());
                try (LockFile.Held tableLock = lockTable())
                {
                    table.remove(slot);
                }
                throw ex;
            }
            try (LockFile.Held tableLock = lockTable())
            {
                table.publish(slot);
                // Before the handle is cached or returned: it belongs to the published generation.
                entry.published(table.generation(slot));
            }
            cache(entryName, kind.asFound(created));
            return created;
        }
    }

    private <R, H extends CachedHandle> H attach(
        final String entryName, final SlotView view, final EntryKind<R, H> kind, final R request)
    {
        final EntryType existingType = EntryTypes.ofCode(view.type());
        if (existingType != kind.type())
        {
            throw new EntryMismatchException(
                "requested " + kind.type().label() + " \"" + entryName + "\" does not match the type of the existing " +
                "entry, which is " + (existingType == null ? "of unknown type " + view.type() : EntryTypes.withArticle(existingType)) +
                "; use another name, or remove the existing entry first");
        }
        kind.checkCompatible(request, view);
        final CachedHandle cached = cache.get(entryName);
        if (cached != null && cached.entry().slot() == view.index() && cached.entry().generation() == view.generation() &&
            kind.isHandleOf(request, cached))
        {
            // Attached before (by a thread that raced this one to the entry): one instance per entry per JVM.
            @SuppressWarnings("unchecked")
            final H same = (H)cached;
            kind.checkCompatible(request, same);
            return same;
        }
        final H handle = kind.attach(this, request, new EntryGeneration(table, view.index(), view.generation()), view.fileId());
        kind.checkCompatible(request, handle);
        cache(entryName, kind.asFound(handle));
        return handle;
    }

    private static boolean holds(final SlotView view, final byte[] nameBytes)
    {
        return view != null && (view.state() == STATE_INITIALIZING || view.state() == STATE_READY) &&
            view.name().equals(new String(nameBytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------
    // Remove and list
    // ---------------------------------------------------------------------------------------------

    public boolean remove(final String entryName)
    {
        final byte[] nameBytes = EntryNames.encode("entry", entryName);
        final int hash = RegistryTable.hash(nameBytes);
        final long deadline = System.nanoTime() + timeoutNanos;
        while (true)
        {
            final int slot;
            try (LockFile.Held ignored = lockTable(deadline))
            {
                slot = table.find(nameBytes, hash);
            }
            if (slot < 0)
            {
                cache.remove(entryName, null);
                return false;
            }
            final long entryLock = RegistryDescriptor.entryLockPosition(slot);
            if (locks.isHeldByCurrentThread(entryLock))
            {
                throw new DsmRegistryException("entry \"" + entryName + "\" cannot be removed from inside its own initializer");
            }
            try (LockFile.Held ignored = locks.acquire(entryLock, remaining(deadline), () -> entryTimeout(entryName, slot)))
            {
                final SlotView view;
                try (LockFile.Held tableLock = lockTable(deadline))
                {
                    view = table.read(slot);
                    if (!holds(view, nameBytes))
                    {
                        continue;
                    }
                    table.remove(slot);
                }
                cache.remove(entryName, null);
                EntryFiles.deleteAll(directory, view.fileId());
                return true;
            }
        }
    }

    public List<RegistryEntry> entries()
    {
        return view.entries();
    }

    // ---------------------------------------------------------------------------------------------
    // Repair
    // ---------------------------------------------------------------------------------------------

    /**
     * Repairs what dead processes left half done in every entry, and reports a table slot that
     * opening the registry found left mid-write: see {@link #repair(String)}.
     *
     * @return what was repaired, one sentence each naming the entry; empty when nothing needed it.
     */
    public List<String> repairAll()
    {
        final List<String> repaired = new ArrayList<>();
        try (LockFile.Held ignored = lockTable())
        {
            final int atOpen = slotRepairedAtOpen;
            slotRepairedAtOpen = -1;
            if (atOpen >= 0)
            {
                repaired.add("registry table: slot " + atOpen + ", left mid-write by a dead process, was made " +
                    "readable when this process opened the registry");
            }
        }
        for (final SlotView ready : table.entries())
        {
            final List<String> entry = ready.state() == RegistryDescriptor.STATE_READY ?
                repairEntry(EntryNames.encode("entry", ready.name()), ready.name()) : null;
            if (entry != null)
            {
                // Null: removed meanwhile, nothing left to repair.
                repaired.addAll(entry);
            }
        }
        return repaired;
    }

    /**
     * Repairs what dead processes left half done in the entry {@code entryName}, under its entry
     * lock so that nobody removes it meanwhile, by its kind ({@link io.dsmreg.internal.kind.EntryKind#repair});
     * every wait bounded by the timeout.
     *
     * @return what was repaired, one sentence each naming the entry; empty when nothing needed it.
     * @throws DsmRegistryException if there is no entry {@code entryName}.
     */
    public List<String> repair(final String entryName)
    {
        final byte[] nameBytes = EntryNames.encode("entry", entryName);
        final List<String> repaired = repairEntry(nameBytes, entryName);
        if (repaired == null)
        {
            throw new DsmRegistryException("cannot repair entry \"" + entryName + "\": registry \"" + name + "\" has no " +
                "such entry (dsmreg list " + name + " shows its entries)");
        }
        return repaired;
    }

    /** What {@link #repair} repaired, or null if there is no such entry. */
    private List<String> repairEntry(final byte[] nameBytes, final String entryName)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        final int slot;
        try (LockFile.Held ignored = lockTable(deadline))
        {
            slot = table.find(nameBytes, RegistryTable.hash(nameBytes));
        }
        if (slot < 0)
        {
            return null;
        }
        final long entryLock = RegistryDescriptor.entryLockPosition(slot);
        try (LockFile.Held ignored = locks.acquire(entryLock, remaining(deadline), () -> entryTimeout(entryName, slot)))
        {
            final SlotView view;
            try (LockFile.Held tableLock = lockTable(deadline))
            {
                view = table.read(slot);
            }
            if (view == null || !holds(view, nameBytes))
            {
                return null;
            }
            if (view.state() != RegistryDescriptor.STATE_READY)
            {
                // Still being initialized: its initializer, or the next caller, cleans up after a dead one.
                return List.of();
            }
            final List<String> repaired = new ArrayList<>();
            for (final String fixed : EntryKinds.repair(this, view))
            {
                repaired.add("entry \"" + entryName + "\": " + fixed);
            }
            return repaired;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Removing a whole registry
    // ---------------------------------------------------------------------------------------------

    /**
     * Deletes the registry {@code name}: under its table lock, so that nobody opens it meanwhile,
     * checks that no live process is attached (unless forced), then deletes every entry's files,
     * the table and the lock file (still holding its lock, so that a process waiting for it finds
     * the registry gone rather than half there) and the directory.
     */
    public static boolean removeRegistry(final String name, final RegistryOptions options, final boolean force)
    {
        final String problem = Directories.registryNameProblem(name);
        if (problem != null)
        {
            throw new InvalidNameException(problem);
        }
        AgronaAccess.check();
        final Path userDirectory = Directories.userDirectory(Directories.root(options.root()));
        if (!Files.exists(userDirectory.resolve(name), LinkOption.NOFOLLOW_LINKS))
        {
            return false;
        }
        Directories.checkPrivateDirectory(userDirectory);
        Directories.checkPrivateDirectory(userDirectory.resolve(name));
        final Path directory = realPath(userDirectory.resolve(name));
        final long timeoutNanos = options.timeout().toNanos();
        synchronized (OPEN)
        {
            if (OPEN.containsKey(directory))
            {
                throw new DsmRegistryException(
                    "cannot remove registry \"" + name + "\": this process has it open; close its DsmRegistry handles first");
            }
            final Path lockFile = directory.resolve(LOCK_FILE);
            final LockFile locks = new LockFile(lockFile, MappedFiles.openLockFile(lockFile));
            try (LockFile.Held ignored = locks.acquire(RegistryDescriptor.TABLE_LOCK_POSITION, timeoutNanos,
                () -> "timed out after " + millis(timeoutNanos) + " ms waiting for the table lock of registry \"" + name +
                    "\" to remove it: another process holds it; if that process is stuck, stop it"))
            {
                checkNotInUse(name, directory.resolve(TABLE_FILE), force);
                deleteRegistryFiles(directory);
                // Still under the lock: a process that waited for it finds no directory to create a table in,
                // rather than creating one beside a lock file that newcomers no longer share.
                Files.delete(directory);
            }
            catch (final IOException ex)
            {
                throw new DsmRegistryException(
                    "removed the files of registry \"" + name + "\" but not its directory " + directory + ": " + ex +
                    "; a process may have opened the registry anew meanwhile, or the directory holds files dsmreg did not create", ex);
            }
            finally
            {
                locks.close();
            }
        }
        return true;
    }

    private static void checkNotInUse(final String name, final Path tableFile, final boolean force)
    {
        final RegistryTable table;
        try
        {
            table = Files.exists(tableFile, LinkOption.NOFOLLOW_LINKS) ? RegistryTable.attach(tableFile, false) : null;
        }
        catch (final CorruptFileException ex)
        {
            if (force)
            {
                return;
            }
            throw new CorruptFileException(ex.getMessage() + ". To delete the registry anyway, force the removal", ex);
        }
        if (table == null)
        {
            return;
        }
        table.pruneDeadProcesses();
        final List<AttachedProcess> attached = table.attachedProcesses();
        if (!attached.isEmpty() && !force)
        {
            final List<Long> pids = new ArrayList<>();
            attached.forEach(process -> pids.add(process.identity().pid()));
            throw new RegistryInUseException(
                "registry \"" + name + "\" is in use by " + (pids.size() == 1 ? "process " : "processes ") +
                pids.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "; stop " + (pids.size() == 1 ? "it" : "them") + " first, or force " +
                "the removal (attached processes keep their memory but no longer share it with processes that open the " +
                "registry afterwards)", pids);
        }
    }

    private static void deleteRegistryFiles(final Path directory)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                if (EntryFiles.fileId(file.getFileName().toString()) >= 0)
                {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory.resolve(TABLE_FILE));
            Files.deleteIfExists(directory.resolve(LOCK_FILE));
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot delete the files of registry " + directory + ": " + ex, ex);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // MBeans, whose classes load only when someone registers them
    // ---------------------------------------------------------------------------------------------

    /** Registers the registry's MBeans once per JVM; each call's handle counts as one user. */
    public DsmRegistry.MBeans registerMBeans()
    {
        synchronized (this)
        {
            if (released)
            {
                throw new DsmRegistryException("registry \"" + name + "\" is closed; open it again with DsmRegistry.open");
            }
            if (mbeans == null)
            {
                mbeans = RegistryMBeans.register(view);
            }
            mbeanUsers++;
            final DsmRegistry.MBeans registered = mbeans;
            return new DsmRegistry.MBeans()
            {
                private boolean closed;

                @Override
                public void close()
                {
                    synchronized (OpenRegistry.this)
                    {
                        if (!closed && mbeans == registered && --mbeanUsers == 0)
                        {
                            closeMBeans(false);
                        }
                        closed = true;
                    }
                }
            };
        }
    }

    /** Unregisters the MBeans; {@code releasing}: for good, because the last handle of the JVM closed. */
    private synchronized void closeMBeans(final boolean releasing)
    {
        released |= releasing;
        if (mbeans != null)
        {
            final DsmRegistry.MBeans registered = mbeans;
            mbeans = null;
            mbeanUsers = 0;
            registered.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Locks
    // ---------------------------------------------------------------------------------------------

    private LockFile.Held lockTable()
    {
        return lockTable(System.nanoTime() + timeoutNanos);
    }

    private LockFile.Held lockTable(final long deadline)
    {
        final LockFile.Held held = locks.acquire(RegistryDescriptor.TABLE_LOCK_POSITION, remaining(deadline),
            () -> "timed out after " + millis(timeoutNanos) + " ms waiting for the table lock of registry \"" + name +
                "\", last taken by pid " + table.lastLockHolder() + "; if that process is stuck, stop it");
        table.repairAfterCrash();
        table.recordLockHolder(self.pid());
        return held;
    }

    private String entryTimeout(final String entryName, final int slot)
    {
        final SlotView view = table.read(slot);
        final long pid = view == null ? table.lastLockHolder() : view.ownerPid();
        return "timed out after " + millis(timeoutNanos) + " ms waiting for \"" + entryName + "\" in registry \"" + name +
            "\", which process " + pid + " is initializing or removing; if that process is stuck, stop it and the " +
            "next caller initializes the entry afresh";
    }

    private static long remaining(final long deadline)
    {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    public static Path realPath(final Path directory)
    {
        try
        {
            return directory.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot resolve " + directory + ": " + ex, ex);
        }
    }
}
