package io.dsmreg.internal.hash;

import io.dsmreg.CorruptFileException;
import io.dsmreg.HashParams;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.SharedHash;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A named shared hash table: PostgreSQL's dshash for JVM processes.
 * <pre>{@code
 * SharedHash index = registry.hash("orders.index", HashParams.of(8, 24));
 * try (SharedHash.Entry e = index.findOrInsert(42L))          // locked until closed
 * {
 *     e.buffer().getAndAddLong(8, 1);                          // bytes 0..7 are the key
 * }
 * try (SharedHash.Entry e = index.find(42L, false))           // a consistent copy, no lock held
 * {
 *     long hits = e == null ? 0 : e.buffer().getLong(8);
 * }
 * }</pre>
 * Entries have a fixed size and begin with their key. The table is split into partitions, each
 * with its own lock in shared memory and its own bucket table, which grows by half when it is 80%
 * full without holding up readers. An exclusive {@link Entry} holds its partition's lock until it is
 * closed: keep it short, and do not ask for another entry of the same table while holding one
 * (the same partition would wait for itself; this is detected and refused). A shared find takes no
 * lock at all: it copies the entry while no writer intervenes, which PostgreSQL's shared lock
 * gives by blocking writers instead.
 * <p>
 * Thread-safe, and safe across processes: a process that dies holding a partition is detected by
 * the next one that needs it, which takes the lock over and repairs the partition (an entry whose
 * bytes the dead process was writing keeps what it wrote). One instance per hash per process:
 * asking the registry again returns this instance.
 * <p>
 * This class is dshash's semantics; the {@link HashTable} runs every write: an exclusive entry or
 * scan holds one of its entry writes open ({@link HashTable#beginEntryWrite},
 * {@link HashTable#insertEntry} ... {@link HashTable#endEntryWrite}), and a delete by key is one
 * {@link HashTable#delete}.
 */
public final class HashHandle extends CachedHandle implements SharedHash, HashKind.TableHandle
{
    private static final UnsafeBuffer CLOSED = new UnsafeBuffer(new byte[0]);

    private final HashParams params;
    private final HashTable table;
    private final int keySize;
    private final int entrySize;
    private final ThreadLocal<UnsafeBuffer> keys;
    /** What an optimistic find returns when writers kept intervening: take the lock. */
    private final Entry notDecided = new Entry();

    HashHandle(final String name, final HashParams params, final HashTable table, final EntryGeneration entry)
    {
        super(name, entry);
        this.params = params;
        this.table = table;
        this.keySize = params.keySize();
        this.entrySize = params.entrySize();
        this.keys = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[(keySize + 7) & -8]));
    }

    public String name()
    {
        return entryName;
    }

    public HashParams params()
    {
        return params;
    }

    // ---------------------------------------------------------------------------------------------
    // Find, insert, delete
    // ---------------------------------------------------------------------------------------------

    /**
     * The entry whose key is the first {@code keySize} bytes of {@code key}: dshash_find.
     *
     * @param exclusive true: the entry stays locked, and writable, until closed. false: a copy read
     *                  without locks, consistent at one instant; writing it changes nothing shared.
     * @return the entry, or null if there is none.
     */
    public Entry find(final DirectBuffer key, final boolean exclusive)
    {
        final UnsafeBuffer normalized = normalize(key);
        return find(Hashing.hashBytes(normalized, 0, keySize), normalized, exclusive);
    }

    /** {@link #find(DirectBuffer, boolean)} with a string key: UTF-8, NUL-padded to the key size. */
    public Entry find(final String key, final boolean exclusive)
    {
        final UnsafeBuffer encoded = encode(key);
        return find(Hashing.hashBytes(encoded, 0, keySize), encoded, exclusive);
    }

    /** {@link #find(DirectBuffer, boolean)} with an 8-byte key, for tables whose keys have 8 bytes. */
    public Entry find(final long key, final boolean exclusive)
    {
        final UnsafeBuffer encoded = encode(key);
        return find(Hashing.hashLong(key), encoded, exclusive);
    }

    /**
     * The entry with this key, inserted if absent (zeroed after the key; {@link Entry#found()} is
     * false): dshash_find_or_insert. The entry stays locked until closed.
     *
     * @throws OutOfSpaceException if the table must grow and its size limit or the file system leaves no room.
     */
    public Entry findOrInsert(final DirectBuffer key)
    {
        final UnsafeBuffer normalized = normalize(key);
        return findOrInsert(Hashing.hashBytes(normalized, 0, keySize), normalized);
    }

    /** {@link #findOrInsert(DirectBuffer)} with a string key. */
    public Entry findOrInsert(final String key)
    {
        final UnsafeBuffer encoded = encode(key);
        return findOrInsert(Hashing.hashBytes(encoded, 0, keySize), encoded);
    }

    /** {@link #findOrInsert(DirectBuffer)} with an 8-byte key. */
    public Entry findOrInsert(final long key)
    {
        final UnsafeBuffer encoded = encode(key);
        return findOrInsert(Hashing.hashLong(key), encoded);
    }

    /** Deletes the entry with this key: dshash_delete_key. @return whether there was one. */
    public boolean delete(final DirectBuffer key)
    {
        final UnsafeBuffer normalized = normalize(key);
        return delete(Hashing.hashBytes(normalized, 0, keySize), normalized);
    }

    /** {@link #delete(DirectBuffer)} with a string key. */
    public boolean delete(final String key)
    {
        final UnsafeBuffer encoded = encode(key);
        return delete(Hashing.hashBytes(encoded, 0, keySize), encoded);
    }

    /** {@link #delete(DirectBuffer)} with an 8-byte key. */
    public boolean delete(final long key)
    {
        final UnsafeBuffer encoded = encode(key);
        return delete(Hashing.hashLong(key), encoded);
    }

    /** Entries in the table, read without locks: exact when no one is changing it. */
    public long size()
    {
        return table.size();
    }

    /**
     * A scan of every entry, one partition at a time (dshash_seq_init). Entries inserted or deleted
     * during the scan in partitions it has not reached yet are seen or not seen accordingly.
     *
     * @param exclusive true: each partition is locked while the scan is in it, its entries are
     *                  writable and {@link Scan#deleteCurrent()} is allowed. false: other writers of the
     *                  partition wait too, but readers do not, and {@link Scan#buffer()} is a copy.
     */
    public Scan scan(final boolean exclusive)
    {
        return new Scan(exclusive);
    }

    // ---------------------------------------------------------------------------------------------
    // Memory, checks
    // ---------------------------------------------------------------------------------------------

    /** Bytes of all of the hash's files (its area and its header file); read without locks. */
    public long reservedBytes()
    {
        return table.reservedBytes();
    }

    /** Bytes of the area in use by the bucket tables; read without locks. */
    public long bytesInUse()
    {
        return table.bytesInUse();
    }

    /**
     * Checks every partition (locking each in turn) and the area under it: for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    public void verify()
    {
        table.verify();
    }

    @Override
    public HashTable table()
    {
        return table;
    }

    @Override
    public String toString()
    {
        return "SharedHash{name=\"" + entryName + "\", " + HashKind.shapeOf(params).describe() + ", size=" + size() + '}';
    }

    // ---------------------------------------------------------------------------------------------
    // Implementation
    // ---------------------------------------------------------------------------------------------

    private Entry find(final long hash, final UnsafeBuffer key, final boolean exclusive)
    {
        final int p = table.partition(hash);
        if (!exclusive)
        {
            final Entry copy = findCopy(p, hash, key);
            if (copy != notDecided)
            {
                return copy;
            }
        }
        table.lockForCaller(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = table.find(view, hash, key, 0, keySize);
            if (position < 0)
            {
                table.unlockForCaller(p);
                return null;
            }
            if (!exclusive)
            {
                final Entry copy = copyOf(view.mapping(), table.slotOffset(position));
                table.unlockForCaller(p);
                return copy;
            }
            table.beginEntryWrite(p);
            return new Entry(p, view, position, true);
        }
        catch (final RuntimeException | Error ex)
        {
            table.unlockForCaller(p);
            throw ex;
        }
    }

    /** An optimistic copy, null if absent, or notDecided when writers kept intervening. */
    private Entry findCopy(final int p, final long hash, final UnsafeBuffer key)
    {
        return table.readOptimistically(p, key, (view, k) ->
        {
            final long position = table.find(view, hash, k, 0, keySize);
            return position < 0 ? null : copyOf(view.mapping(), table.slotOffset(position));
        }, notDecided);
    }

    private Entry copyOf(final UnsafeBuffer mapping, final int slot)
    {
        final byte[] bytes = new byte[(entrySize + 7) & -8];
        mapping.getBytes(slot, bytes, 0, entrySize);
        return new Entry(new UnsafeBuffer(bytes, 0, entrySize));
    }

    private Entry findOrInsert(final long hash, final UnsafeBuffer key)
    {
        final int p = table.partition(hash);
        table.lockForCaller(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = table.find(view, hash, key, 0, keySize);
            if (position >= 0)
            {
                table.beginEntryWrite(p);
                return new Entry(p, view, position, true);
            }
            final long inserted = table.insertEntry(p, hash, key, keySize);
            return new Entry(p, table.view(p), inserted, false);
        }
        catch (final RuntimeException | Error ex)
        {
            table.unlockForCaller(p);
            throw ex;
        }
    }

    private boolean delete(final long hash, final UnsafeBuffer key)
    {
        final int p = table.partition(hash);
        table.lockForCaller(p);
        try
        {
            final HashTable.View view = table.view(p);
            final long position = table.find(view, hash, key, 0, keySize);
            if (position < 0)
            {
                return false;
            }
            table.delete(p, view, position);
            return true;
        }
        finally
        {
            table.unlockForCaller(p);
        }
    }

    private UnsafeBuffer normalize(final DirectBuffer key)
    {
        if (key.capacity() < keySize)
        {
            throw new InvalidSizeException("the key buffer has " + key.capacity() + " bytes but hash \"" + entryName +
                "\" has keys of " + keySize + " bytes; pass a buffer whose first " + keySize + " bytes are the key");
        }
        final UnsafeBuffer scratch = keys.get();
        if (params.hasStringKeys())
        {
            int length = 0;
            while (length < keySize && key.getByte(length) != 0)
            {
                length++;
            }
            scratch.setMemory(0, scratch.capacity(), (byte)0);
            scratch.putBytes(0, key, 0, length);
        }
        else
        {
            scratch.putBytes(0, key, 0, keySize);
        }
        return scratch;
    }

    private UnsafeBuffer encode(final String key)
    {
        final int unpaired = StrictUtf8.unpairedSurrogate(key);
        if (unpaired >= 0)
        {
            throw StrictUtf8.notEncodable(key, unpaired, "pass its bytes as a DirectBuffer to hash \"" + entryName + "\"");
        }
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > keySize)
        {
            throw new InvalidSizeException("the key \"" + key + "\" has " + bytes.length + " bytes of UTF-8 but hash \"" + entryName +
                "\" has keys of at most " + keySize + " bytes");
        }
        for (final byte b : bytes)
        {
            if (b == 0)
            {
                throw new IllegalArgumentException("a string key cannot hold the NUL character, which ends it: \"" + key + "\"");
            }
        }
        final UnsafeBuffer scratch = keys.get();
        scratch.setMemory(0, scratch.capacity(), (byte)0);
        scratch.putBytes(0, bytes);
        return scratch;
    }

    private UnsafeBuffer encode(final long key)
    {
        if (keySize != Long.BYTES)
        {
            throw new InvalidSizeException("a long key has 8 bytes but hash \"" + entryName + "\" has keys of " + keySize +
                " bytes; pass the key as a buffer");
        }
        final UnsafeBuffer scratch = keys.get();
        scratch.putLong(0, key);
        return scratch;
    }

    /**
     * One entry: an exclusive one holds its partition's lock until {@link #close()}; a shared one
     * is a copy and holds nothing. Use it from one thread, and not after closing it.
     */
    public final class Entry implements SharedHash.Entry
    {
        private final int partition;
        private final HashTable.View view;
        private final long position;
        private final boolean found;
        private final UnsafeBuffer buffer;
        private boolean closed;

        private Entry(final int partition, final HashTable.View view, final long position, final boolean found)
        {
            this.partition = partition;
            this.view = view;
            this.position = position;
            this.found = found;
            this.buffer = new UnsafeBuffer(view.mapping(), table.slotOffset(position), entrySize);
        }

        private Entry(final UnsafeBuffer copy)
        {
            this.partition = -1;
            this.view = null;
            this.position = -1;
            this.found = true;
            this.buffer = copy;
        }

        private Entry()
        {
            this(CLOSED);
        }

        /** False only for an entry {@link #findOrInsert} just inserted. */
        public boolean found()
        {
            return found;
        }

        /** Whether this entry holds its partition's lock (until closed). */
        public boolean isExclusive()
        {
            return partition >= 0;
        }

        /**
         * The entry's bytes, key first: shared memory for an exclusive entry (8-aligned, so atomic
         * operations work at aligned offsets), a copy for a shared one. Do not change the key.
         */
        public UnsafeBuffer buffer()
        {
            return buffer;
        }

        /** Deletes this exclusive entry (dshash_delete_entry); the entry is closed. */
        public void delete()
        {
            if (!isExclusive() || closed)
            {
                throw new IllegalStateException("only an open exclusive entry can be deleted");
            }
            table.deleteInEntryWrite(partition, view, position);
            close();
        }

        /** Releases the partition's lock of an exclusive entry; the buffer is then empty. */
        @Override
        public void close()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            if (isExclusive())
            {
                buffer.wrap(CLOSED);
                table.endEntryWrite(partition);
                table.unlockForCaller(partition);
            }
        }
    }

    /** A scan over all entries: {@code while (scan.next()) { scan.buffer()... }}; close it to release its lock. */
    public final class Scan implements SharedHash.Scan
    {
        private final boolean exclusive;
        private final UnsafeBuffer buffer = new UnsafeBuffer(CLOSED);
        private final UnsafeBuffer copy = new UnsafeBuffer(new byte[(entrySize + 7) & -8], 0, entrySize);
        private int partition = -1;
        private boolean holding;
        private HashTable.View view;
        private long position = -1;
        private int nextIndex;

        private Scan(final boolean exclusive)
        {
            this.exclusive = exclusive;
        }

        /** Moves to the next entry; false when there are no more (the scan then holds no lock). */
        public boolean next()
        {
            while (true)
            {
                if (holding)
                {
                    position = table.nextEntry(view, nextIndex);
                    if (position >= 0)
                    {
                        nextIndex = table.indexOf(view, position) + 1;
                        final int slot = table.slotOffset(position);
                        if (exclusive)
                        {
                            buffer.wrap(view.mapping(), slot, entrySize);
                        }
                        else
                        {
                            view.mapping().getBytes(slot, copy, 0, entrySize);
                            buffer.wrap(copy);
                        }
                        return true;
                    }
                    leave();
                }
                if (partition + 1 >= table.partitions())
                {
                    partition = table.partitions();
                    return false;
                }
                partition++;
                table.lockForCaller(partition);
                holding = true;
                if (exclusive)
                {
                    table.beginEntryWrite(partition);
                }
                view = table.view(partition);
                nextIndex = 0;
            }
        }

        /** The current entry: shared memory in an exclusive scan, a copy otherwise. */
        public UnsafeBuffer buffer()
        {
            return buffer;
        }

        /** Deletes the current entry (exclusive scans only): dshash_delete_current. */
        public void deleteCurrent()
        {
            if (!exclusive || !holding || position < 0)
            {
                throw new IllegalStateException("deleteCurrent needs an exclusive scan positioned on an entry");
            }
            table.deleteInEntryWrite(partition, view, position);
            position = -1;
            buffer.wrap(CLOSED);
        }

        @Override
        public void close()
        {
            if (holding)
            {
                leave();
            }
            partition = table.partitions();
        }

        private void leave()
        {
            holding = false;
            position = -1;
            buffer.wrap(CLOSED);
            if (exclusive)
            {
                table.endEntryWrite(partition);
            }
            table.unlockForCaller(partition);
        }
    }
}
