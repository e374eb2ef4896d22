package io.dsmreg.internal.hash;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.lock.SeqLock;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.HashDescriptor.*;

/*
 * The partitioned open-addressing hash table behind SharedHash and SharedMap, as one process sees it.
 * It owns its layout (HashDescriptor) and every write to it: its callers find, read and ask for
 * changes, and never write a slot, a block, a count or a version themselves.
 *
 * Each partition has a lock word, a seqlock version (SeqLock) and a bucket table of its own in the
 * table's area. Writers hold the partition's SharedMutex; lock-free readers read the version, probe
 * the table through a mapping this process cached for it, and accept what they read only if the
 * version is unchanged and even. A writer makes the version odd around every change a reader could
 * see, so a reader never trusts a half-made change; the number of optimistic attempts is bounded,
 * after which a reader takes the lock.
 *
 * Write protocols, each run whole by one method under the partition's lock:
 *   1. Insert (insert, insertLong): allocate and fill the blocks the key and value fields need and
 *      name them pending (release); claim a free slot, growing the table first if it is full; make
 *      the version odd; write the slot's fields; publish its control byte (one store) and count it;
 *      make the version even; clear the pending names.
 *   2. Replace a value (replaceValue, replaceLong): an inline value is one 8-byte store inside an odd
 *      version. A value block: allocate and fill the new block and name it pending; store its pointer
 *      inside an odd version; clear the pending name; free the old block.
 *   3. Delete (delete): inside an odd version, mark the control byte empty or deleted and count it;
 *      then free the entry's blocks (unlinked first: a crash between the two leaks them, never leaves
 *      a slot pointing at freed memory).
 *   4. Entry writes (SharedHash, whose callers change an entry's bytes themselves): beginEntryWrite,
 *      or insertEntry (claim, then inside the odd version zero the slot, write the key, publish),
 *      keeps the version odd while the caller works; deleteInEntryWrite unlinks inside it;
 *      endEntryWrite makes the version even.
 *   5. Growth (inside 1 and 4): allocate the new table (1.5x, range reduction instead of powers of
 *      two; never smaller than a map sized up front had its tables at creation) and name it pending; fill it while the old one stays readable; inside an odd version bump
 *      the resize count and swap the pointer; clear the pending name; free the old table. Readers are
 *      never held up by a rehash, and growing one partition does not touch the others.
 *
 * Crash safety. An insert writes the slot, then its control byte in one store, so it is invisible
 * until complete. Entry counts are recounted by whoever takes a lock over from a dead owner (lock()
 * returned true, or the version was left odd). Memory a writer allocated but has not linked yet is
 * named in the partition (pending table / key block / value block) before it is linked, and the
 * taker frees it unless the table already links it. The resize count is bumped by every swap and
 * every repair, before anything else changes, so no process keeps using a mapping of a table that
 * was replaced. What a dead writer can still leave behind is a leak of one block: memory freed
 * after the change that unlinked it (an old table, a replaced value), or allocated in the instant
 * before it was named pending, when the process dies between the two. Nothing half-written ever
 * becomes reachable.
 *
 * Keys and values (maps) are inline in the slot or in blocks [int length][bytes] of the area
 * (HashDescriptor); field() is the one decoder of both, checked, since an optimistic read may see
 * anything.
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
    /** Seqlock reads of a partition by {@link #inspect()} before it reports the partition busy. */
    private static final int INSPECT_ATTEMPTS = 10;
    private static final long INSPECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final System.Logger LOG = System.getLogger(HashTable.class.getName());
    /** The header file of every table: create, publish, attach and the one wording of its errors. */
    static final HeaderedFile FILE = new HeaderedFile("hash table header", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);
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
    /** What {@link #tryGetShortValue} returns for a key the table does not hold, and when it cannot tell. */
    public static final int VALUE_ABSENT = -1;
    public static final int VALUE_UNDECIDED = -2;
    /** {@link #shortKeySlot}'s answers besides a slot's address (always positive). */
    private static final long NOT_IN_TABLE = 0;
    private static final long UNDECIDED_SLOT = -1;
    /** {@link #compareKey}'s answers: the slot holds the key, another key, or a block it cannot read by address. */
    private static final int SAME_KEY = 1;
    private static final int OTHER_KEY = 0;
    private static final int KEY_UNREAD = -1;

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
    private final boolean pointerKeys;
    /** Keys hashed as UTF-8 strings ({@code HASH_UTF8}), not as bytes. */
    private final boolean utf8Hash;
    /** Slots wider than 16 bytes: a group spans several lines, and each key has a preferred slot in its group. */
    private final boolean preferSlots;
    /** Short mode: keys of up to {@link #inlineKeyLength} bytes in the slot, longer ones in blocks. */
    private final boolean shortKeys;
    private final int inlineKeyLength;
    private final boolean pointerValues;
    private final int valueOffset;
    /** Bytes of an inline value: the value codec's fixed size (maps of inline values only). */
    private final int inlineValueLength;
    /** Slots no table of a map sized up front has fewer of ({@link #expectedCapacity}); 0 for other tables. */
    private final int minimumCapacity;
    private final SharedMutex[] locks;
    private final View[] views;
    private final Thread[] holders;
    /** Each thread's flyweight for {@link #field}: what a decoded key or value is read through. */
    private final ThreadLocal<UnsafeBuffer> fields = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));

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
        this.pointerKeys = shape.pointerKeys();
        this.utf8Hash = shape.keyHash() == HASH_UTF8;
        this.preferSlots = slotSize > LONG_SLOT_LENGTH;
        this.shortKeys = shape.shortKeys();
        this.inlineKeyLength = shortKeys ? HashDescriptor.inlineKeyLength(shape.keySize()) : 0;
        this.pointerValues = shape.pointerValues();
        this.valueOffset = shape.valueOffset();
        this.inlineValueLength = shape.valueMode() == VALUE_INLINE ? shape.valueCodecSize() : 0;
        // Checked by the request (MapHandle.shapeOf) or by attach.
        this.minimumCapacity = Math.max(0, expectedCapacity(shape.expectedEntries(), shape.partitions(), slotSize));
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
        final UnsafeBuffer header = FILE.create(
            EntryFiles.path(directory, fileId, HEADER_PART), fileLength(shape.partitions()), description);
        header.putInt(PARTITION_COUNT_OFFSET, shape.partitions());
        header.putLong(FILE_ID_OFFSET, fileId);
        header.putInt(KIND_OFFSET, shape.kind());
        header.putInt(KEY_SIZE_OFFSET, shape.keySize());
        header.putInt(ENTRY_SIZE_OFFSET, shape.entrySize());
        header.putInt(SLOT_SIZE_OFFSET, shape.slotSize());
        header.putInt(KEY_MODE_OFFSET, shape.keyMode());
        header.putInt(KEY_HASH_OFFSET, shape.keyHash());
        header.putInt(VALUE_MODE_OFFSET, shape.valueMode());
        header.putInt(VALUE_OFFSET_OFFSET, shape.valueOffset());
        header.putInt(KEY_CODEC_SIZE_OFFSET, shape.keyCodecSize());
        header.putInt(VALUE_CODEC_SIZE_OFFSET, shape.valueCodecSize());
        putId(header, KEY_CODEC_ID_OFFSET, shape.keyCodecId());
        putId(header, VALUE_CODEC_ID_OFFSET, shape.valueCodecId());
        header.putLong(EXPECTED_ENTRIES_OFFSET, shape.expectedEntries());
        final HashTable table = new HashTable(description, area, header, shape, timeoutNanos);
        table.allocateExpectedTables();
        FILE.publish(header);
        return table;
    }

    /**
     * At creation, before the header is published (a creator that dies here leaves files the registry
     * deletes): every partition's table, sized for its share of the expected entries, in one segment
     * reserved for all of them.
     */
    private void allocateExpectedTables()
    {
        if (minimumCapacity == 0)
        {
            return;
        }
        final long length = tableLength(minimumCapacity, slotSize);
        try
        {
            area.reserve(locks.length, length);
            for (int p = 0; p < locks.length; p++)
            {
                final long pointer = area.allocate(length, 0);
                newTable(p, 0, pointer, length, minimumCapacity);
                header.putLong(partitionOffset(p) + TABLE_OFFSET, pointer);
            }
        }
        catch (final OutOfSpaceException ex)
        {
            throw new OutOfSpaceException("cannot create " + description + " sized for " + shape.expectedEntries() +
                " entries: its " + locks.length + " tables of " + length + " bytes each do not fit (" + ex.getMessage() +
                "). Ask for fewer expected entries, a larger size limit, or make room in the registry's directory", ex);
        }
    }

    /**
     * Maps the header file of a published table, checking it; the caller compares {@link #shape()} with its request.
     *
     * @throws CorruptFileException naming the file, if it is not a published hash table header of this
     *                              layout version, of this file id and of a consistent shape.
     */
    public static HashTable attach(
        final Path directory, final long fileId, final String description, final AreaAllocator area, final long timeoutNanos)
    {
        return attach(directory, fileId, description, area, timeoutNanos, false);
    }

    /**
     * Maps the header file of a published table read-only, over an area attached read-only
     * ({@link AreaAllocator#attachReadOnly}), for {@link #inspect()} alone: tools that only look.
     */
    public static HashTable attachReadOnly(final Path directory, final long fileId, final String description, final AreaAllocator area)
    {
        return attach(directory, fileId, description, area, 0, true);
    }

    private static HashTable attach(
        final Path directory, final long fileId, final String description, final AreaAllocator area, final long timeoutNanos,
        final boolean readOnly)
    {
        final Path file = EntryFiles.path(directory, fileId, HEADER_PART);
        final UnsafeBuffer header = FILE.attach(file, HEADER_LENGTH, description, readOnly);
        final long recordedFileId = header.getLong(FILE_ID_OFFSET);
        if (recordedFileId != fileId)
        {
            throw FILE.corrupt(file, description, "its header records file id " + recordedFileId +
                " but the registry records " + fileId + " for it");
        }
        final int partitions = header.getInt(PARTITION_COUNT_OFFSET);
        if (partitions <= 0 || Integer.bitCount(partitions) != 1 ||
            partitions > (header.capacity() - HEADER_LENGTH) / PARTITION_LENGTH)
        {
            throw FILE.corrupt(file, description, "it records " + partitions + " partitions but has " + header.capacity() +
                " bytes: the count is not a power of two, or the file was truncated");
        }
        final int entrySize = header.getInt(ENTRY_SIZE_OFFSET);
        final int slotSize = header.getInt(SLOT_SIZE_OFFSET);
        if (slotSize <= 0 || slotSize != ((entrySize + 7) & -8))
        {
            throw FILE.corrupt(file, description, "it records slots of " + slotSize + " bytes for entries of " + entrySize +
                " bytes, not the entry size rounded up to 8");
        }
        final HashShape shape = new HashShape(
            header.getInt(KIND_OFFSET), partitions, header.getInt(KEY_SIZE_OFFSET), entrySize,
            header.getInt(KEY_MODE_OFFSET), header.getInt(KEY_HASH_OFFSET), header.getInt(VALUE_MODE_OFFSET),
            header.getInt(VALUE_OFFSET_OFFSET),
            getId(header, KEY_CODEC_ID_OFFSET), header.getInt(KEY_CODEC_SIZE_OFFSET),
            getId(header, VALUE_CODEC_ID_OFFSET), header.getInt(VALUE_CODEC_SIZE_OFFSET), area.sizeLimit(),
            header.getLong(EXPECTED_ENTRIES_OFFSET));
        if (shape.expectedEntries() < 0 || expectedCapacity(shape.expectedEntries(), partitions, slotSize) < 0)
        {
            throw FILE.corrupt(file, description, "it records " + shape.expectedEntries() + " expected entries, which no map of " +
                partitions + " partitions and " + slotSize + "-byte slots can be sized for");
        }
        if (shape.keyHash() != HASH_BYTES && shape.keyHash() != HASH_UTF8)
        {
            throw FILE.corrupt(file, description, "it records key hash " + shape.keyHash() + "; known are " + HASH_BYTES +
                " (bytes) and " + HASH_UTF8 + " (UTF-8 strings)");
        }
        final int keySize = shape.keySize();
        if (shape.shortKeys() && (keySize < MIN_SHORT_KEY_FIELD || keySize > MAX_SHORT_KEY_FIELD || (keySize & 7) != 0 ||
            shape.valueOffset() != keySize || entrySize != keySize + VALUE_FIELD_LENGTH))
        {
            throw FILE.corrupt(file, description, "it records short keys in a key field of " + keySize + " bytes, the value " +
                "at offset " + shape.valueOffset() + " and entries of " + entrySize + " bytes; short key fields are multiples of 8 " +
                "from " + MIN_SHORT_KEY_FIELD + " to " + MAX_SHORT_KEY_FIELD + " bytes, the value's " + VALUE_FIELD_LENGTH +
                " bytes right after");
        }
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

    /** Bytes of all of the table's files (its area and its header file); read without locks. */
    public long reservedBytes()
    {
        return area.statistics().reservedBytes() + header.capacity();
    }

    /** Bytes of the table's area in use by bucket tables and blocks; read without locks. */
    public long bytesInUse()
    {
        return area.bytesInUse();
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
        if (slotSize != LONG_SLOT_LENGTH || valueOffset != Long.BYTES)
        {
            throw new IllegalStateException(description + " has " + slotSize + "-byte slots with the value at byte " +
                valueOffset + ", not 8-byte keys and values");
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
     * Takes partition {@code p}'s lock (repairing the partition first if its last holder died, or left
     * its version odd), for an operation that runs no caller code while it holds it, so that the same
     * thread cannot ask for it again: SharedMap, whose codecs and functions run outside its locks.
     * Bounded by the registry's timeout.
     */
    public void lock(final int p)
    {
        lockRepairing(p);
    }

    /** {@link #lock}, returning what it repaired first, or null when nothing needed it. */
    private String lockRepairing(final int p)
    {
        final boolean tookOver = locks[p].lock(timeoutNanos);
        if (tookOver || SeqLock.isWriting(SeqLock.version(versionAddress(p))))
        {
            try
            {
                return repair(p, tookOver);
            }
            catch (final RuntimeException | Error ex)
            {
                unlock(p);
                throw ex;
            }
        }
        return null;
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
        final long version = versionAddress(p);
        try
        {
            for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++)
            {
                final long before = SeqLock.beginRead(version);
                if (SeqLock.isWriting(before))
                {
                    Thread.onSpinWait();
                    continue;
                }
                final View view = views[p];
                if (view.resizeCount != UnsafeApi.getLong(null, partitionAddress(p) + RESIZE_COUNT_OFFSET))
                {
                    // A table this process has not resolved (or a stale one): only the lock may resolve it.
                    return undecided;
                }
                final T result = read.apply(view, context);
                if (SeqLock.validate(version, before))
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

    /** The address of partition {@code p}'s record; masked, so that no {@code p} can reach outside the header. */
    private long partitionAddress(final int p)
    {
        return partitionsAddress + (long)(p & partitionMask) * PARTITION_LENGTH;
    }

    /** The address of partition {@code p}'s version, its {@link SeqLock}. */
    private long versionAddress(final int p)
    {
        return partitionAddress(p) + VERSION_OFFSET;
    }

    /**
     * Under the lock taken over from a dead holder, or found with an odd version: puts the partition
     * back in order before anyone uses it.
     * <ol>
     *   <li>Makes the version odd (a dead writer may have left it so) and bumps the resize count, so
     *       that no process keeps using a stale view.</li>
     *   <li>Forgets a pending table, and frees it unless the swap had happened.</li>
     *   <li>Recounts live entries and tombstones from the control bytes.</li>
     *   <li>Forgets pending key and value blocks, and frees them unless a full slot links them.</li>
     *   <li>Makes the version even ({@link SeqLock#repair}).</li>
     * </ol>
     */
    private String repair(final int p, final boolean tookOver)
    {
        final int po = partitionOffset(p);
        final long version = versionAddress(p);
        if (!SeqLock.isWriting(SeqLock.version(version)))
        {
            SeqLock.beginWrite(version);
        }
        // Volatile, first: every process re-resolves the table before it could use a stale mapping.
        header.putLongVolatile(po + RESIZE_COUNT_OFFSET, header.getLong(po + RESIZE_COUNT_OFFSET) + 1);
        final long table = header.getLong(po + TABLE_OFFSET);
        final long pendingTable = header.getLong(po + PENDING_TABLE_OFFSET);
        // Release: forgotten before it is freed, so that a repair that dies in between leaks it rather
        // than leave the next one to free memory the area may have handed out again.
        header.putLongRelease(po + PENDING_TABLE_OFFSET, 0);
        int freed = 0;
        if (pendingTable != 0 && pendingTable != table)
        {
            freed += freeUnlinked(pendingTable);
        }
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
                    keyLinked |= keyBlock(view.mapping, slot) == pendingKey;
                    valueLinked |= pointerValues && view.mapping.getLong(slot + valueOffset) == pendingValue;
                }
                else if (ctrl == CTRL_DELETED)
                {
                    tombstones++;
                }
            }
        }
        // Forgotten before they are freed, as the pending table.
        clearPendingBlocks(po);
        if (pendingKey != 0 && !keyLinked)
        {
            freed += freeUnlinked(pendingKey);
        }
        if (pendingValue != 0 && !valueLinked)
        {
            freed += freeUnlinked(pendingValue);
        }
        header.putInt(po + LIVE_OFFSET, live);
        header.putInt(po + TOMBSTONES_OFFSET, tombstones);
        SeqLock.repair(version);
        final String repaired = (tookOver ? "took over the lock of a dead process and repaired" : "repaired") +
            " partition " + p + " (recounted " + live + " entries, freed " + freed + " unlinked blocks)";
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}", description, repaired);
        return repaired;
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
            // Not expected (every writer forgets a block before it frees it): leaving it loses nothing.
            LOG.log(System.Logger.Level.WARNING, "{0}: block 0x{1} named pending was not freed: {2}",
                description, Long.toHexString(pointer), ex.getMessage());
            return 0;
        }
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

    /** The slot of a group an insert takes if it is free, and a lookup reads first: hash bits 39..41. */
    private static int preferredSlot(final long hash)
    {
        return (int)(hash >>> 39) & (GROUP_WIDTH - 1);
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

    /**
     * The value of the entry at {@code position} of a table of 16-byte slots, a position
     * {@link #findLong} returned for this view (so inside its table): read by address.
     */
    public static long longValue(final View view, final long position)
    {
        final long value = UnsafeApi.getLong(
            null, view.address + (position >>> 3) + GROUP_WIDTH + (position & 7) * LONG_SLOT_LENGTH + Long.BYTES);
        Reference.reachabilityFence(view);
        return value;
    }

    /** The value of {@code key} in a table of 16-byte slots, or {@code absent}: the full probe behind {@link #tryGetLong}. */
    private static long probeLong(final View view, final long hash, final long key, final long absent)
    {
        final long position = findLong(view, hash, key);
        return position < 0 ? absent : longValue(view, position);
    }

    /**
     * The lock-free read of a Long -> Long map (tables of 8-byte keys followed by 8-byte values) in
     * one attempt: the value of {@code key}, {@code absent} if the table does not hold it, or
     * {@link #UNDECIDED} if this attempt cannot tell (a writer intervened, this process's view of the
     * table is stale or unresolved): the caller then retries or takes the lock.
     *
     * <p>Kept short because every instruction and every dependent load here limits how many reads a
     * core overlaps. Static, over the {@link #longViews()} array the caller holds, which saves the
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
        final long version = SeqLock.beginRead(record + VERSION_OFFSET);
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
        final boolean unchanged = SeqLock.validate(record + VERSION_OFFSET, version);
        Reference.reachabilityFence(view);
        return unchanged && resizeCount == expectedResizeCount ? value : UNDECIDED;
    }

    /**
     * The lock-free read of a map of short keys and 8-byte inline values (String -> Long) in one
     * attempt, as {@link #tryGetLong} is for Long -> Long: the value of the key of {@code length} bytes
     * at the start of {@code key}, {@code absent} if the table does not hold it (only then: a stored value
     * equal to {@code absent} is not returned), or {@link #UNDECIDED} if this attempt cannot tell: a writer
     * intervened, the view is stale, the key is not in its home group which is full, a longer key's block
     * lies in a segment this process has not mapped (or a segment of the area was given back, or an area
     * operation rolled back, since this process last mapped one), or its value is {@code absent} or {@code UNDECIDED}
     * (the caller then takes the general path, {@link #find}), so that those values cost speed, never
     * correctness. Reads by address, with few instructions: a core overlaps the next lookup's
     * misses with this one's only if the whole lookup fits its window of instructions in flight.
     */
    public long tryGetShort(final long hash, final byte[] key, final int length, final long absent)
    {
        final View view = views[partition(hash)];
        final long record = view.record;
        final long version = SeqLock.beginRead(record + VERSION_OFFSET);
        final long slot = shortKeySlot(view, hash, key, length);
        final long value;
        if (slot > 0)
        {
            final long stored = UnsafeApi.getLong(null, slot + valueOffset);
            value = stored != absent ? stored : UNDECIDED;
        }
        else
        {
            value = slot == NOT_IN_TABLE ? absent : UNDECIDED;
        }
        final long resizeCount = UnsafeApi.getLong(null, record + RESIZE_COUNT_OFFSET);
        final boolean unchanged = SeqLock.validate(record + VERSION_OFFSET, version);
        Reference.reachabilityFence(view);
        return unchanged && resizeCount == view.resizeCount ? value : UNDECIDED;
    }

    /**
     * {@link #tryGetShort} for values of any codec (String -> String, String -> byte[]): the length of the value
     * of the key of {@code length} bytes at the start of {@code key}, its bytes copied into {@code into} if they
     * fit (a caller given a length past its array's asks again with a larger one), {@link #VALUE_ABSENT} if the
     * table does not hold the key, or {@link #VALUE_UNDECIDED} if this attempt cannot tell: as for tryGetShort,
     * and also when the value's block lies in a segment this process has not mapped or records a length that
     * reaches past it (a torn read, or damage the general path then reports). The value is copied inside the
     * attempt, so what the caller decodes is what the validated version covered: never a torn value. With
     * {@code into} null neither the value nor its block is read (a containsKey): 0 answers "held".
     */
    public int tryGetShortValue(final long hash, final byte[] key, final int length, final byte[] into)
    {
        final View view = views[partition(hash)];
        final long record = view.record;
        final long version = SeqLock.beginRead(record + VERSION_OFFSET);
        final long slot = shortKeySlot(view, hash, key, length);
        final int value = slot > 0 ? into == null ? 0 : copyValue(slot, into) : slot == NOT_IN_TABLE ? VALUE_ABSENT : VALUE_UNDECIDED;
        final long resizeCount = UnsafeApi.getLong(null, record + RESIZE_COUNT_OFFSET);
        final boolean unchanged = SeqLock.validate(record + VERSION_OFFSET, version);
        Reference.reachabilityFence(view);
        return unchanged && resizeCount == view.resizeCount ? value : VALUE_UNDECIDED;
    }

    /**
     * {@link #tryGetShortValue}'s read of the value of the full slot at address {@code slot}: its length, its
     * bytes copied into {@code into} if they fit; {@link #VALUE_UNDECIDED} if its block cannot be read by address.
     * The block pointer and its recorded length may be torn: both are bounded by the mapping before any byte
     * is copied, and the caller's validation rejects what a writer changed.
     */
    private int copyValue(final long slot, final byte[] into)
    {
        if (!pointerValues)
        {
            if (inlineValueLength <= into.length)
            {
                UnsafeApi.copyMemory(null, slot + valueOffset, into, BufferUtil.ARRAY_BASE_OFFSET, inlineValueLength);
            }
            return inlineValueLength;
        }
        final long block = UnsafeApi.getLong(null, slot + valueOffset);
        final UnsafeBuffer mapping = area.mappingIfMapped(block, BLOCK_DATA_OFFSET);
        if (mapping == null)
        {
            return VALUE_UNDECIDED;
        }
        final long offset = pointerOffset(block);
        final long at = mapping.addressOffset() + offset;
        final int length = UnsafeApi.getInt(null, at + BLOCK_LENGTH_OFFSET);
        if (length < 0 || offset + BLOCK_DATA_OFFSET + length > mapping.capacity())
        {
            return VALUE_UNDECIDED;
        }
        if (length <= into.length)
        {
            UnsafeApi.copyMemory(null, at + BLOCK_DATA_OFFSET, into, BufferUtil.ARRAY_BASE_OFFSET, length);
        }
        Reference.reachabilityFence(mapping);
        return length;
    }

    /**
     * The address of the full slot of {@code view} that holds the key of {@code length} bytes at the start of
     * {@code key}, {@link #NOT_IN_TABLE} if the table does not hold it (every tag match in its home group compared,
     * and the group never overflowed), or {@link #UNDECIDED_SLOT}: the read by address of {@link #tryGetShort} and
     * {@link #tryGetShortValue}, whose callers hold the version it is validated against. The preferred slot
     * first, then the group's other tag matches: any match means the group is a table's (the empty group of a
     * partition without one matches nothing).
     */
    private long shortKeySlot(final View view, final long hash, final byte[] key, final int length)
    {
        final boolean inSlot = length <= inlineKeyLength;
        final long group = view.probeAddress + (long)homeGroup(hash, view.probeGroups) * groupLength;
        final int j = preferredSlot(hash);
        final long ctrl = controlWord(group);
        final long match = matchTag(ctrl, hash);
        final long preferred = 0x80L << (j << 3);
        boolean told = true;
        if ((match & preferred) != 0)
        {
            final long preferredSlot = group + GROUP_WIDTH + (long)j * slotSize;
            final int compared = compareKey(preferredSlot, key, length, inSlot);
            if (compared == SAME_KEY)
            {
                return preferredSlot;
            }
            told = compared != KEY_UNREAD;
        }
        for (long other = match & ~preferred; other != 0; other &= other - 1)
        {
            final long candidate = group + GROUP_WIDTH + (long)(Long.numberOfTrailingZeros(other) >>> 3) * slotSize;
            final int compared = compareKey(candidate, key, length, inSlot);
            if (compared == SAME_KEY)
            {
                return candidate;
            }
            told &= compared != KEY_UNREAD;
        }
        return told && matchEmpty(ctrl) != 0 ? NOT_IN_TABLE : UNDECIDED_SLOT;
    }

    /**
     * {@link #tryGetShort}'s comparison of the key of {@code length} bytes in {@code key} with the slot at address
     * {@code slot}: in the slot ({@code inSlot}, keys of up to {@link #inlineKeyLength} bytes) or in the key block
     * it links. {@link #KEY_UNREAD} if the block cannot be read by address.
     */
    private int compareKey(final long slot, final byte[] key, final int length, final boolean inSlot)
    {
        if (inSlot)
        {
            return shortKeyEquals(slot, key, length) ? SAME_KEY : OTHER_KEY;
        }
        if (UnsafeApi.getInt(null, slot + SHORT_KEY_LENGTH_OFFSET) != KEY_IN_BLOCK)
        {
            return OTHER_KEY;
        }
        // Read by address only through a mapping this process already has and checks; a block pointer changed
        // meanwhile is bounded here and rejected by the caller's validation.
        final long block = UnsafeApi.getLong(null, slot + SHORT_KEY_BLOCK_OFFSET);
        final UnsafeBuffer mapping = area.mappingIfMapped(block, BLOCK_DATA_OFFSET + length);
        if (mapping == null)
        {
            return KEY_UNREAD;
        }
        final long at = mapping.addressOffset() + pointerOffset(block);
        final boolean same = UnsafeApi.getInt(null, at + BLOCK_LENGTH_OFFSET) == length &&
            wordsEqual(at + BLOCK_DATA_OFFSET, key, length);
        Reference.reachabilityFence(mapping);
        return same ? SAME_KEY : OTHER_KEY;
    }

    /**
     * Whether the short key field at address {@code slot} holds the first {@code length} bytes of {@code key},
     * in 8-byte words, the last one overlapping the one before (a key of under 8 bytes: one word, masked).
     * For keys of up to {@link #inlineKeyLength} bytes, so that no read leaves the key field or the array,
     * whatever the array's length: the caller's scratch or a String's own bytes.
     */
    private boolean shortKeyEquals(final long slot, final byte[] key, final int length)
    {
        if (UnsafeApi.getInt(null, slot + SHORT_KEY_LENGTH_OFFSET) != length)
        {
            return false;
        }
        final long data = slot + SHORT_KEY_DATA_OFFSET;
        if (length < Long.BYTES)
        {
            // The key field holds at least 8 bytes past its length word: one read of the slot.
            long word = 0;
            for (int i = 0; i < length; i++)
            {
                word |= (key[i] & 0xFFL) << (NATIVE_LITTLE_ENDIAN ? i << 3 : Long.SIZE - Byte.SIZE - (i << 3));
            }
            final long mask = length == 0 ? 0 :
                NATIVE_LITTLE_ENDIAN ? -1L >>> (Long.SIZE - (length << 3)) : -1L << (Long.SIZE - (length << 3));
            return ((UnsafeApi.getLong(null, data) ^ word) & mask) == 0;
        }
        return wordsEqual(data, key, length);
    }

    /**
     * Whether the {@code length} bytes at address {@code data} are the first {@code length} of {@code key}, for
     * a length of at least 8: in 8-byte words, the last one overlapping the one before, so that no read leaves
     * either side.
     */
    private static boolean wordsEqual(final long data, final byte[] key, final int length)
    {
        final int last = length - Long.BYTES;
        for (int i = 0; i < last; i += Long.BYTES)
        {
            if (UnsafeApi.getLong(null, data + i) != UnsafeApi.getLong(key, BufferUtil.ARRAY_BASE_OFFSET + i))
            {
                return false;
            }
        }
        return UnsafeApi.getLong(null, data + last) == UnsafeApi.getLong(key, BufferUtil.ARRAY_BASE_OFFSET + last);
    }

    /**
     * Whether this table's reads can take {@link #tryGetShortValue}: short keys; and {@link #tryGetShort} if its
     * values are also 8 bytes inline.
     */
    public boolean readsShortKeysByAddress()
    {
        return shortKeys;
    }

    /** A group's control bytes as one long, byte 0 lowest, on any platform. */
    private static long controlWord(final long address)
    {
        final long word = UnsafeApi.getLong(null, address);
        return NATIVE_LITTLE_ENDIAN ? word : Long.reverseBytes(word);
    }

    /**
     * Starts the reads a lookup of {@code hash} begins with, the home group's control word and preferred
     * slot, and returns what it read for the caller to keep (so that the reads are not dropped as unused):
     * a software prefetch, for a caller that has other work before its lookup (a String key's characters
     * to copy) which the core then does while these lines are on their way. Reads through this process's
     * view as it is, without validation: a stale view still holds its mapping, and what is read is never used.
     */
    public long prefetch(final long hash)
    {
        final View view = views[partition(hash)];
        final long group = view.probeAddress + (long)homeGroup(hash, view.probeGroups) * groupLength;
        long read = UnsafeApi.getLong(null, group);
        if (view.groups > 0)
        {
            read += UnsafeApi.getLong(null, group + GROUP_WIDTH + (long)preferredSlot(hash) * slotSize);
        }
        Reference.reachabilityFence(view);
        return read;
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
            long firstMatches = matchTag(ctrl, hash);
            if (preferSlots)
            {
                // The preferred slot first: its address does not depend on the control word, so the
                // core reads it (predicted) while the control word is still on its way.
                final int j = preferredSlot(hash);
                final long bit = 0x80L << (j << 3);
                if ((firstMatches & bit) != 0)
                {
                    if (keyEquals(mapping, groupOffset + GROUP_WIDTH + j * slotSize, key, offset, length))
                    {
                        return ((long)groupOffset << 3) | j;
                    }
                    firstMatches &= ~bit;
                }
            }
            for (long match = firstMatches; match != 0; match &= match - 1)
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
        if (shortKeys)
        {
            // A short key is a block in the slot: its length and bytes read with the slot, no other line.
            final int storedLength = mapping.getInt(slot + SHORT_KEY_LENGTH_OFFSET);
            if (storedLength != KEY_IN_BLOCK)
            {
                return storedLength == length && length <= inlineKeyLength &&
                    bytesEqual(mapping, slot + SHORT_KEY_DATA_OFFSET, key, offset, length);
            }
            return length > inlineKeyLength && blockEquals(mapping.getLong(slot + SHORT_KEY_BLOCK_OFFSET), key, offset, length);
        }
        if (!pointerKeys)
        {
            return bytesEqual(mapping, slot + KEY_FIELD_OFFSET, key, offset, length);
        }
        return blockEquals(mapping.getLong(slot + KEY_FIELD_OFFSET), key, offset, length);
    }

    private boolean blockEquals(final long block, final DirectBuffer key, final int offset, final int length)
    {
        // The block's recorded length first: a key of another length is told apart without reading its
        // bytes, and without this thread's flyweight (field), which the lookup's key needs no more.
        final UnsafeBuffer blockMapping = area.mapping(block, BLOCK_DATA_OFFSET);
        final int at = (int)pointerOffset(block);
        final int storedLength = blockMapping.getInt(at + BLOCK_LENGTH_OFFSET);
        if (storedLength != length)
        {
            return false;
        }
        checkBlock(blockMapping, block, at, storedLength);
        return bytesEqual(blockMapping, at + BLOCK_DATA_OFFSET, key, offset, length);
    }

    /**
     * Whether {@code length} bytes of {@code a} and {@code b} are equal: in 8-byte words, the last one overlapping the one
     * before (no loop of single bytes, whose exit a key of random length would mispredict), bytes only under 8.
     */
    private static boolean bytesEqual(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        if (length < Long.BYTES)
        {
            for (int i = 0; i < length; i++)
            {
                if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
                {
                    return false;
                }
            }
            return true;
        }
        final int last = length - Long.BYTES;
        for (int i = 0; i < last; i += Long.BYTES)
        {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i))
            {
                return false;
            }
        }
        return a.getLong(aOffset + last) == b.getLong(bOffset + last);
    }

    /** The hash of the key held by the slot at {@code slot} of {@code mapping}. */
    private long slotHash(final UnsafeBuffer mapping, final int slot)
    {
        if (!pointerKeys && !shortKeys)
        {
            return hashKey(mapping, slot + KEY_FIELD_OFFSET, shape.keySize());
        }
        final DirectBuffer key = keyField(mapping, slot);
        return hashKey(key, 0, key.capacity());
    }

    /** The hash of the encoded key of {@code length} bytes at {@code offset} of {@code key}, as the header says to hash keys. */
    public long hashKey(final DirectBuffer key, final int offset, final int length)
    {
        return utf8Hash ? Hashing.hashUtf8(key, offset, length) : Hashing.hashBytes(key, offset, length);
    }

    // ---------------------------------------------------------------------------------------------
    // Keys and values of maps: the one decoder of fields and blocks
    // ---------------------------------------------------------------------------------------------

    /**
     * The encoded key of the entry at {@code position} of {@code view}: through this thread's flyweight,
     * valid until this thread decodes another key or value of this table. Checked, so that a torn
     * optimistic read throws rather than reads outside its mappings.
     */
    public DirectBuffer key(final View view, final long position)
    {
        return keyField(view.mapping, slotOffset(position));
    }

    /** The encoded value of the entry at {@code position}: as {@link #key}. */
    public DirectBuffer value(final View view, final long position)
    {
        return field(view.mapping, slotOffset(position) + valueOffset, pointerValues, inlineValueLength);
    }

    /** The key of the slot at {@code slot}, decoded by {@link #field}: short mode picks the form first. */
    private DirectBuffer keyField(final UnsafeBuffer mapping, final int slot)
    {
        if (!shortKeys)
        {
            return field(mapping, slot + KEY_FIELD_OFFSET, pointerKeys, shape.keySize());
        }
        final int length = mapping.getInt(slot + SHORT_KEY_LENGTH_OFFSET);
        if (length == KEY_IN_BLOCK)
        {
            return field(mapping, slot + SHORT_KEY_BLOCK_OFFSET, true, 0);
        }
        if (length < 0 || length > inlineKeyLength)
        {
            throw corruptTable(-1, "a slot records a key of " + length + " bytes in a key field of " + shape.keySize() +
                " bytes (0 to " + inlineKeyLength + " fit, " + KEY_IN_BLOCK + " marks a key block)");
        }
        return field(mapping, slot + SHORT_KEY_DATA_OFFSET, false, length);
    }

    /** The key block the full slot at {@code slot} links, or 0 if its key is in the slot. */
    private long keyBlock(final UnsafeBuffer mapping, final int slot)
    {
        if (pointerKeys)
        {
            return mapping.getLong(slot + KEY_FIELD_OFFSET);
        }
        return shortKeys && mapping.getInt(slot + SHORT_KEY_LENGTH_OFFSET) == KEY_IN_BLOCK ?
            mapping.getLong(slot + SHORT_KEY_BLOCK_OFFSET) : 0;
    }

    /**
     * The one decoder of a slot's field (HashDescriptor): this thread's flyweight pointed at the
     * field's bytes, {@code inlineLength} bytes of the slot itself, or in pointer mode the bytes of
     * the block the field names, whose recorded length is checked against the block's mapping.
     */
    private DirectBuffer field(final UnsafeBuffer mapping, final int fieldOffset, final boolean pointer, final int inlineLength)
    {
        final UnsafeBuffer field = fields.get();
        if (!pointer)
        {
            field.wrap(mapping, fieldOffset, inlineLength);
            return field;
        }
        final long block = mapping.getLong(fieldOffset);
        final UnsafeBuffer blockMapping = area.mapping(block, BLOCK_DATA_OFFSET);
        final int at = (int)pointerOffset(block);
        final int length = blockMapping.getInt(at + BLOCK_LENGTH_OFFSET);
        checkBlock(blockMapping, block, at, length);
        field.wrap(blockMapping, at + BLOCK_DATA_OFFSET, length);
        return field;
    }

    /** Refuses a block whose recorded {@code length} reaches past its mapping. */
    private void checkBlock(final UnsafeBuffer blockMapping, final long block, final int at, final int length)
    {
        if (length < 0 || at + blockLength(length) > blockMapping.capacity())
        {
            throw corruptTable(-1, "a block at 0x" + Long.toHexString(block) + " records " + length +
                " bytes, past the end of its segment of " + blockMapping.capacity() + " bytes");
        }
    }

    /** Allocates a block holding the first {@code length} bytes of {@code bytes}; not yet named pending. */
    private long allocateBlock(final DirectBuffer bytes, final int length)
    {
        final long size = blockLength(length);
        final long block;
        try
        {
            block = area.allocate(size, AreaAllocator.NO_OOM);
        }
        catch (final InvalidSizeException ex)
        {
            throw blockOutOfSpace(size, ex);
        }
        if (block == 0)
        {
            throw blockOutOfSpace(size, null);
        }
        final UnsafeBuffer mapping = area.mapping(block, (int)size);
        final int at = (int)pointerOffset(block);
        mapping.putInt(at + BLOCK_LENGTH_OFFSET, length);
        mapping.putBytes(at + BLOCK_DATA_OFFSET, bytes, 0, length);
        return block;
    }

    private void freeBlock(final long block)
    {
        if (block != 0)
        {
            area.free(block);
        }
    }

    private OutOfSpaceException blockOutOfSpace(final long size, final Throwable cause)
    {
        final OutOfSpaceException ex = new OutOfSpaceException("cannot insert into " + description + ": a block of " + size +
            " bytes does not fit its size limit of " + area.sizeLimit() + " bytes (" + area.statistics().reservedBytes() +
            " reserved) or the file system. Remove entries, or create the map with a larger MapOptions.sizeLimit");
        if (cause != null)
        {
            ex.initCause(cause);
        }
        return ex;
    }

    /** An inline value field: the first {@code length} (up to 8) bytes of {@code value}, zero-padded, in platform order. */
    private static long inlineValue(final DirectBuffer value, final int length)
    {
        if (length == Long.BYTES)
        {
            return value.getLong(0);
        }
        long littleEndian = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            littleEndian = (littleEndian << 8) | (value.getByte(i) & 0xFF);
        }
        return NATIVE_LITTLE_ENDIAN ? littleEndian : Long.reverseBytes(littleEndian);
    }

    // ---------------------------------------------------------------------------------------------
    // Writes of maps, under the lock: write protocols 1 to 3
    // ---------------------------------------------------------------------------------------------

    /**
     * Under the lock, for a key {@link #find} did not find: inserts it with its value (write protocol 1),
     * the fields being the first {@code keyLength} bytes of {@code key} and {@code valueLength} bytes of
     * {@code value}, encoded.
     *
     * @throws OutOfSpaceException if a block or the table's growth needs memory past the size limit or the
     *                             file system's; the table is unchanged.
     */
    public void insert(
        final int p, final long hash, final DirectBuffer key, final int keyLength, final DirectBuffer value, final int valueLength)
    {
        final int po = partitionOffset(p);
        long keyBlock = 0;
        long valueBlock = 0;
        final long position;
        try
        {
            if (pointerKeys || shortKeys && keyLength > inlineKeyLength)
            {
                keyBlock = allocateBlock(key, keyLength);
                // Release: named before a slot can link it, so that a taker frees it unless one does.
                header.putLongRelease(po + PENDING_KEY_OFFSET, keyBlock);
            }
            if (pointerValues)
            {
                valueBlock = allocateBlock(value, valueLength);
                // Release: as the key block.
                header.putLongRelease(po + PENDING_VALUE_OFFSET, valueBlock);
            }
            position = claim(p, hash);
        }
        catch (final RuntimeException | Error ex)
        {
            clearPendingBlocks(po);
            freeBlock(keyBlock);
            freeBlock(valueBlock);
            throw ex;
        }
        final View view = views[p];
        final int slot = slotOffset(position);
        final long version = versionAddress(p);
        SeqLock.beginWrite(version);
        writeKey(view.mapping, slot, key, keyLength, keyBlock);
        view.mapping.putLong(slot + valueOffset, pointerValues ? valueBlock : inlineValue(value, valueLength));
        publish(p, view, position, hash);
        SeqLock.endWrite(version);
        if (keyBlock != 0 || valueBlock != 0)
        {
            clearPendingBlocks(po);
        }
    }

    /** The key field of a slot being inserted: its key block if it has one, else its bytes in the slot. */
    private void writeKey(final UnsafeBuffer mapping, final int slot, final DirectBuffer key, final int keyLength, final long keyBlock)
    {
        if (pointerKeys)
        {
            mapping.putLong(slot + KEY_FIELD_OFFSET, keyBlock);
        }
        else if (!shortKeys)
        {
            mapping.putBytes(slot + KEY_FIELD_OFFSET, key, 0, keyLength);
        }
        else if (keyBlock != 0)
        {
            mapping.putInt(slot + SHORT_KEY_LENGTH_OFFSET, KEY_IN_BLOCK);
            mapping.putLong(slot + SHORT_KEY_BLOCK_OFFSET, keyBlock);
        }
        else
        {
            mapping.putInt(slot + SHORT_KEY_LENGTH_OFFSET, keyLength);
            mapping.putBytes(slot + SHORT_KEY_DATA_OFFSET, key, 0, keyLength);
        }
    }

    /** {@link #insert} into a table of 16-byte slots (Long -> Long): no blocks, no buffers. */
    public void insertLong(final int p, final long hash, final long key, final long value)
    {
        final long position = claim(p, hash);
        final View view = views[p];
        final int slot = slotOffset(position);
        final long version = versionAddress(p);
        SeqLock.beginWrite(version);
        view.mapping.putLong(slot + KEY_FIELD_OFFSET, key);
        view.mapping.putLong(slot + valueOffset, value);
        publish(p, view, position, hash);
        SeqLock.endWrite(version);
    }

    /**
     * Under the lock: replaces the value of the entry at {@code position} with {@code valueLength} bytes
     * of {@code value}, encoded (write protocol 2).
     *
     * @throws OutOfSpaceException if a new value block needs memory past the size limit; the entry is unchanged.
     */
    public void replaceValue(final int p, final View view, final long position, final DirectBuffer value, final int valueLength)
    {
        final int field = slotOffset(position) + valueOffset;
        if (!pointerValues)
        {
            replaceField(p, view, field, inlineValue(value, valueLength));
            return;
        }
        final int po = partitionOffset(p);
        final long block = allocateBlock(value, valueLength);
        // Release: named before the slot links it.
        header.putLongRelease(po + PENDING_VALUE_OFFSET, block);
        final long old = view.mapping.getLong(field);
        replaceField(p, view, field, block);
        clearPendingBlocks(po);
        area.free(old);
    }

    /**
     * {@link #replaceValue} of an 8-byte inline value (Long -> Long, or any map of {@code Codec.LONG} values),
     * under the lock, at a position a find returned: one store inside an odd version.
     */
    public void replaceLong(final int p, final View view, final long position, final long value)
    {
        replaceField(p, view, slotOffset(position) + valueOffset, value);
    }

    /** The 8-byte inline value at {@code position} of {@code view}, in the platform's order ({@code Codec.LONG}'s encoding). */
    public long inlineLong(final View view, final long position)
    {
        return view.mapping.getLong(slotOffset(position) + valueOffset);
    }

    /** A value field's one 8-byte store, inside an odd version. */
    private void replaceField(final int p, final View view, final int field, final long bits)
    {
        final long version = versionAddress(p);
        SeqLock.beginWrite(version);
        view.mapping.putLong(field, bits);
        SeqLock.endWrite(version);
    }

    /** Under the lock: deletes the entry at {@code position} and frees its blocks (write protocol 3). */
    public void delete(final int p, final View view, final long position)
    {
        final int slot = slotOffset(position);
        final long keyBlock = keyBlock(view.mapping, slot);
        final long valueBlock = pointerValues ? view.mapping.getLong(slot + valueOffset) : 0;
        final long version = versionAddress(p);
        SeqLock.beginWrite(version);
        unlink(p, view, position);
        SeqLock.endWrite(version);
        // Unlinked first: a crash between the two leaks these blocks, never leaves a slot pointing at freed memory.
        freeBlock(keyBlock);
        freeBlock(valueBlock);
    }

    /** Forgets the pending key and value blocks of partition {@code po}: linked, or about to be freed. */
    private void clearPendingBlocks(final int po)
    {
        // Release: forgotten only after the write that linked them. (A failed insert and a repair forget
        // them before they free them: a crash in between leaks them rather than leave them to be freed twice.)
        header.putLongRelease(po + PENDING_KEY_OFFSET, 0);
        header.putLongRelease(po + PENDING_VALUE_OFFSET, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // Entry writes of SharedHash, under the lock: write protocol 4
    // ---------------------------------------------------------------------------------------------

    /** Under the lock: opens a write in which the caller changes entries' bytes itself; lock-free readers wait for its end. */
    public void beginEntryWrite(final int p)
    {
        SeqLock.beginWrite(versionAddress(p));
    }

    /**
     * Under the lock, for a key {@link #find} did not find: inserts a zeroed entry whose key is the first
     * {@code keyLength} bytes of {@code key}, and opens an entry write, which the caller ends with
     * {@link #endEntryWrite}.
     *
     * @return the entry's position in {@link #view}{@code (p)}.
     * @throws OutOfSpaceException if the table must grow and has no room; the table is unchanged and no write is open.
     */
    public long insertEntry(final int p, final long hash, final DirectBuffer key, final int keyLength)
    {
        final long position = claim(p, hash);
        final View view = views[p];
        final int slot = slotOffset(position);
        beginEntryWrite(p);
        view.mapping.setMemory(slot, slotSize, (byte)0);
        view.mapping.putBytes(slot + KEY_FIELD_OFFSET, key, 0, keyLength);
        publish(p, view, position, hash);
        return position;
    }

    /** Inside an entry write: deletes the entry at {@code position} (entries of SharedHash have no blocks). */
    public void deleteInEntryWrite(final int p, final View view, final long position)
    {
        unlink(p, view, position);
    }

    /** Ends the entry write {@link #beginEntryWrite} or {@link #insertEntry} opened. */
    public void endEntryWrite(final int p)
    {
        SeqLock.endWrite(versionAddress(p));
    }

    // ---------------------------------------------------------------------------------------------
    // Slots: claim, publish, unlink, growth
    // ---------------------------------------------------------------------------------------------

    /**
     * Under the lock, for a key that is absent: the position of a free slot for it, growing the
     * partition's table first if it is full (which replaces {@code views[p]}).
     *
     * @throws OutOfSpaceException if growth needs memory past the size limit or the file system's.
     */
    private long claim(final int p, final long hash)
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
            if (preferSlots && (free & (0x80L << (preferredSlot(hash) << 3))) != 0)
            {
                return ((long)groupOffset << 3) | preferredSlot(hash);
            }
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

    /** Inside a write: makes the filled slot at {@code position} an entry (its control byte last) and counts it. */
    private void publish(final int p, final View view, final long position, final long hash)
    {
        final int po = partitionOffset(p);
        final int ctrl = ctrlOffset(position);
        if (view.mapping.getByte(ctrl) == CTRL_DELETED)
        {
            header.putInt(po + TOMBSTONES_OFFSET, header.getInt(po + TOMBSTONES_OFFSET) - 1);
        }
        // Volatile: the slot's fields, written before, are complete when the entry appears.
        view.mapping.putByteVolatile(ctrl, (byte)(hash & 0x7F));
        // Release: size() never counts an entry before its control byte.
        header.putIntRelease(po + LIVE_OFFSET, header.getInt(po + LIVE_OFFSET) + 1);
    }

    /** Inside a write: removes the entry at {@code position} from its table and counts it. */
    private void unlink(final int p, final View view, final long position)
    {
        final int po = partitionOffset(p);
        final int groupOffset = (int)(position >>> 3);
        // A group that still has an empty slot never made a probe go past it: no tombstone needed.
        final boolean empty = matchEmpty(view.mapping.getLong(groupOffset, ORDER)) != 0;
        // Volatile: one store removes the entry, before its blocks may be freed.
        view.mapping.putByteVolatile(ctrlOffset(position), empty ? CTRL_EMPTY : CTRL_DELETED);
        if (!empty)
        {
            header.putInt(po + TOMBSTONES_OFFSET, header.getInt(po + TOMBSTONES_OFFSET) + 1);
        }
        // Release: after the control byte, as in publish.
        header.putIntRelease(po + LIVE_OFFSET, header.getInt(po + LIVE_OFFSET) - 1);
    }

    /**
     * Slots of every partition's table in a map sized for {@code expectedEntries}: room for the
     * partition's share of them plus three standard deviations of a binomial share (with 128
     * partitions, about one map in six then has a partition that grows once), below the load of 0.8
     * at which a table grows. 0 for a map not sized up front; -1 if such a table would take 1 GiB or
     * more (the most a table may have), for {@code expectedEntries} out of reach of this many partitions.
     */
    public static int expectedCapacity(final long expectedEntries, final int partitions, final int slotSize)
    {
        if (expectedEntries == 0)
        {
            return 0;
        }
        final double share = (double)expectedEntries / partitions;
        final double slots = Math.ceil((Math.ceil(share + 3 * Math.sqrt(share)) + 1) * 5 / 4);
        if (slots > Integer.MAX_VALUE - GROUP_WIDTH)
        {
            return -1;
        }
        final int capacity = ((int)slots + GROUP_WIDTH - 1) & -GROUP_WIDTH;
        return tableLength(capacity, slotSize) < AreaAllocator.HUGE_THRESHOLD ? capacity : -1;
    }

    /** Slots after growth: the load drops to 0.8 / 1.5 = 0.53 of the new capacity. */
    static int capacityFor(final int entries)
    {
        final long slots = Math.max(GROUP_WIDTH, ((long)entries * 15 + 7) / 8);
        return (int)Math.min((slots + GROUP_WIDTH - 1) & -GROUP_WIDTH, Integer.MAX_VALUE & -GROUP_WIDTH);
    }

    /** A view of the table of {@code capacity} slots just allocated at {@code pointer}, its header written and every group empty. */
    private View newTable(final int p, final long resizeCount, final long pointer, final long length, final int capacity)
    {
        final UnsafeBuffer mapping = area.mapping(pointer, (int)length);
        final int base = (int)pointerOffset(pointer);
        mapping.putInt(base + TABLE_CAPACITY_OFFSET, capacity);
        mapping.putInt(base + TABLE_SLOT_SIZE_OFFSET, slotSize);
        mapping.putInt(base + TABLE_MAGIC_OFFSET, TABLE_MAGIC);
        mapping.putInt(base + TABLE_PARTITION_OFFSET, p);
        final View table = newView(p, resizeCount, pointer, mapping, base + TABLE_HEADER_LENGTH, capacity / GROUP_WIDTH);
        for (int g = 0; g < table.groups; g++)
        {
            mapping.putLong(table.groupsOffset + g * groupLength, ALL_EMPTY);
        }
        return table;
    }

    /** Under the lock: write protocol 5. */
    private View grow(final int p, final View old, final int live)
    {
        final int po = partitionOffset(p);
        final int capacity = Math.max(capacityFor(live + 1), minimumCapacity);
        final long length = tableLength(capacity, slotSize);
        final long pointer;
        try
        {
            pointer = length > Integer.MAX_VALUE ? 0 : area.allocate(length, AreaAllocator.NO_OOM);
        }
        catch (final InvalidSizeException ex)
        {
            throw tableOutOfSpace(p, length, live, ex);
        }
        if (pointer == 0)
        {
            throw tableOutOfSpace(p, length, live, null);
        }
        // Release: named before it is filled, so that a taker frees it unless it was linked.
        header.putLongRelease(po + PENDING_TABLE_OFFSET, pointer);
        final View grown = newTable(p, old.resizeCount + 1, pointer, length, capacity);
        try
        {
            rehash(old, grown);
        }
        catch (final RuntimeException | Error ex)
        {
            // A damaged key in the old table: the grown one is abandoned before the swap, so it is
            // unnamed and freed here (as a failed insert's blocks) rather than left for a taker that never comes.
            header.putLongRelease(po + PENDING_TABLE_OFFSET, 0);
            area.free(pointer);
            throw ex;
        }
        final long version = versionAddress(p);
        SeqLock.beginWrite(version);
        header.putLong(po + RESIZE_COUNT_OFFSET, grown.resizeCount);
        header.putLong(po + TABLE_OFFSET, pointer);
        header.putInt(po + TOMBSTONES_OFFSET, 0);
        SeqLock.endWrite(version);
        // Release: forgotten only after the swap linked it.
        header.putLongRelease(po + PENDING_TABLE_OFFSET, 0);
        views[p] = grown;
        if (old.pointer != 0)
        {
            area.free(old.pointer);
        }
        return grown;
    }

    /** Copies every entry of {@code old} into {@code grown}, which is empty and not yet linked. */
    private void rehash(final View old, final View grown)
    {
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
                    grown.mapping.putBytes(slotOffset(position), old.mapping, slot, slotSize);
                    grown.mapping.putByte(ctrlOffset(position), ctrl);
                }
            }
        }
    }

    private OutOfSpaceException tableOutOfSpace(final int p, final long length, final int live, final Throwable cause)
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
     * Takes each partition's lock in turn and checks its table (control bytes, counts, every entry in
     * its partition and reachable from its home group, no key twice, blocks valid), then the area: the
     * one verify of hashes and maps.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    public void verify()
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
                problems.add("partition " + p + ": " + withoutRemedy(ex));
            }
            finally
            {
                unlock(p);
            }
        }
        problems.addAll(area.verify());
        if (!problems.isEmpty())
        {
            throw new CorruptFileException(description + " is inconsistent: " + String.join("; ", problems) +
                ". " + HeaderedFile.REMOVE_ENTRY);
        }
    }

    /**
     * The check of tools that only look: each partition is read under its seqlock without its lock
     * (bounded attempts), then the area is inspected the same way ({@link AreaAllocator#inspect}).
     * A partition a live process keeps locked is reported with its holder and skipped; one a dead
     * process left locked, or mid-write, is reported as repairable. Nothing is written.
     *
     * @return one finding per problem, prefixed by what it concerns; empty when consistent.
     */
    public List<String> inspect()
    {
        final List<String> findings = new ArrayList<>();
        for (int p = 0; p < locks.length; p++)
        {
            final String finding = inspectPartition(p, findings);
            if (finding != null)
            {
                findings.add(finding);
            }
        }
        for (final String finding : area.inspect())
        {
            findings.add("its area: " + finding);
        }
        return findings;
    }

    /** Checks partition {@code p} into {@code problems} under its seqlock; returns why it could not, or null. */
    private String inspectPartition(final int p, final List<String> problems)
    {
        final long version = versionAddress(p);
        long holder = 0;
        for (int attempt = 0; attempt < INSPECT_ATTEMPTS; attempt++)
        {
            if (attempt > 0)
            {
                LockSupport.parkNanos(INSPECT_PAUSE_NANOS);
            }
            holder = locks[p].word();
            if (holder != 0 && !SharedMutex.isOwnerAlive(holder))
            {
                return "partition " + p + " is locked by " + SharedMutex.describeHolder(holder) + ", which died " +
                    "inside a write; repairable: the next write to the partition repairs it, or run dsmreg repair " +
                    "(DsmRegistry.repair)";
            }
            if (holder != 0)
            {
                continue;
            }
            final long before = SeqLock.beginRead(version);
            if (SeqLock.isWriting(before))
            {
                if (locks[p].word() == 0 && SeqLock.version(version) == before)
                {
                    return "partition " + p + " was left mid-write (its version " + before + " is odd and nobody holds " +
                        "its lock); repairable: the next write to the partition repairs it, or run dsmreg repair " +
                        "(DsmRegistry.repair)";
                }
                continue;
            }
            final List<String> found = new ArrayList<>();
            try
            {
                verifyPartition(p, found);
            }
            catch (final RuntimeException ex)
            {
                found.add("partition " + p + ": " + withoutRemedy(ex));
            }
            if (SeqLock.validate(version, before))
            {
                problems.addAll(found);
                return null;
            }
        }
        return holder != 0 ?
            "partition " + p + " is locked by " + SharedMutex.describeHolder(holder) + " for the whole check (" +
                INSPECT_ATTEMPTS + " attempts); it was not checked: run verify again when it is idle" :
            "partition " + p + " kept changing while it was checked (" + INSPECT_ATTEMPTS + " attempts); run verify " +
                "again when it is idle";
    }

    /**
     * Takes each partition's lock in turn (bounded by the timeout), which repairs what a dead writer
     * left, then repairs the area: what {@code dsmreg repair} does for a hash or map.
     *
     * @return what was repaired, one sentence each; empty when nothing needed it.
     */
    public List<String> repair()
    {
        final List<String> repaired = new ArrayList<>();
        for (int p = 0; p < locks.length; p++)
        {
            final String partition = lockRepairing(p);
            unlock(p);
            if (partition != null)
            {
                repaired.add(partition);
            }
        }
        for (final String fixed : area.repair())
        {
            repaired.add("its area: " + fixed);
        }
        return repaired;
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
            try
            {
                verifySlot(p, view, ((long)groupOffset << 3) | (i & 7), ctrl, problems);
            }
            catch (final CorruptFileException ex)
            {
                // One damaged key or block is reported, and the slots after it are still checked.
                problems.add("partition " + p + " slot " + i + ": " + withoutRemedy(ex));
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

    /** Checks the entry at {@code position}: its hash, that its key is found there and only there, its blocks. */
    private void verifySlot(final int p, final View view, final long position, final byte ctrl, final List<String> problems)
    {
        final int slot = slotOffset(position);
        final int i = indexOf(view, position);
        final long hash = slotHash(view.mapping, slot);
        if (partition(hash) != p || (hash & 0x7F) != ctrl)
        {
            problems.add("partition " + p + " slot " + i + " holds a key of partition " + partition(hash) +
                " or with a wrong tag");
            return;
        }
        final long found = pointerKeys || shortKeys ?
            findDecodedKey(view, hash, key(view, position)) : find(view, hash, view.mapping, slot + KEY_FIELD_OFFSET, shape.keySize());
        if (found < 0 || slotOffset(found) != slot)
        {
            problems.add("partition " + p + " slot " + i + (found < 0 ? " is not reachable from its home group" :
                " holds a key that slot " + indexOf(view, found) + " also holds"));
        }
        if (pointerValues)
        {
            // Decoding checks the value block: its pointer, and its length against its segment.
            value(view, position);
        }
    }

    /** A damage report without the advice that ends it, which verify gives once for all of them. */
    private static String withoutRemedy(final RuntimeException ex)
    {
        final String message = ex.getMessage();
        final String remedy = ". " + HeaderedFile.REMOVE_ENTRY;
        if (message == null)
        {
            return ex.toString();
        }
        return message.endsWith(remedy) ? message.substring(0, message.length() - remedy.length()) : message;
    }

    /** {@link #find} of a key decoded from this table: copied first, since the probe decodes keys through the same flyweight. */
    private long findDecodedKey(final View view, final long hash, final DirectBuffer key)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[key.capacity()]);
        copy.putBytes(0, key, 0, key.capacity());
        return find(view, hash, copy, 0, copy.capacity());
    }

    private CorruptFileException corruptTable(final int p, final String problem)
    {
        return new CorruptFileException(description + " is corrupt" + (p >= 0 ? " in partition " + p : "") + ": " + problem +
            ". " + HeaderedFile.REMOVE_ENTRY);
    }
}
