package io.dsmreg.internal.hash;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.layout.Magic;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.HashDescriptor.*;

/*
 * The partitioned open-addressing hash table behind SharedHash and SharedMap, as one process sees it.
 *
 * Each partition has a lock word, a seqlock version and a bucket table of its own in the table's
 * area (HashDescriptor). Writers hold the partition's SharedMutex; lock-free readers read the
 * version, probe the table through a mapping this process cached for it, and accept what they read
 * only if the version is unchanged and even. A writer makes the version odd around every change a
 * reader could see, so a reader never trusts a half-made change; the number of optimistic attempts
 * is bounded, after which a reader takes the lock.
 *
 * Growth builds the new table (1.5x, range reduction instead of powers of two) while the old one
 * stays readable, then swaps the pointer under one odd version: readers are never held up by a
 * rehash, and growing one partition does not touch the others.
 *
 * Crash safety. An insert writes the slot, then its control byte in one store, so it is invisible
 * until complete. Entry counts are recounted by whoever takes a lock over from a dead owner (lock()
 * returned true, or the version was left odd). Memory a writer allocated but has not linked yet is
 * named in the partition (pending table / key block / value block) before it is filled, and the
 * taker frees it unless the table already links it. The resize count is bumped by every swap and
 * every repair, before anything else changes, so no process keeps using a mapping of a table that
 * was replaced. What a dead writer can still leave behind is a leak of one block: memory freed
 * after the change that unlinked it (an old table, a replaced value) when the process dies between
 * the two. Nothing half-written ever becomes reachable.
 *
 * Holders: the lock does not tell threads of one process apart, so for callers that keep a partition
 * while their own code runs (lockForCaller: SharedHash's entries and scans) this process also records
 * which thread holds it, to refuse a thread that would wait for itself. SharedMap runs no caller code
 * under a lock and skips that bookkeeping.
 */
public final class HashTable
{
    /** Optimistic attempts before a reader takes the lock. */
    public static final int OPTIMISTIC_ATTEMPTS = 16;

    private static final System.Logger LOG = System.getLogger(HashTable.class.getName());
    private static final long LSB = 0x0101_0101_0101_0101L;
    private static final long MSB = 0x8080_8080_8080_8080L;
    private static final long ALL_EMPTY = 0x8080_8080_8080_8080L;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ORDER;
    /**
     * A resize count no partition has (counts start at 0 and only grow): the view of a partition this
     * process has not resolved yet, which every lock-free read rejects.
     */
    private static final long UNRESOLVED = -1;
    /** One group of empty slots, probed instead of a table by views of partitions that have none. */
    private static final UnsafeBuffer NO_TABLE = emptyGroup();
    /** Slot and group lengths of tables of 8-byte keys and 8-byte values (SharedMap's Long -> Long). */
    private static final int LONG_SLOT_LENGTH = 2 * Long.BYTES;
    private static final int LONG_GROUP_LENGTH = groupLength(LONG_SLOT_LENGTH);

    /**
     * What {@link #tryGetLong} returns when it cannot tell. The caller then takes the exact path, so a
     * value equal to this costs speed, never correctness.
     */
    public static final long UNDECIDED = 0x7F4A_7C15_9E37_79B9L;

    /**
     * This process's view of one partition's bucket table: immutable, replaced when the table is.
     * Its table was checked to lie inside {@link #mapping} when the view was made (resolve, grow),
     * so probes read it by address without a bounds check per read; the view holds the mapping,
     * and so keeps it mapped, for as long as a reader holds the view. A view stays safe to probe
     * after its table was replaced: it then reads stale bytes, which validation rejects.
     */
    public static final class View
    {
        final long resizeCount;
        final long pointer;
        final UnsafeBuffer mapping;
        final long address;
        final int groupsOffset;
        final int groups;
        /** The partition's record (version, resize count) and the header mapping it lies in, kept mapped by this reference. */
        final long record;
        final UnsafeBuffer header;
        /** Where {@link #tryGetLong} probes: the table's groups or, for a partition without a table, one empty group. */
        final long probeAddress;
        final int probeGroups;

        View(
            final UnsafeBuffer header, final long record,
            final long resizeCount, final long pointer, final UnsafeBuffer mapping, final int groupsOffset, final int groups)
        {
            this.header = header;
            this.resizeCount = resizeCount;
            this.pointer = pointer;
            this.mapping = mapping;
            this.address = mapping == null ? 0 : mapping.addressOffset();
            this.groupsOffset = groupsOffset;
            this.groups = groups;
            this.record = record;
            this.probeAddress = groups == 0 ? NO_TABLE.addressOffset() : address + groupsOffset;
            this.probeGroups = groups == 0 ? 1 : groups;
        }

        /** The mapping slot positions refer to. */
        public UnsafeBuffer mapping()
        {
            return mapping;
        }

        public int capacity()
        {
            return groups * GROUP_WIDTH;
        }
    }

    private final String description;
    private final AreaAllocator area;
    private final UnsafeBuffer header;
    private final HashShape shape;
    private final long timeoutNanos;
    private final int partitionMask;
    private final long partitionsAddress;
    private final int slotSize;
    private final int groupLength;
    private final SharedMutex[] locks;
    private final View[] views;
    private final Thread[] holders;

    private HashTable(
        final String description, final AreaAllocator area, final UnsafeBuffer header, final HashShape shape,
        final long timeoutNanos)
    {
        this.description = description;
        this.area = area;
        this.header = header;
        this.shape = shape;
        this.timeoutNanos = timeoutNanos;
        this.partitionMask = shape.partitions() - 1;
        // The header's length was checked against the partition count (create, attach).
        this.partitionsAddress = header.addressOffset() + partitionOffset(0);
        this.slotSize = shape.slotSize();
        this.groupLength = groupLength(slotSize);
        this.locks = new SharedMutex[shape.partitions()];
        this.views = new View[shape.partitions()];
        this.holders = new Thread[shape.partitions()];
        for (int p = 0; p < locks.length; p++)
        {
            views[p] = newView(p, UNRESOLVED, 0, null, 0, 0);
            locks[p] = new SharedMutex(header, partitionOffset(p) + LOCK_OFFSET, "partition " + p + " of " + description);
        }
    }

    private static UnsafeBuffer emptyGroup()
    {
        final UnsafeBuffer group = new UnsafeBuffer(ByteBuffer.allocateDirect(GROUP_WIDTH));
        group.putLong(0, ALL_EMPTY);
        return group;
    }

    // ---------------------------------------------------------------------------------------------
    // Files
    // ---------------------------------------------------------------------------------------------

    /** Creates the header file of a new table whose area is {@code area}; publishes it last. */
    public static HashTable create(
        final Path directory, final long fileId, final String description, final AreaAllocator area,
        final HashShape shape, final long timeoutNanos)
    {
        final int length = fileLength(shape.partitions());
        final UnsafeBuffer header = new UnsafeBuffer(
            MappedFiles.createAndMap(EntryFiles.path(directory, fileId, HEADER_PART), length, description));
        header.putLong(MAGIC_OFFSET, MAGIC);
        header.putInt(MAJOR_VERSION_OFFSET, MAJOR_VERSION);
        header.putInt(MINOR_VERSION_OFFSET, MINOR_VERSION);
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putInt(PARTITION_COUNT_OFFSET, shape.partitions());
        header.putLong(FILE_ID_OFFSET, fileId);
        header.putInt(KIND_OFFSET, shape.kind());
        header.putInt(KEY_SIZE_OFFSET, shape.keySize());
        header.putInt(ENTRY_SIZE_OFFSET, shape.entrySize());
        header.putInt(SLOT_SIZE_OFFSET, shape.slotSize());
        header.putInt(KEY_MODE_OFFSET, shape.keyMode());
        header.putInt(VALUE_MODE_OFFSET, shape.valueMode());
        header.putInt(VALUE_OFFSET_OFFSET, shape.valueOffset());
        header.putInt(KEY_CODEC_SIZE_OFFSET, shape.keyCodecSize());
        header.putInt(VALUE_CODEC_SIZE_OFFSET, shape.valueCodecSize());
        putId(header, KEY_CODEC_ID_OFFSET, shape.keyCodecId());
        putId(header, VALUE_CODEC_ID_OFFSET, shape.valueCodecId());
        // Release: whoever sees the header ready sees all of it.
        header.putLongRelease(READY_OFFSET, READY_VALUE);
        return new HashTable(description, area, header, shape, timeoutNanos);
    }

    /** Maps the header file of a published table, checking it; the caller compares {@link #shape()} with its request. */
    public static HashTable attach(
        final Path directory, final long fileId, final String description, final AreaAllocator area, final long timeoutNanos)
    {
        final Path file = EntryFiles.path(directory, fileId, HEADER_PART);
        final UnsafeBuffer header = new UnsafeBuffer(MappedFiles.mapExisting(file, HEADER_LENGTH, description));
        final String problem = Magic.kindAndVersionProblem(header, MAGIC, MAJOR_VERSION);
        if (problem != null)
        {
            throw corrupt(file, description, problem);
        }
        final int partitions = header.getInt(PARTITION_COUNT_OFFSET);
        if (header.getLongVolatile(READY_OFFSET) != READY_VALUE || header.getLong(FILE_ID_OFFSET) != fileId ||
            partitions <= 0 || Integer.bitCount(partitions) != 1 || header.capacity() < fileLength(partitions) ||
            header.getInt(SLOT_SIZE_OFFSET) != ((header.getInt(ENTRY_SIZE_OFFSET) + 7) & -8) ||
            header.getInt(SLOT_SIZE_OFFSET) <= 0)
        {
            throw corrupt(file, description, "its header (file id " + header.getLong(FILE_ID_OFFSET) + ", " + partitions +
                " partitions, " + header.capacity() + " bytes) does not match the registry's file id " + fileId +
                " or was never published");
        }
        final HashShape shape = new HashShape(
            header.getInt(KIND_OFFSET), partitions, header.getInt(KEY_SIZE_OFFSET), header.getInt(ENTRY_SIZE_OFFSET),
            header.getInt(KEY_MODE_OFFSET), header.getInt(VALUE_MODE_OFFSET), header.getInt(VALUE_OFFSET_OFFSET),
            getId(header, KEY_CODEC_ID_OFFSET), header.getInt(KEY_CODEC_SIZE_OFFSET),
            getId(header, VALUE_CODEC_ID_OFFSET), header.getInt(VALUE_CODEC_SIZE_OFFSET), area.sizeLimit());
        return new HashTable(description, area, header, shape, timeoutNanos);
    }

    private static void putId(final UnsafeBuffer header, final int offset, final String id)
    {
        final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        header.putInt(offset, bytes.length);
        header.putBytes(offset + Integer.BYTES, bytes);
    }

    private static String getId(final UnsafeBuffer header, final int offset)
    {
        final int length = header.getInt(offset);
        return length < 0 || length > CODEC_ID_LENGTH - Integer.BYTES ? "?" : header.getStringWithoutLengthUtf8(offset + Integer.BYTES, length);
    }

    public HashShape shape()
    {
        return shape;
    }

    public AreaAllocator area()
    {
        return area;
    }

    /** Live entries of every partition, read without locks: exact between operations. */
    public long size()
    {
        long size = 0;
        for (int p = 0; p < locks.length; p++)
        {
            size += header.getIntVolatile(partitionOffset(p) + LIVE_OFFSET);
        }
        return size;
    }

    /** The header file's length. */
    public long headerLength()
    {
        return header.capacity();
    }

    public int partitions()
    {
        return locks.length;
    }

    public int partition(final long hash)
    {
        return partition(hash, locks.length);
    }

    /**
     * The hash's top log2(partitions) bits. The mask does nothing for two partitions or more (for one,
     * the shift is 0 and the mask makes it partition 0); given an array's length, it spares the JIT
     * the bounds check.
     */
    private static int partition(final long hash, final int partitions)
    {
        return (int)(hash >>> -Integer.numberOfTrailingZeros(partitions)) & (partitions - 1);
    }

    /**
     * This process's views, one per partition, for {@link #tryGetLong}, which needs tables of 16-byte
     * slots (8-byte keys, 8-byte values): the array is the table's for its whole life (its elements
     * are replaced), so a map may hold it.
     *
     * @throws IllegalStateException if this table's slots are not 16 bytes.
     */
    public View[] longViews()
    {
        if (slotSize != LONG_SLOT_LENGTH || shape.valueOffset() != Long.BYTES)
        {
            throw new IllegalStateException(description + " has " + slotSize + "-byte slots with the value at byte " +
                shape.valueOffset() + ", not 8-byte keys and values");
        }
        return views;
    }

    public String description()
    {
        return description;
    }

    // ---------------------------------------------------------------------------------------------
    // Locks, versions, repair
    // ---------------------------------------------------------------------------------------------

    /**
     * Takes partition {@code p}'s lock, repairing it first if its last owner died holding it (or
     * left its version odd). Bounded by the registry's timeout.
     */
    /**
     * Takes partition {@code p}'s lock (repairing the partition first if its last holder died), for
     * an operation that runs no caller code while it holds it, so that the same thread cannot ask for
     * it again: SharedMap, whose codecs and functions run outside its locks.
     */
    public void lock(final int p)
    {
        final boolean tookOver = locks[p].lock(timeoutNanos);
        if (tookOver || (header.getLongVolatile(partitionOffset(p) + VERSION_OFFSET) & 1) != 0)
        {
            try
            {
                repair(p, tookOver);
            }
            catch (final RuntimeException | Error ex)
            {
                unlock(p);
                throw ex;
            }
        }
    }

    public void unlock(final int p)
    {
        locks[p].unlock();
    }

    /**
     * {@link #lock} for a caller that keeps the partition while its own code runs (SharedHash's entries
     * and scans): records the holding thread, so that the same thread asking again gets an
     * IllegalStateException at once instead of waiting for itself until the timeout. Only these calls
     * write the holder array: two threads updating different partitions of a SharedMap would otherwise
     * write to the same cache lines of it on every operation.
     */
    public void lockForCaller(final int p)
    {
        final Thread self = Thread.currentThread();
        if (holders[p] == self)
        {
            throw new IllegalStateException("this thread already holds partition " + p + " of " + description +
                " (an entry or scan it did not close); close it before working on the same partition again");
        }
        lock(p);
        holders[p] = self;
    }

    public void unlockForCaller(final int p)
    {
        holders[p] = null;
        unlock(p);
    }

    /** Under the lock: makes the version odd before changes lock-free readers could see. */
    public void beginWrite(final int p)
    {
        final int offset = partitionOffset(p) + VERSION_OFFSET;
        header.putLong(offset, header.getLong(offset) + 1);
        // The odd version is visible before any of the changes that follow.
        VarHandle.releaseFence();
    }

    /** Under the lock: makes the version even again; release, so the changes are visible before it. */
    public void endWrite(final int p)
    {
        final int offset = partitionOffset(p) + VERSION_OFFSET;
        header.putLongRelease(offset, header.getLong(offset) + 1);
    }

    /** The version to start an optimistic read with; odd means a writer is at work. */
    public long readVersion(final int p)
    {
        // Volatile: acquire, so the reads that follow see what the writer published before it.
        return UnsafeApi.getLongVolatile(null, partitionAddress(p) + VERSION_OFFSET);
    }

    /** Whether an optimistic read that started at {@code version} saw a consistent state. */
    public boolean validate(final int p, final long version)
    {
        // Every read of the attempt completes before the version is read again.
        VarHandle.acquireFence();
        return UnsafeApi.getLong(null, partitionAddress(p) + VERSION_OFFSET) == version;
    }

    /**
     * Runs {@code read} on partition {@code p}'s table without its lock and returns the first result
     * read under an unchanged even version, or {@code undecided} when writers kept intervening for
     * {@link #OPTIMISTIC_ATTEMPTS} attempts, this process has not resolved the table yet, or a torn
     * read failed: the caller then reads under the lock. {@code read} must only read, and must
     * tolerate garbage (a torn read), since its result is discarded unless the version held. It is
     * given {@code context}, so that a hot caller can pass one function made once instead of
     * allocating a capturing one per call.
     */
    public <C, T> T readOptimistically(final int p, final C context, final BiFunction<View, C, T> read, final T undecided)
    {
        try
        {
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++)
            {
                final long version = readVersion(p);
                if ((version & 1) != 0)
                {
                    Thread.onSpinWait();
                    continue;
                }
                final View view = optimisticView(p);
                if (view == null)
                {
                    return undecided;
                }
                final T result = read.apply(view, context);
                if (validate(p, version))
                {
                    return result;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // A torn read followed a stale pointer: the lock gives a consistent answer.
        }
        return undecided;
    }

    /** In an optimistic read, after {@link #readVersion}: the cached view if it is current, else null (take the lock). */
    public View optimisticView(final int p)
    {
        final View view = views[p];
        return view.resizeCount == UnsafeApi.getLong(null, partitionAddress(p) + RESIZE_COUNT_OFFSET) ? view : null;
    }

    /** The address of partition {@code p}'s record; masked, so that no {@code p} can reach outside the header. */
    private long partitionAddress(final int p)
    {
        return partitionsAddress + (long)(p & partitionMask) * PARTITION_LENGTH;
    }

    private void repair(final int p, final boolean tookOver)
    {
        final int po = partitionOffset(p);
        final long version = header.getLong(po + VERSION_OFFSET);
        if ((version & 1) == 0)
        {
            header.putLong(po + VERSION_OFFSET, version + 1);
        }
        // First: every process re-resolves the table before it could use a stale mapping.
        header.putLongVolatile(po + RESIZE_COUNT_OFFSET, header.getLong(po + RESIZE_COUNT_OFFSET) + 1);
        final long table = header.getLong(po + TABLE_OFFSET);
        final long pendingTable = header.getLong(po + PENDING_TABLE_OFFSET);
        int freed = 0;
        if (pendingTable != 0 && pendingTable != table)
        {
            freed += freeUnlinked(pendingTable);
        }
        header.putLongRelease(po + PENDING_TABLE_OFFSET, 0);
        final View view = view(p);
        int live = 0;
        int tombstones = 0;
        final long pendingKey = header.getLong(po + PENDING_KEY_OFFSET);
        final long pendingValue = header.getLong(po + PENDING_VALUE_OFFSET);
        boolean keyLinked = false;
        boolean valueLinked = false;
        for (int g = 0; g < view.groups; g++)
        {
            final int groupOffset = view.groupsOffset + g * groupLength;
            for (int j = 0; j < GROUP_WIDTH; j++)
            {
                final byte ctrl = view.mapping.getByte(groupOffset + j);
                if (ctrl >= 0)
                {
                    live++;
                    final int slot = groupOffset + GROUP_WIDTH + j * slotSize;
                    keyLinked |= shape.pointerKeys() && view.mapping.getLong(slot) == pendingKey;
                    valueLinked |= shape.pointerValues() && view.mapping.getLong(slot + shape.valueOffset()) == pendingValue;
                }
                else if (ctrl == CTRL_DELETED)
                {
                    tombstones++;
                }
            }
        }
        if (pendingKey != 0 && !keyLinked)
        {
            freed += freeUnlinked(pendingKey);
        }
        if (pendingValue != 0 && !valueLinked)
        {
            freed += freeUnlinked(pendingValue);
        }
        header.putLong(po + PENDING_KEY_OFFSET, 0);
        header.putLong(po + PENDING_VALUE_OFFSET, 0);
        header.putInt(po + LIVE_OFFSET, live);
        header.putInt(po + TOMBSTONES_OFFSET, tombstones);
        header.putLongRelease(po + VERSION_OFFSET, (header.getLong(po + VERSION_OFFSET) | 1) + 1);
        LOG.log(System.Logger.Level.WARNING, "{0}: {1} partition {2} (recounted {3} entries, freed {4} unlinked blocks)",
            description, tookOver ? "took over the lock of a dead process and repaired" : "repaired", p, live, freed);
    }

    private int freeUnlinked(final long pointer)
    {
        try
        {
            area.free(pointer);
            return 1;
        }
        catch (final DsmRegistryException ex)
        {
            // Only possible if the dead owner freed it itself after all: nothing is lost by leaving it.
            LOG.log(System.Logger.Level.WARNING, "{0}: block 0x{1} named pending was not freed: {2}",
                description, Long.toHexString(pointer), ex.getMessage());
            return 0;
        }
    }

    /** Names a block allocated under the lock that a slot will link, so a taker can free it if this process dies first. */
    public void setPendingKey(final int p, final long pointer)
    {
        // Release: named before it is filled.
        header.putLongRelease(partitionOffset(p) + PENDING_KEY_OFFSET, pointer);
    }

    /** See {@link #setPendingKey}. */
    public void setPendingValue(final int p, final long pointer)
    {
        header.putLongRelease(partitionOffset(p) + PENDING_VALUE_OFFSET, pointer);
    }

    // ---------------------------------------------------------------------------------------------
    // Views of bucket tables
    // ---------------------------------------------------------------------------------------------

    /** Under the lock: the current table of partition {@code p}, resolving it if this process has not yet. */
    public View view(final int p)
    {
        final int po = partitionOffset(p);
        final long resizeCount = header.getLong(po + RESIZE_COUNT_OFFSET);
        final long pointer = header.getLong(po + TABLE_OFFSET);
        final View cached = views[p];
        if (cached.resizeCount == resizeCount && cached.pointer == pointer)
        {
            return cached;
        }
        final View view = resolve(p, resizeCount, pointer);
        views[p] = view;
        return view;
    }

    private View resolve(final int p, final long resizeCount, final long pointer)
    {
        if (pointer == 0)
        {
            return newView(p, resizeCount, 0, null, 0, 0);
        }
        final UnsafeBuffer mapping;
        try
        {
            mapping = area.mapping(pointer, TABLE_HEADER_LENGTH);
        }
        catch (final DsmRegistryException ex)
        {
            throw corruptTable(p, "its table pointer 0x" + Long.toHexString(pointer) + " is not valid: " + ex.getMessage());
        }
        final int offset = (int)pointerOffset(pointer);
        final int capacity = mapping.getInt(offset + TABLE_CAPACITY_OFFSET);
        if (capacity <= 0 || capacity % GROUP_WIDTH != 0 || mapping.getInt(offset + TABLE_SLOT_SIZE_OFFSET) != slotSize ||
            mapping.getInt(offset + TABLE_MAGIC_OFFSET) != TABLE_MAGIC || mapping.getInt(offset + TABLE_PARTITION_OFFSET) != p ||
            offset + tableLength(capacity, slotSize) > mapping.capacity())
        {
            throw corruptTable(p, "its table header (capacity " + capacity + ", slot size " +
                mapping.getInt(offset + TABLE_SLOT_SIZE_OFFSET) + ", partition " + mapping.getInt(offset + TABLE_PARTITION_OFFSET) +
                ") does not fit");
        }
        return newView(p, resizeCount, pointer, mapping, offset + TABLE_HEADER_LENGTH, capacity / GROUP_WIDTH);
    }

    private View newView(
        final int p, final long resizeCount, final long pointer, final UnsafeBuffer mapping, final int groupsOffset, final int groups)
    {
        return new View(header, partitionAddress(p), resizeCount, pointer, mapping, groupsOffset, groups);
    }

    // ---------------------------------------------------------------------------------------------
    // Probing. A position is (group offset << 3 | index in group); -1 is none.
    // ---------------------------------------------------------------------------------------------

    public int slotOffset(final long position)
    {
        return (int)(position >>> 3) + GROUP_WIDTH + (int)(position & 7) * slotSize;
    }

    private static int ctrlOffset(final long position)
    {
        return (int)(position >>> 3) + (int)(position & 7);
    }

    private static int homeGroup(final long hash, final int groups)
    {
        return (int)((((hash >>> 7) & 0xFFFF_FFFFL) * groups) >>> 32);
    }

    private static long matchTag(final long ctrl, final long hash)
    {
        final long x = ctrl ^ (LSB * (hash & 0x7F));
        return (x - LSB) & ~x & MSB;
    }

    private static long matchEmpty(final long ctrl)
    {
        return ctrl & ~(ctrl << 6) & MSB;
    }

    /**
     * The position of the 8-byte key {@code key} in a table of 16-byte slots (8-byte key, 8-byte
     * value: SharedMap's Long -> Long), or -1. Reads by address: every group it reads is one of the
     * view's {@code groups}, all inside its mapping.
     */
    public static long findLong(final View view, final long hash, final long key)
    {
        final int groups = view.groups;
        final long address = view.address;
        int g = homeGroup(hash, groups);
        for (int n = 0; n < groups; n++)
        {
            final int groupOffset = view.groupsOffset + g * LONG_GROUP_LENGTH;
            final long ctrl = controlWord(address + groupOffset);
            for (long match = matchTag(ctrl, hash); match != 0; match &= match - 1)
            {
                final int j = Long.numberOfTrailingZeros(match) >>> 3;
                if (UnsafeApi.getLong(null, address + groupOffset + GROUP_WIDTH + j * LONG_SLOT_LENGTH) == key)
                {
                    Reference.reachabilityFence(view);
                    return ((long)groupOffset << 3) | j;
                }
            }
            if (matchEmpty(ctrl) != 0)
            {
                break;
            }
            if (++g == groups)
            {
                g = 0;
            }
        }
        Reference.reachabilityFence(view);
        return -1;
    }

    /** The value of {@code key} in a table of 16-byte slots, or {@code absent}: the full probe behind {@link #tryGetLong}. */
    private static long probeLong(final View view, final long hash, final long key, final long absent)
    {
        final long position = findLong(view, hash, key);
        if (position < 0)
        {
            return absent;
        }
        final long value = UnsafeApi.getLong(
            null, view.address + (position >>> 3) + GROUP_WIDTH + (position & 7) * LONG_SLOT_LENGTH + Long.BYTES);
        Reference.reachabilityFence(view);
        return value;
    }

    /**
     * The lock-free read of a Long -> Long map (tables of 8-byte keys followed by 8-byte values) in
     * one attempt: the value of {@code key}, {@code absent} if the table does not hold it, or
     * {@link #UNDECIDED} if this attempt cannot tell (a writer intervened, this process's view of the
     * table is stale or unresolved): the caller then retries or takes the lock.
     *
     * <p>Kept short because every instruction and every dependent load here limits how many reads a
     * core overlaps. Static, over the {@link #views()} array the caller holds, which saves the
     * dereference of the table on the hottest path. The view is read before the version, since a
     * stale view is still safe to probe (it holds its mapping and was bounds-checked when made) and
     * is rejected afterwards by the resize count. A key that is the first tag match of its home group,
     * the common case, needs no loop.
     */
    public static long tryGetLong(final View[] views, final long hash, final long key, final long absent)
    {
        final View view = views[partition(hash, views.length)];
        final long record = view.record;
        final long groupAddress = view.probeAddress + ((((hash >>> 7) & 0xFFFF_FFFFL) * view.probeGroups) >>> 32) * LONG_GROUP_LENGTH;
        // Acquire: the table reads below see what the writer published before this version.
        final long version = UnsafeApi.getLongVolatile(null, record + VERSION_OFFSET);
        final long ctrl = controlWord(groupAddress);
        final long match = matchTag(ctrl, hash);
        // The lowest match is bit 8j + 7 for slot j, whose key is at GROUP_WIDTH + 16j: 2 * bit - 14. Read
        // only when there is a match (with none, this points past the group, and past NO_TABLE).
        final long slot = groupAddress + GROUP_WIDTH - 14 + 2L * Long.numberOfTrailingZeros(match);
        final long value;
        if (match != 0 && UnsafeApi.getLong(null, slot) == key)
        {
            value = UnsafeApi.getLong(null, slot + Long.BYTES);
        }
        else
        {
            // No tag match and a group that never overflowed: absent (the only case NO_TABLE reaches).
            value = match == 0 && matchEmpty(ctrl) != 0 ? absent : probeLong(view, hash, key, absent);
        }
        final long resizeCount = UnsafeApi.getLong(null, record + RESIZE_COUNT_OFFSET);
        final long expectedResizeCount = view.resizeCount;
        // Every read of the attempt completes before the version is read again.
        VarHandle.acquireFence();
        final boolean unchanged = UnsafeApi.getLong(null, record + VERSION_OFFSET) == version;
        Reference.reachabilityFence(view);
        return unchanged && (version & 1) == 0 && resizeCount == expectedResizeCount ? value : UNDECIDED;
    }

    /**
     * The 8 bytes at {@code offset} of the slot at {@code position}, a position {@link #findLong}
     * returned for this view (so inside its table): read by address.
     */
    public long slotLong(final View view, final long position, final int offset)
    {
        final long value = UnsafeApi.getLong(null, view.address + slotOffset(position) + offset);
        Reference.reachabilityFence(view);
        return value;
    }

    /** A group's control bytes as one long, byte 0 lowest, on any platform. */
    private static long controlWord(final long address)
    {
        final long word = UnsafeApi.getLong(null, address);
        return NATIVE_LITTLE_ENDIAN ? word : Long.reverseBytes(word);
    }

    /** The position of the key of {@code length} bytes at {@code offset} of {@code key}, or -1. */
    public long find(final View view, final long hash, final DirectBuffer key, final int offset, final int length)
    {
        final int groups = view.groups;
        final UnsafeBuffer mapping = view.mapping;
        int g = homeGroup(hash, groups);
        for (int n = 0; n < groups; n++)
        {
            final int groupOffset = view.groupsOffset + g * groupLength;
            final long ctrl = mapping.getLong(groupOffset, ORDER);
            for (long match = matchTag(ctrl, hash); match != 0; match &= match - 1)
            {
                final int j = Long.numberOfTrailingZeros(match) >>> 3;
                if (keyEquals(mapping, groupOffset + GROUP_WIDTH + j * slotSize, key, offset, length))
                {
                    return ((long)groupOffset << 3) | j;
                }
            }
            if (matchEmpty(ctrl) != 0)
            {
                return -1;
            }
            if (++g == groups)
            {
                g = 0;
            }
        }
        return -1;
    }

    private boolean keyEquals(final UnsafeBuffer mapping, final int slot, final DirectBuffer key, final int offset, final int length)
    {
        if (!shape.pointerKeys())
        {
            return bytesEqual(mapping, slot, key, offset, length);
        }
        final long pointer = mapping.getLong(slot);
        final UnsafeBuffer block = area.mapping(pointer, Integer.BYTES);
        final int at = (int)pointerOffset(pointer);
        return block.getInt(at) == length && at + Integer.BYTES + length <= block.capacity() &&
            bytesEqual(block, at + Integer.BYTES, key, offset, length);
    }

    private static boolean bytesEqual(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /** The hash of the key held by the slot at {@code slot} of {@code mapping}. */
    public long slotHash(final UnsafeBuffer mapping, final int slot)
    {
        if (!shape.pointerKeys())
        {
            return Hashing.hashBytes(mapping, slot, shape.keySize());
        }
        final long pointer = mapping.getLong(slot);
        final UnsafeBuffer block = area.mapping(pointer, Integer.BYTES);
        final int at = (int)pointerOffset(pointer);
        final int length = block.getInt(at);
        area.mapping(pointer, Integer.BYTES + length);
        return Hashing.hashBytes(block, at + Integer.BYTES, length);
    }

    // ---------------------------------------------------------------------------------------------
    // Insert and delete, under the lock
    // ---------------------------------------------------------------------------------------------

    /**
     * Under the lock, for a key that is absent: the position of a free slot for it, growing the
     * partition's table first if it is full (which may replace {@link #view}).
     *
     * @throws OutOfSpaceException if growth needs memory past the size limit or the file system's.
     */
    public long claim(final int p, final long hash)
    {
        final int po = partitionOffset(p);
        View view = view(p);
        final int live = header.getInt(po + LIVE_OFFSET);
        final int used = live + header.getInt(po + TOMBSTONES_OFFSET);
        if ((long)(used + 1) * 5 > (long)view.capacity() * 4)
        {
            view = grow(p, view, live);
        }
        return findFree(view, hash);
    }

    private long findFree(final View view, final long hash)
    {
        final int groups = view.groups;
        int g = homeGroup(hash, groups);
        for (int n = 0; n < groups; n++)
        {
            final int groupOffset = view.groupsOffset + g * groupLength;
            final long free = view.mapping.getLong(groupOffset, ORDER) & MSB;
            if (free != 0)
            {
                return ((long)groupOffset << 3) | (Long.numberOfTrailingZeros(free) >>> 3);
            }
            if (++g == groups)
            {
                g = 0;
            }
        }
        throw corruptTable(-1, "a table of " + view.capacity() + " slots has no free slot although its load is below 80%");
    }

    /** Under the lock and inside a write: makes the filled slot at {@code position} an entry (its control byte last). */
    public void publish(final int p, final View view, final long position, final long hash)
    {
        final int po = partitionOffset(p);
        final int ctrl = ctrlOffset(position);
        if (view.mapping.getByte(ctrl) == CTRL_DELETED)
        {
            header.putInt(po + TOMBSTONES_OFFSET, header.getInt(po + TOMBSTONES_OFFSET) - 1);
        }
        view.mapping.putByteVolatile(ctrl, (byte)(hash & 0x7F));
        header.putIntRelease(po + LIVE_OFFSET, header.getInt(po + LIVE_OFFSET) + 1);
    }

    /** Under the lock and inside a write: deletes the entry at {@code position}. */
    public void remove(final int p, final View view, final long position)
    {
        final int po = partitionOffset(p);
        final int groupOffset = (int)(position >>> 3);
        // A group that still has an empty slot never made a probe go past it: no tombstone needed.
        final boolean empty = matchEmpty(view.mapping.getLong(groupOffset, ORDER)) != 0;
        view.mapping.putByteVolatile(ctrlOffset(position), empty ? CTRL_EMPTY : CTRL_DELETED);
        if (!empty)
        {
            header.putInt(po + TOMBSTONES_OFFSET, header.getInt(po + TOMBSTONES_OFFSET) + 1);
        }
        header.putIntRelease(po + LIVE_OFFSET, header.getInt(po + LIVE_OFFSET) - 1);
    }

    /** Slots after growth: the load drops to 0.8 / 1.5 = 0.53 of the new capacity. */
    static int capacityFor(final int entries)
    {
        final long slots = Math.max(GROUP_WIDTH, ((long)entries * 15 + 7) / 8);
        return (int)Math.min((slots + GROUP_WIDTH - 1) & -GROUP_WIDTH, Integer.MAX_VALUE & -GROUP_WIDTH);
    }

    private View grow(final int p, final View old, final int live)
    {
        final int po = partitionOffset(p);
        final int capacity = capacityFor(live + 1);
        final long length = tableLength(capacity, slotSize);
        final long pointer;
        try
        {
            pointer = length > Integer.MAX_VALUE ? 0 : area.allocate(length, AreaAllocator.NO_OOM);
        }
        catch (final InvalidSizeException ex)
        {
            throw outOfSpace(p, length, live, ex);
        }
        if (pointer == 0)
        {
            throw outOfSpace(p, length, live, null);
        }
        header.putLongRelease(po + PENDING_TABLE_OFFSET, pointer);
        final UnsafeBuffer mapping = area.mapping(pointer, (int)length);
        final int base = (int)pointerOffset(pointer);
        mapping.putInt(base + TABLE_CAPACITY_OFFSET, capacity);
        mapping.putInt(base + TABLE_SLOT_SIZE_OFFSET, slotSize);
        mapping.putInt(base + TABLE_MAGIC_OFFSET, TABLE_MAGIC);
        mapping.putInt(base + TABLE_PARTITION_OFFSET, p);
        final View grown = newView(p, old.resizeCount + 1, pointer, mapping, base + TABLE_HEADER_LENGTH, capacity / GROUP_WIDTH);
        for (int g = 0; g < grown.groups; g++)
        {
            mapping.putLong(grown.groupsOffset + g * groupLength, ALL_EMPTY);
        }
        for (int g = 0; g < old.groups; g++)
        {
            final int groupOffset = old.groupsOffset + g * groupLength;
            for (int j = 0; j < GROUP_WIDTH; j++)
            {
                final byte ctrl = old.mapping.getByte(groupOffset + j);
                if (ctrl >= 0)
                {
                    final int slot = groupOffset + GROUP_WIDTH + j * slotSize;
                    final long position = findFree(grown, slotHash(old.mapping, slot));
                    mapping.putBytes(slotOffset(position), old.mapping, slot, slotSize);
                    mapping.putByte(ctrlOffset(position), ctrl);
                }
            }
        }
        beginWrite(p);
        header.putLong(po + RESIZE_COUNT_OFFSET, grown.resizeCount);
        header.putLong(po + TABLE_OFFSET, pointer);
        header.putInt(po + TOMBSTONES_OFFSET, 0);
        endWrite(p);
        header.putLongRelease(po + PENDING_TABLE_OFFSET, 0);
        views[p] = grown;
        if (old.pointer != 0)
        {
            area.free(old.pointer);
        }
        return grown;
    }

    private OutOfSpaceException outOfSpace(final int p, final long length, final int live, final Throwable cause)
    {
        final OutOfSpaceException ex = new OutOfSpaceException("cannot insert into " + description + ": partition " + p +
            " holds " + live + " entries and needs a table of " + length + " bytes to grow, but its size limit of " +
            area.sizeLimit() + " bytes (" + area.statistics().reservedBytes() + " reserved) or the file system " +
            "leaves no room. Delete entries, or create it with a larger size limit");
        if (cause != null)
        {
            ex.initCause(cause);
        }
        return ex;
    }

    // ---------------------------------------------------------------------------------------------
    // Iteration and checks
    // ---------------------------------------------------------------------------------------------

    /** Under the lock: the position of the first entry at or after slot {@code index}, or -1. */
    public long nextEntry(final View view, final int index)
    {
        for (int i = index; i < view.capacity(); i++)
        {
            final int groupOffset = view.groupsOffset + (i >>> 3) * groupLength;
            if (view.mapping.getByte(groupOffset + (i & 7)) >= 0)
            {
                return ((long)groupOffset << 3) | (i & 7);
            }
        }
        return -1;
    }

    /** The slot index of a position, to continue {@link #nextEntry} after it. */
    public int indexOf(final View view, final long position)
    {
        return ((int)(position >>> 3) - view.groupsOffset) / groupLength * GROUP_WIDTH + (int)(position & 7);
    }

    /**
     * Takes each partition's lock in turn and checks its table: control bytes, counts, every entry
     * in its partition and reachable from its home group, no key twice, blocks valid.
     */
    public List<String> verify()
    {
        final List<String> problems = new ArrayList<>();
        for (int p = 0; p < locks.length; p++)
        {
            lock(p);
            try
            {
                verifyPartition(p, problems);
            }
            catch (final RuntimeException ex)
            {
                problems.add("partition " + p + ": " + ex.getMessage());
            }
            finally
            {
                unlock(p);
            }
        }
        return problems;
    }

    private void verifyPartition(final int p, final List<String> problems)
    {
        final int po = partitionOffset(p);
        final View view = view(p);
        int live = 0;
        int tombstones = 0;
        for (int i = 0; i < view.capacity(); i++)
        {
            final int groupOffset = view.groupsOffset + (i >>> 3) * groupLength;
            final byte ctrl = view.mapping.getByte(groupOffset + (i & 7));
            if (ctrl == CTRL_DELETED)
            {
                tombstones++;
                continue;
            }
            if (ctrl == CTRL_EMPTY)
            {
                continue;
            }
            if (ctrl < 0)
            {
                problems.add("partition " + p + " slot " + i + " has control byte 0x" + Integer.toHexString(ctrl & 0xFF));
                continue;
            }
            live++;
            final int slot = groupOffset + GROUP_WIDTH + (i & 7) * slotSize;
            final long hash = slotHash(view.mapping, slot);
            if (partition(hash) != p || (hash & 0x7F) != ctrl)
            {
                problems.add("partition " + p + " slot " + i + " holds a key of partition " + partition(hash) +
                    " or with a wrong tag");
                continue;
            }
            final long found = shape.pointerKeys() ? findByPointerKey(view, hash, slot) : find(view, hash, view.mapping, slot, shape.keySize());
            if (found < 0 || slotOffset(found) != slot)
            {
                problems.add("partition " + p + " slot " + i + (found < 0 ? " is not reachable from its home group" :
                    " holds a key that slot " + indexOf(view, found) + " also holds"));
            }
            if (shape.pointerValues())
            {
                final long pointer = view.mapping.getLong(slot + shape.valueOffset());
                final int length = area.mapping(pointer, Integer.BYTES).getInt((int)pointerOffset(pointer));
                area.mapping(pointer, Integer.BYTES + length);
            }
        }
        if (live != header.getInt(po + LIVE_OFFSET) || tombstones != header.getInt(po + TOMBSTONES_OFFSET))
        {
            problems.add("partition " + p + " counts " + header.getInt(po + LIVE_OFFSET) + " entries and " +
                header.getInt(po + TOMBSTONES_OFFSET) + " tombstones but its table holds " + live + " and " + tombstones);
        }
        if ((long)(live + tombstones) * 5 > (long)view.capacity() * 4 + 4)
        {
            problems.add("partition " + p + " is loaded past 80%: " + (live + tombstones) + " of " + view.capacity() + " slots");
        }
    }

    private long findByPointerKey(final View view, final long hash, final int slot)
    {
        final long pointer = view.mapping.getLong(slot);
        final UnsafeBuffer block = area.mapping(pointer, Integer.BYTES);
        final int at = (int)pointerOffset(pointer);
        return find(view, hash, block, at + Integer.BYTES, block.getInt(at));
    }

    private CorruptFileException corruptTable(final int p, final String problem)
    {
        return new CorruptFileException(description + " is corrupt" + (p >= 0 ? " in partition " + p : "") + ": " + problem +
            ". Remove it (DsmRegistry.remove) to start it afresh");
    }

    private static CorruptFileException corrupt(final Path file, final String description, final String problem)
    {
        return new CorruptFileException("file " + file + " of " + description + " cannot be used: " + problem +
            ". Remove the entry (DsmRegistry.remove) to start it afresh");
    }
}
