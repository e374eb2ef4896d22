package io.dsmreg;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

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
 */
public interface SharedHash
{
    /**
     * The entry's name in the registry.
     *
     * @return the name it is registered under.
     */
    String name();

    /**
     * The parameters the hash was created with.
     *
     * @return the hash's parameters, whoever created it.
     */
    HashParams params();

    /**
     * The entry whose key is the first {@code keySize} bytes of {@code key}: dshash_find.
     *
     * @param key       holds the key at index 0; for string keys, the bytes up to the first NUL count.
     * @param exclusive true: the entry stays locked, and writable, until closed. false: a copy read
     *                  without locks, consistent at one instant; writing it changes nothing shared.
     * @return the entry, or null if there is none.
     * @throws InvalidSizeException  if {@code key} has fewer than {@code keySize} bytes.
     * @throws IllegalStateException if this thread holds an entry or scan in the key's partition.
     * @throws LockTimeoutException  if another process held the key's partition longer than the registry's timeout.
     */
    Entry find(DirectBuffer key, boolean exclusive);

    /**
     * {@link #find(DirectBuffer, boolean)} with a string key: UTF-8, NUL-padded to the key size.
     *
     * @param key       the key; at most {@code keySize} bytes of UTF-8, without NUL characters.
     * @param exclusive as {@link #find(DirectBuffer, boolean)}.
     * @return the entry, or null if there is none.
     * @throws InvalidSizeException     if the key has more than {@code keySize} bytes of UTF-8.
     * @throws IllegalArgumentException if the key holds a NUL character or an unpaired surrogate (no UTF-8 encoding).
     * @throws IllegalStateException    if this thread holds an entry or scan in the key's partition.
     * @throws LockTimeoutException     if another process held the key's partition longer than the registry's
     *                                  timeout.
     */
    Entry find(String key, boolean exclusive);

    /**
     * {@link #find(DirectBuffer, boolean)} with an 8-byte key, for tables whose keys have 8 bytes.
     *
     * @param key       the key, stored in the platform's byte order.
     * @param exclusive as {@link #find(DirectBuffer, boolean)}.
     * @return the entry, or null if there is none.
     * @throws InvalidSizeException  if the hash's keys do not have 8 bytes.
     * @throws IllegalStateException if this thread holds an entry or scan in the key's partition.
     * @throws LockTimeoutException  if another process held the key's partition longer than the registry's timeout.
     */
    Entry find(long key, boolean exclusive);

    /**
     * The entry with this key, inserted if absent (zeroed after the key; {@link Entry#found()} is
     * false): dshash_find_or_insert. The entry stays locked until closed.
     *
     * @param key holds the key at index 0, as for {@link #find(DirectBuffer, boolean)}.
     * @return the exclusive entry, never null.
     * @throws OutOfSpaceException   if the table must grow and its size limit or the file system leaves no room.
     * @throws InvalidSizeException  if {@code key} has fewer than {@code keySize} bytes.
     * @throws IllegalStateException if this thread holds an entry or scan in the key's partition.
     * @throws LockTimeoutException  if another process held the key's partition longer than the registry's timeout.
     */
    Entry findOrInsert(DirectBuffer key);

    /**
     * {@link #findOrInsert(DirectBuffer)} with a string key.
     *
     * @param key the key, as for {@link #find(String, boolean)}.
     * @return the exclusive entry, never null.
     * @throws InvalidSizeException     if the key has more than {@code keySize} bytes of UTF-8.
     * @throws IllegalArgumentException if the key holds a NUL character or an unpaired surrogate (no UTF-8 encoding).
     * @throws DsmRegistryException     as {@link #findOrInsert(DirectBuffer)}.
     */
    Entry findOrInsert(String key);

    /**
     * {@link #findOrInsert(DirectBuffer)} with an 8-byte key.
     *
     * @param key the key, as for {@link #find(long, boolean)}.
     * @return the exclusive entry, never null.
     * @throws InvalidSizeException if the hash's keys do not have 8 bytes.
     * @throws DsmRegistryException as {@link #findOrInsert(DirectBuffer)}.
     */
    Entry findOrInsert(long key);

    /**
     * Deletes the entry with this key: dshash_delete_key.
     *
     * @param key holds the key at index 0, as for {@link #find(DirectBuffer, boolean)}.
     * @return whether there was one.
     * @throws InvalidSizeException  if {@code key} has fewer than {@code keySize} bytes.
     * @throws IllegalStateException if this thread holds an entry or scan in the key's partition.
     * @throws LockTimeoutException  if another process held the key's partition longer than the registry's timeout.
     */
    boolean delete(DirectBuffer key);

    /**
     * {@link #delete(DirectBuffer)} with a string key.
     *
     * @param key the key, as for {@link #find(String, boolean)}.
     * @return whether there was one.
     * @throws InvalidSizeException     if the key has more than {@code keySize} bytes of UTF-8.
     * @throws IllegalArgumentException if the key holds a NUL character or an unpaired surrogate (no UTF-8 encoding).
     * @throws DsmRegistryException     as {@link #delete(DirectBuffer)}.
     */
    boolean delete(String key);

    /**
     * {@link #delete(DirectBuffer)} with an 8-byte key.
     *
     * @param key the key, as for {@link #find(long, boolean)}.
     * @return whether there was one.
     * @throws InvalidSizeException if the hash's keys do not have 8 bytes.
     * @throws DsmRegistryException as {@link #delete(DirectBuffer)}.
     */
    boolean delete(long key);

    /**
     * Entries in the table, read without locks: exact when no one is changing it.
     *
     * @return the number of entries.
     */
    long size();

    /**
     * A scan of every entry, one partition at a time (dshash_seq_init). Entries inserted or deleted
     * during the scan in partitions it has not reached yet are seen or not seen accordingly.
     *
     * @param exclusive true: each partition is locked while the scan is in it, its entries are
     *                  writable and {@link Scan#deleteCurrent()} is allowed. false: other writers of the
     *                  partition wait too, but readers do not, and {@link Scan#buffer()} is a copy.
     * @return a scan before its first entry; close it when done.
     */
    Scan scan(boolean exclusive);

    /**
     * Bytes of all of the hash's files (its area and its header file); read without locks.
     *
     * @return the files' total length in bytes.
     */
    long reservedBytes();

    /**
     * Bytes of the area in use by the bucket tables; read without locks.
     *
     * @return bytes in use, by every process.
     */
    long bytesInUse();

    /**
     * Checks every partition (locking each in turn) and the area under it: for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    void verify();

    /**
     * Whether the hash has been removed from the registry since this handle was returned; it can no longer grow.
     *
     * @return true once any process has removed the entry, even if the name has been created again since.
     */
    boolean isRemoved();

    /**
     * One entry: an exclusive one holds its partition's lock until {@link #close()}; a shared one
     * is a copy and holds nothing. Use it from one thread, and not after closing it.
     */
    interface Entry extends AutoCloseable
    {
        /**
         * False only for an entry {@link SharedHash#findOrInsert} just inserted.
         *
         * @return whether the entry existed before the call that returned it.
         */
        boolean found();

        /**
         * Whether this entry holds its partition's lock (until closed).
         *
         * @return true for an entry from {@code findOrInsert} or an exclusive {@code find}.
         */
        boolean isExclusive();

        /**
         * The entry's bytes, key first: shared memory for an exclusive entry (8-aligned, so atomic
         * operations work at aligned offsets), a copy for a shared one. Do not change the key.
         *
         * @return {@code entrySize} bytes; the same instance on every call, empty once an exclusive entry is closed.
         */
        AtomicBuffer buffer();

        /**
         * Deletes this exclusive entry (dshash_delete_entry); the entry is closed.
         *
         * @throws IllegalStateException for a shared entry, or one already closed.
         */
        void delete();

        /** Releases the partition's lock of an exclusive entry; the buffer is then empty. */
        @Override
        void close();
    }

    /** A scan over all entries: {@code while (scan.next()) { scan.buffer()... }}; close it to release its lock. */
    interface Scan extends AutoCloseable
    {
        /**
         * Moves to the next entry; false when there are no more (the scan then holds no lock).
         *
         * @return true if the scan is on an entry.
         * @throws LockTimeoutException if another process held the next partition longer than the registry's
         *                              timeout.
         */
        boolean next();

        /**
         * The current entry: shared memory in an exclusive scan, a copy otherwise.
         *
         * @return {@code entrySize} bytes, key first; the same instance on every call, moved by {@link #next()},
         *         empty when the scan is on no entry.
         */
        AtomicBuffer buffer();

        /**
         * Deletes the current entry (exclusive scans only): dshash_delete_current.
         *
         * @throws IllegalStateException for a shared scan, or one that is on no entry (before {@link #next()},
         *                               after it returned false, or after a delete).
         */
        void deleteCurrent();

        /** Ends the scan and releases the lock it holds, if any. */
        @Override
        void close();
    }
}
