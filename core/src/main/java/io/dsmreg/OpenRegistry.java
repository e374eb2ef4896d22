package io.dsmreg;

import io.dsmreg.area.AreaStatistics;
import io.dsmreg.file.Directories;
import io.dsmreg.file.EntryFiles;
import io.dsmreg.file.MappedFiles;
import io.dsmreg.hash.HashStatistics;
import io.dsmreg.layout.RegistryDescriptor;
import io.dsmreg.lock.LockFile;
import io.dsmreg.lock.ProcessIdentity;
import io.dsmreg.registry.RegistryTable;
import io.dsmreg.registry.SlotView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.dsmreg.layout.RegistryDescriptor.STATE_INITIALIZING;
import static io.dsmreg.layout.RegistryDescriptor.STATE_READY;

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
 * publication; a cached handle is valid while that generation is unchanged, one volatile read.
 */
final class OpenRegistry
{
    private static final String LOCK_FILE = "registry.lock";
    private static final String TABLE_FILE = "registry.dat";
    private static final Map<Path, OpenRegistry> OPEN = new HashMap<>();

    private final String name;
    private final Path directory;
    private final LockFile locks;
    private final RegistryTable table;
    private final long timeoutNanos;
    private final ProcessIdentity self = ProcessIdentity.current();
    private final int processRecord;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private int references;

    private record Cached(int slot, long generation, Object handle)
    {
    }

    private OpenRegistry(
        final String name, final Path directory, final LockFile locks, final RegistryTable table,
        final long timeoutNanos, final int processRecord)
    {
        this.name = name;
        this.directory = directory;
        this.locks = locks;
        this.table = table;
        this.timeoutNanos = timeoutNanos;
        this.processRecord = processRecord;
    }

    // ---------------------------------------------------------------------------------------------
    // Opening and closing, shared by every DsmRegistry handle of this JVM
    // ---------------------------------------------------------------------------------------------

    static OpenRegistry acquire(final String name, final RegistryOptions options)
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
            table.repairAfterCrash();
            table.recordLockHolder(ProcessIdentity.current().pid());
            final int processRecord = table.registerProcess(ProcessIdentity.current());
            return new OpenRegistry(name, directory, locks, table, timeoutNanos, processRecord);
        }
        catch (final RuntimeException | Error ex)
        {
            locks.close();
            throw ex;
        }
    }

    void release()
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
            if (processRecord >= 0)
            {
                try (LockFile.Held ignored = lockTable())
                {
                    table.deregisterProcess(processRecord, self);
                }
            }
        }
        finally
        {
            locks.close();
        }
    }

    String name()
    {
        return name;
    }

    Path directory()
    {
        return directory;
    }

    RegistryTable table()
    {
        return table;
    }

    /** How long any call waits for a lock, from RegistryOptions.timeout. */
    long timeoutNanos()
    {
        return timeoutNanos;
    }

    // ---------------------------------------------------------------------------------------------
    // Create or attach
    // ---------------------------------------------------------------------------------------------

    /** The cached handle for {@code name} if it is still the registry's current entry, else null. */
    Object cached(final String entryName)
    {
        final Cached cached = cache.get(entryName);
        return cached != null && table.generation(cached.slot) == cached.generation ? cached.handle : null;
    }

    <H> H getOrCreate(final String entryName, final byte[] nameBytes, final EntryFactory<H> factory)
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
                        return attach(entryName, view, factory);
                    }
                    slot = existing;
                }
                else
                {
                    slot = table.findFree(hash);
                    if (slot < 0)
                    {
                        throw new OutOfSpaceException(
                            "cannot create " + factory.type().label() + " \"" + entryName + "\": registry \"" + name +
                            "\" is full, it holds " + table.slotCapacity() + " entries, its capacity. Remove entries " +
                            "that are no longer needed, or create the registry with a larger RegistryOptions.capacity");
                    }
                    table.claim(slot, nameBytes, hash, factory.type().code(), factory.size(), table.takeFileId(), self);
                    claimedGeneration = table.generation(slot);
                }
            }
            final H handle = initializeOrAttach(entryName, nameBytes, slot, claimedGeneration, factory, deadline);
            if (handle != null)
            {
                return handle;
            }
        }
    }

    /** Step 2 of the protocol; null when the slot no longer holds the entry and the caller must start again. */
    private <H> H initializeOrAttach(
        final String entryName, final byte[] nameBytes, final int slot, final long claimedGeneration,
        final EntryFactory<H> factory, final long deadline)
    {
        final long entryLock = RegistryDescriptor.entryLockPosition(slot);
        if (locks.isHeldByCurrentThread(entryLock))
        {
            throw new DsmRegistryException(
                factory.type().label() + " \"" + entryName + "\" was requested from inside its own initializer, which " +
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
                    return attach(entryName, current, factory);
                }
                table.takeOver(slot, factory.type().code(), factory.size(), self);
                view = current;
            }
            if (view.generation() != claimedGeneration)
            {
                // Not our untouched claim: an initializer before us may have died leaving files behind.
                EntryFiles.deleteAll(directory, view.fileId());
            }
            final H created;
            try
            {
                created = factory.create(slot, view.fileId());
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
            final long generation;
            try (LockFile.Held tableLock = lockTable())
            {
                table.publish(slot);
                generation = table.generation(slot);
            }
            final H handle = factory.published(created, generation);
            cache.put(entryName, new Cached(slot, generation, factory.asFound(handle)));
            return handle;
        }
    }

    private <H> H attach(final String entryName, final SlotView view, final EntryFactory<H> factory)
    {
        final EntryType existingType = EntryType.ofCode(view.type());
        if (existingType != factory.type())
        {
            throw new EntryMismatchException(
                "requested " + factory.type().label() + " \"" + entryName + "\" does not match the type of the existing " +
                "entry, which is " + (existingType == null ? "of unknown type " + view.type() : existingType.withArticle()) +
                "; use another name, or remove the existing entry first");
        }
        factory.checkCompatible(view);
        final H handle = factory.attach(view);
        cache.put(entryName, new Cached(view.index(), view.generation(), factory.asFound(handle)));
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

    boolean remove(final String entryName, final byte[] nameBytes)
    {
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
                cache.remove(entryName);
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
                cache.remove(entryName);
                EntryFiles.deleteAll(directory, view.fileId());
                return true;
            }
        }
    }

    List<RegistryEntry> entries()
    {
        final List<RegistryEntry> entries = new ArrayList<>();
        for (final SlotView view : table.entries())
        {
            final EntryType type = EntryType.ofCode(view.type());
            if (view.state() != STATE_READY)
            {
                entries.add(new RegistryEntry(view.name(), type, null, null, null, view.ownerPid(), null));
                continue;
            }
            final Instant createdAt = Instant.ofEpochMilli(view.createdAtMs());
            if (type == EntryType.SEGMENT)
            {
                entries.add(new RegistryEntry(view.name(), type, view.size(), view.size(), null, view.ownerPid(), createdAt));
            }
            else if (type == EntryType.AREA)
            {
                final AreaStatistics statistics = AreaStatistics.read(directory, view.fileId());
                entries.add(new RegistryEntry(view.name(), type,
                    statistics == null ? null : statistics.reservedBytes(), statistics == null ? null : statistics.bytesInUse(),
                    null, view.ownerPid(), createdAt));
            }
            else if (type == EntryType.HASH)
            {
                final AreaStatistics area = AreaStatistics.read(directory, view.fileId());
                final HashStatistics hash = HashStatistics.read(directory, view.fileId());
                final boolean known = area != null && hash != null;
                entries.add(new RegistryEntry(view.name(), type, known ? area.reservedBytes() + hash.headerBytes() : null,
                    known ? area.bytesInUse() : null, known ? hash.entries() : null, view.ownerPid(), createdAt));
            }
        }
        return entries;
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

    private static Path realPath(final Path directory)
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
