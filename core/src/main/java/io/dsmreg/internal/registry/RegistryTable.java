package io.dsmreg.internal.registry;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SeqLock;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.dsmreg.internal.layout.RegistryDescriptor.*;

/**
 * The mapped {@code registry.dat}: an open-addressing table of named entries plus the table of
 * attached processes (layout in {@link io.dsmreg.internal.layout.RegistryDescriptor}).
 * <p>
 * Writers must hold the registry's table lock, and call {@link #repairAfterCrash()} first
 * thing after taking it. Readers need no lock: {@link #read(int)} copies a slot under its
 * seqlock, and {@link #generation(int)} is what a process compares against its cached handles.
 */
public final class RegistryTable
{
    /** Copy attempts before a reader gives up on a slot that a crashed writer left odd. */
    private static final int MAX_READ_ATTEMPTS = 10_000;
    private static final HeaderedFile FILE = new HeaderedFile("registry table", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, "Nothing was changed; move the registry directory away, or delete it if its contents are expendable");

    private final Path file;
    /** The identity (device and inode) of the file mapped, to tell when its path names another file or none. */
    private final Object fileKey;
    private final UnsafeBuffer buffer;
    private final int slotCapacity;
    private final int processCapacity;
    private final int slotTableOffset;
    /** Inside the header, which attach checked the file holds: read on every cached lookup, so without a bounds check. */
    private final long removalEpochAddress;

    private RegistryTable(final Path file, final Object fileKey, final UnsafeBuffer buffer)
    {
        this.file = file;
        this.fileKey = fileKey;
        this.buffer = buffer;
        this.slotCapacity = buffer.getInt(SLOT_CAPACITY_OFFSET);
        this.processCapacity = buffer.getInt(PROCESS_CAPACITY_OFFSET);
        this.slotTableOffset = slotTableOffset(processCapacity);
        this.removalEpochAddress = buffer.addressOffset() + REMOVAL_EPOCH_OFFSET;
    }

    /** Creates and maps a new table file; the ready word is written last. */
    public static RegistryTable create(final Path file, final int slotCapacity, final ProcessIdentity creator)
    {
        final long length = fileLength(slotCapacity, DEFAULT_PROCESS_CAPACITY);
        final UnsafeBuffer buffer = FILE.create(file, length, owner(file));
        buffer.putInt(SLOT_LENGTH_OFFSET, SLOT_LENGTH);
        buffer.putInt(SLOT_CAPACITY_OFFSET, slotCapacity);
        buffer.putInt(PROCESS_CAPACITY_OFFSET, DEFAULT_PROCESS_CAPACITY);
        buffer.putLong(FILE_LENGTH_OFFSET, length);
        buffer.putLong(CREATOR_PID_OFFSET, creator.pid());
        buffer.putLong(CREATED_AT_OFFSET, System.currentTimeMillis());
        buffer.putLong(NEXT_FILE_ID_OFFSET, 1);
        buffer.putLong(DIRTY_SLOT_OFFSET, -1);
        FILE.publish(buffer);
        // The caller holds the table lock, so nobody replaced the file since it was created.
        return new RegistryTable(file, fileKey(file), buffer);
    }

    /**
     * Maps an existing table file and validates its header.
     *
     * @return the table, or null if the file's creation never finished (its creator died): only
     *         a caller holding the table lock may conclude that and recreate it.
     * @throws CorruptFileException for a file that is not a registry table of this version.
     */
    public static RegistryTable attach(final Path file, final boolean readOnly)
    {
        // Read before mapping: a file replaced in between (a removal without the table lock held here) then
        // counts as deleted at once, rather than the replaced file passing for the one mapped.
        final Object fileKey = fileKey(file);
        final UnsafeBuffer buffer = FILE.attachIfPublished(file, HEADER_LENGTH, owner(file), readOnly);
        if (buffer == null)
        {
            // Entries are created only in a published table: entry files beside an unpublished one mean its
            // header was destroyed (a zeroed page, a bad copy), not that its creator died. Recreating it would
            // hide every entry and collide with their files.
            final long entryFiles = entryFileCount(file);
            if (entryFiles > 0)
            {
                final String unpublished = MappedFiles.isEmptyRegularFile(file) ? "it is empty (0 bytes)" :
                    "its header is blank (magic number and ready word are 0)";
                throw FILE.corrupt(file, owner(file), unpublished + " but " + entryFiles + " entry files lie beside it, so it is a damaged table, not one whose creator died; " +
                    "dsmreg will not recreate it over them");
            }
            return null;
        }
        final int slotCapacity = buffer.getInt(SLOT_CAPACITY_OFFSET);
        final int processCapacity = buffer.getInt(PROCESS_CAPACITY_OFFSET);
        if (buffer.getInt(SLOT_LENGTH_OFFSET) != SLOT_LENGTH ||
            slotCapacity <= 0 || Integer.bitCount(slotCapacity) != 1 || slotCapacity > MAX_SLOT_CAPACITY ||
            processCapacity <= 0 || processCapacity > 1 << 16)
        {
            throw FILE.corrupt(file, owner(file), "its header lengths are inconsistent (slot capacity " + slotCapacity +
                ", process capacity " + processCapacity + ")");
        }
        final long expectedLength = fileLength(slotCapacity, processCapacity);
        final long recordedLength = buffer.getLong(FILE_LENGTH_OFFSET);
        if (recordedLength != expectedLength || buffer.capacity() < expectedLength)
        {
            throw FILE.corrupt(file, owner(file), "it is " + buffer.capacity() + " bytes and records " + recordedLength +
                " but its capacities need " + expectedLength + ": it was truncated or damaged");
        }
        return new RegistryTable(file, fileKey, buffer);
    }

    /** How many entry files ({@code <id>_<part>.dsm}) lie in the table file's directory. */
    private static long entryFileCount(final Path file)
    {
        try (Stream<Path> files = Files.list(file.toAbsolutePath().getParent()))
        {
            return files.filter(candidate -> EntryFiles.fileId(candidate.getFileName().toString()) >= 0).count();
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot list the directory of " + file + " to tell a damaged table from an " +
                "unfinished one: " + ex, ex);
        }
    }

    /** The registry a table file belongs to, for messages: {@code registry "orders"}. */
    private static String owner(final Path file)
    {
        final Path directory = file.toAbsolutePath().getParent();
        return "registry \"" + (directory == null ? "" : directory.getFileName()) + "\"";
    }

    public Path file()
    {
        return file;
    }

    /**
     * Whether the file this table maps is no longer at its path: deleted with its registry
     * ({@code dsmreg remove --force}), perhaps replaced by the table of a registry created anew. The
     * mapping stays valid; it is just no longer what other processes open. One {@code stat}.
     */
    public boolean isDeleted()
    {
        try
        {
            final Object current = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            // Without file keys (no such file system is known to hold registries) only a deletion shows.
            return fileKey != null && !fileKey.equals(current);
        }
        catch (final NoSuchFileException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            // Unreadable, not known to be gone: what is mapped is still taken for the registry.
            return false;
        }
    }

    /** The file's identity; null when the file system has none, or the file cannot be read (attach then says why). */
    private static Object fileKey(final Path file)
    {
        try
        {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    public int slotCapacity()
    {
        return slotCapacity;
    }

    public long createdAtMs()
    {
        return buffer.getLong(CREATED_AT_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------
    // Under the table lock
    // ---------------------------------------------------------------------------------------------

    /**
     * Finishes the one slot write a crashed lock holder may have left half done. The write may have been a
     * removal that stored its state and died before moving the removal epoch, so the epoch moves too: a
     * cached handle is checked once more for nothing, rather than never for a removed entry.
     *
     * @return the slot whose odd generation was made even, or -1 when none was left mid-write.
     */
    public int repairAfterCrash()
    {
        final long dirty = buffer.getLong(DIRTY_SLOT_OFFSET);
        final boolean repaired = dirty >= 0 && dirty < slotCapacity && SeqLock.repair(generationAddress((int)dirty));
        if (repaired)
        {
            advanceRemovalEpoch();
        }
        buffer.putLong(DIRTY_SLOT_OFFSET, -1);
        return repaired ? (int)dirty : -1;
    }

    public void recordLockHolder(final long pid)
    {
        buffer.putLongOpaque(LOCK_HOLDER_PID_OFFSET, pid);
    }

    /** The pid recorded by the last table lock holder, for timeout messages. */
    public long lastLockHolder()
    {
        return buffer.getLongOpaque(LOCK_HOLDER_PID_OFFSET);
    }

    /** The slot holding {@code name} (initializing or ready), or -1. */
    public int find(final byte[] name, final int hash)
    {
        final int mask = slotCapacity - 1;
        for (int probe = 0, index = hash & mask; probe < slotCapacity; probe++, index = (index + 1) & mask)
        {
            final int offset = slotOffset(index);
            final int state = buffer.getInt(offset + SLOT_STATE_OFFSET);
            if (state == STATE_EMPTY)
            {
                return -1;
            }
            if ((state == STATE_INITIALIZING || state == STATE_READY) && nameEquals(offset, name, hash))
            {
                return index;
            }
        }
        return -1;
    }

    /** The first free slot on {@code name}'s probe path, or -1 when the table is full. */
    public int findFree(final int hash)
    {
        final int mask = slotCapacity - 1;
        for (int probe = 0, index = hash & mask; probe < slotCapacity; probe++, index = (index + 1) & mask)
        {
            final int state = buffer.getInt(slotOffset(index) + SLOT_STATE_OFFSET);
            if (state == STATE_EMPTY || state == STATE_REMOVED)
            {
                return index;
            }
        }
        return -1;
    }

    public long takeFileId()
    {
        final long id = buffer.getLong(NEXT_FILE_ID_OFFSET);
        buffer.putLong(NEXT_FILE_ID_OFFSET, id + 1);
        return id;
    }

    /** Writes a new INITIALIZING entry into a free slot; the state word goes last. */
    public void claim(
        final int index, final byte[] name, final int hash, final int type, final long size, final long fileId,
        final ProcessIdentity owner)
    {
        final int offset = beginWrite(index);
        buffer.putInt(offset + SLOT_TYPE_OFFSET, type);
        buffer.putLong(offset + SLOT_SIZE_OFFSET, size);
        buffer.putLong(offset + SLOT_FILE_ID_OFFSET, fileId);
        buffer.putLong(offset + SLOT_OWNER_PID_OFFSET, owner.pid());
        buffer.putLong(offset + SLOT_OWNER_START_OFFSET, owner.startTime());
        buffer.putLong(offset + SLOT_CREATED_AT_OFFSET, 0);
        buffer.putInt(offset + SLOT_NAME_LENGTH_OFFSET, name.length);
        buffer.putInt(offset + SLOT_NAME_HASH_OFFSET, hash);
        buffer.setMemory(offset + SLOT_NAME_OFFSET, MAX_NAME_LENGTH + 1, (byte)0);
        buffer.putBytes(offset + SLOT_NAME_OFFSET, name);
        buffer.putInt(offset + SLOT_STATE_OFFSET, STATE_INITIALIZING);
        endWrite(index);
    }

    /** Hands an unpublished entry to a new initializer, which may ask for another type or size. */
    public void takeOver(final int index, final int type, final long size, final ProcessIdentity owner)
    {
        final int offset = beginWrite(index);
        buffer.putInt(offset + SLOT_TYPE_OFFSET, type);
        buffer.putLong(offset + SLOT_SIZE_OFFSET, size);
        buffer.putLong(offset + SLOT_OWNER_PID_OFFSET, owner.pid());
        buffer.putLong(offset + SLOT_OWNER_START_OFFSET, owner.startTime());
        endWrite(index);
    }

    public void publish(final int index)
    {
        final int offset = beginWrite(index);
        buffer.putLong(offset + SLOT_CREATED_AT_OFFSET, System.currentTimeMillis());
        buffer.putInt(offset + SLOT_STATE_OFFSET, STATE_READY);
        endWrite(index);
    }

    /** Frees a slot; it stays a tombstone so that probes for other names continue past it. */
    public void remove(final int index)
    {
        final int offset = beginWrite(index);
        final boolean wasPublished = buffer.getInt(offset + SLOT_STATE_OFFSET) == STATE_READY;
        buffer.putInt(offset + SLOT_STATE_OFFSET, STATE_REMOVED);
        if (wasPublished)
        {
            advanceRemovalEpoch();
        }
        endWrite(index);
    }

    /**
     * Moves the removal epoch, inside a slot write: a process that sees the new epoch and checks its handle
     * finds the slot's generation odd or new, never the one it cached. Done after the endWrite instead, a
     * writer killed between the two would leave a removed entry behind an unchanged epoch, and every cached
     * handle to it current for good; done inside, a writer killed before it leaves the slot dirty, and the
     * repair moves the epoch ({@link #repairAfterCrash}).
     */
    private void advanceRemovalEpoch()
    {
        // Release: a process that sees the new epoch also sees the slot's odd generation.
        buffer.putLongRelease(REMOVAL_EPOCH_OFFSET, buffer.getLong(REMOVAL_EPOCH_OFFSET) + 1);
    }

    private int beginWrite(final int index)
    {
        final int offset = slotOffset(index);
        buffer.putLong(DIRTY_SLOT_OFFSET, index);
        SeqLock.beginWrite(generationAddress(index));
        return offset;
    }

    private void endWrite(final int index)
    {
        SeqLock.endWrite(generationAddress(index));
        buffer.putLong(DIRTY_SLOT_OFFSET, -1);
    }

    // ---------------------------------------------------------------------------------------------
    // Without a lock
    // ---------------------------------------------------------------------------------------------

    /** Changes after every removal of a published entry; unchanged means every cached handle is current. */
    public long removalEpoch()
    {
        return UnsafeApi.getLongVolatile(null, removalEpochAddress);
    }

    /** The slot's generation, for validating a cached handle after the removal epoch moved. */
    public long generation(final int index)
    {
        return SeqLock.version(generationAddress(index));
    }

    /**
     * A consistent copy of a slot, or null when a writer holds it odd for longer than a reader
     * should wait (a crashed writer, until the next lock holder repairs it).
     */
    public SlotView read(final int index)
    {
        final int offset = slotOffset(index);
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++)
        {
            final long before = SeqLock.beginRead(generationAddress(index));
            if (SeqLock.isWriting(before))
            {
                Thread.onSpinWait();
                continue;
            }
            final int state = buffer.getInt(offset + SLOT_STATE_OFFSET);
            final int type = buffer.getInt(offset + SLOT_TYPE_OFFSET);
            final long size = buffer.getLong(offset + SLOT_SIZE_OFFSET);
            final long fileId = buffer.getLong(offset + SLOT_FILE_ID_OFFSET);
            final long ownerPid = buffer.getLong(offset + SLOT_OWNER_PID_OFFSET);
            final long ownerStart = buffer.getLong(offset + SLOT_OWNER_START_OFFSET);
            final long createdAt = buffer.getLong(offset + SLOT_CREATED_AT_OFFSET);
            final int nameLength = Math.min(Math.max(buffer.getInt(offset + SLOT_NAME_LENGTH_OFFSET), 0), MAX_NAME_LENGTH);
            final byte[] name = new byte[nameLength];
            buffer.getBytes(offset + SLOT_NAME_OFFSET, name);
            if (SeqLock.validate(generationAddress(index), before))
            {
                return new SlotView(index, before, state, type, size, fileId, ownerPid, ownerStart, createdAt,
                    new String(name, StandardCharsets.UTF_8));
            }
        }
        return null;
    }

    /**
     * The sum of every slot's generation. Each write to a slot raises its generation, so the sum
     * changes whenever any entry is claimed, published or removed: a watcher compares it instead
     * of copying every entry. One pass over the generation words, no lock.
     */
    public long modificationCount()
    {
        long sum = 0;
        for (int index = 0; index < slotCapacity; index++)
        {
            // Acquire: a watcher that sees a new count and then lists the entries sees the writes behind it.
            sum += SeqLock.beginRead(generationAddress(index));
        }
        return sum;
    }

    /** Copies of every slot that holds an entry (initializing or ready). */
    public List<SlotView> entries()
    {
        final List<SlotView> views = new ArrayList<>();
        for (int index = 0; index < slotCapacity; index++)
        {
            final int state = buffer.getIntVolatile(slotOffset(index) + SLOT_STATE_OFFSET);
            if (state == STATE_INITIALIZING || state == STATE_READY)
            {
                final SlotView view = read(index);
                if (view != null && (view.state() == STATE_INITIALIZING || view.state() == STATE_READY))
                {
                    views.add(view);
                }
            }
        }
        return views;
    }

    // ---------------------------------------------------------------------------------------------
    // Attached processes
    // ---------------------------------------------------------------------------------------------

    /** Records an attached process (under the table lock), reusing records of dead processes. */
    public int registerProcess(final ProcessIdentity process)
    {
        for (int index = 0; index < processCapacity; index++)
        {
            final int offset = processOffset(index);
            final long pid = buffer.getLong(offset + PROCESS_PID_OFFSET);
            if (pid == 0 || !new ProcessIdentity(pid, buffer.getLong(offset + PROCESS_START_TIME_OFFSET)).isAlive())
            {
                buffer.putLongVolatile(offset + PROCESS_PID_OFFSET, 0);
                buffer.putLong(offset + PROCESS_START_TIME_OFFSET, process.startTime());
                buffer.putLong(offset + PROCESS_ATTACHED_AT_OFFSET, System.currentTimeMillis());
                // Release: the pid goes last, so a reader that sees it sees the other fields.
                buffer.putLongRelease(offset + PROCESS_PID_OFFSET, process.pid());
                return index;
            }
        }
        return -1;
    }

    /** Clears the records of processes that died without closing the registry (under the table lock). */
    public void pruneDeadProcesses()
    {
        for (int index = 0; index < processCapacity; index++)
        {
            final int offset = processOffset(index);
            final long pid = buffer.getLong(offset + PROCESS_PID_OFFSET);
            if (pid != 0 && !new ProcessIdentity(pid, buffer.getLong(offset + PROCESS_START_TIME_OFFSET)).isAlive())
            {
                // Release: lock-free readers see the record vanish as a whole, as on deregistration.
                buffer.putLongRelease(offset + PROCESS_PID_OFFSET, 0);
            }
        }
    }

    /** Clears a process record (under the table lock) if it still names this process. */
    public void deregisterProcess(final int index, final ProcessIdentity process)
    {
        final int offset = processOffset(index);
        if (buffer.getLong(offset + PROCESS_PID_OFFSET) == process.pid() &&
            buffer.getLong(offset + PROCESS_START_TIME_OFFSET) == process.startTime())
        {
            buffer.putLongRelease(offset + PROCESS_PID_OFFSET, 0);
        }
    }

    /** The recorded processes that are still alive. */
    public List<AttachedProcess> attachedProcesses()
    {
        final List<AttachedProcess> processes = new ArrayList<>();
        for (int index = 0; index < processCapacity; index++)
        {
            final int offset = processOffset(index);
            final long pid = buffer.getLongAcquire(offset + PROCESS_PID_OFFSET);
            if (pid != 0)
            {
                final ProcessIdentity identity = new ProcessIdentity(pid, buffer.getLong(offset + PROCESS_START_TIME_OFFSET));
                if (identity.isAlive())
                {
                    processes.add(new AttachedProcess(identity, buffer.getLong(offset + PROCESS_ATTACHED_AT_OFFSET)));
                }
            }
        }
        return processes;
    }

    private int slotOffset(final int index)
    {
        return slotTableOffset + index * SLOT_LENGTH;
    }

    /** The address of a slot's generation, its seqlock ({@link SeqLock}). */
    private long generationAddress(final int index)
    {
        return buffer.addressOffset() + slotOffset(index) + SLOT_GENERATION_OFFSET;
    }

    private boolean nameEquals(final int offset, final byte[] name, final int hash)
    {
        if (buffer.getInt(offset + SLOT_NAME_HASH_OFFSET) != hash ||
            buffer.getInt(offset + SLOT_NAME_LENGTH_OFFSET) != name.length)
        {
            return false;
        }
        for (int i = 0; i < name.length; i++)
        {
            if (buffer.getByte(offset + SLOT_NAME_OFFSET + i) != name[i])
            {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the UTF-8 bytes, then a finalizer so that linear probing spreads well. */
    public static int hash(final byte[] name)
    {
        int h = 0x811C9DC5;
        for (final byte b : name)
        {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }
}
