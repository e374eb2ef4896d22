package io.dsmreg;

import io.dsmreg.internal.area.AreaAllocator;
import org.agrona.concurrent.AtomicBuffer;

/**
 * A named shared allocator: PostgreSQL's dynamic shared area (dsa.c) for JVM processes.
 * <pre>{@code
 * SharedArea blobs = registry.area("orders.blobs");
 * long p = blobs.allocate(100);                 // a relative pointer, valid in every process
 * blobs.buffer(p, 100).putLong(0, 42);
 * blobs.free(p);
 * }</pre>
 * Memory is spread over segment files that the area adds as it grows; a pointer is
 * {@code segment << 40 | offset}, never an address, and 0 is the invalid pointer. Another process
 * maps a segment the first time it dereferences a pointer into it. Allocations of up to 8 KiB come
 * from size classes (8 B steps up to 64 B, then four classes per doubling); larger ones take whole
 * 4 KiB pages. Every block is 8-byte aligned; blocks of 64 B and more are 64-byte aligned.
 * <p>
 * Thread-safe, and safe across processes: each size class has its own lock in shared memory, and
 * a process that dies holding one leaves no half-done allocation behind (the next user of the lock
 * undoes it). Blocks of up to 1 KiB are served from and freed to a per-thread magazine of free
 * blocks without any lock; magazines live in shared memory, and those of dead processes are
 * reclaimed (see {@link #cachedBytes()}, {@link #trim()}). One instance per area per process: asking the registry
 * again returns this instance.
 */
public interface SharedArea
{
    /** Allocation flag: zero the memory (dsa.c's DSA_ALLOC_ZERO). */
    int ZERO = AreaAllocator.ZERO;
    /** Allocation flag: return the invalid pointer 0 instead of throwing when out of space (DSA_ALLOC_NO_OOM). */
    int NO_OOM = AreaAllocator.NO_OOM;
    /** Allocation flag: allow allocations of 1 GiB and more (DSA_ALLOC_HUGE). */
    int HUGE = AreaAllocator.HUGE;
    /** The largest allocation possible, with {@link #HUGE}: the pages of one segment file of 2 GiB. */
    long MAX_ALLOCATION = AreaAllocator.MAX_ALLOCATION;

    /**
     * The entry's name in the registry.
     *
     * @return the name it is registered under.
     */
    String name();

    /**
     * The options the area was created with.
     *
     * @return the area's options, whoever created it.
     */
    AreaOptions options();

    /**
     * {@link #allocate(long, int)} with no flags.
     *
     * @param size bytes to allocate, at least 1 and less than 1 GiB.
     * @return the relative pointer to the block, never 0.
     * @throws DsmRegistryException as {@link #allocate(long, int)}.
     */
    long allocate(long size);

    /**
     * Allocates {@code size} bytes: dsa.c's {@code dsa_allocate_extended}.
     *
     * @param size  bytes to allocate, at least 1; the block may be larger (its size class or whole pages).
     * @param flags {@link #ZERO}, {@link #NO_OOM}, {@link #HUGE}, or'ed; 0 for none.
     * @return the relative pointer to the block; 0 only with {@link #NO_OOM} when there is no space.
     * @throws InvalidSizeException  for a size below 1, of 1 GiB or more without {@link #HUGE}, above
     *                               {@link #MAX_ALLOCATION} or above the area's size limit.
     * @throws OutOfSpaceException   if the size limit or the file system leaves no room (without NO_OOM).
     * @throws LockTimeoutException  if another process held a lock of the area longer than the registry's timeout.
     */
    long allocate(long size, int flags);

    /**
     * Frees a block. Bad pointers are detected and reported, not followed: 0, a pointer into a
     * segment that was given back, past a segment's end, not at a block's start, or a block that is
     * not allocated (a double free).
     *
     * @param pointer a pointer {@link #allocate(long, int)} returned and that was not freed since.
     * @throws InvalidPointerException for such a pointer; nothing is changed.
     * @throws LockTimeoutException    if another process held a lock of the area longer than the registry's timeout.
     */
    void free(long pointer);

    /**
     * A new buffer over {@code length} bytes at {@code pointer}, mapping its segment if this
     * process has not yet. For hot paths, {@link #wrap} reuses a buffer instead.
     * <p>
     * Only the bounds of the segment are checked, not that the bytes belong to an allocated block.
     *
     * @param pointer a relative pointer into the area.
     * @param length  bytes the buffer covers, from 0.
     * @return a new buffer over the shared memory.
     * @throws InvalidPointerException if the bytes are not inside one of the area's segments.
     */
    AtomicBuffer buffer(long pointer, int length);

    /**
     * Points {@code target} at {@code length} bytes at {@code pointer}: {@link #buffer} without allocating.
     *
     * @param target  the buffer to point at the bytes; what it wrapped before is let go.
     * @param pointer a relative pointer into the area.
     * @param length  bytes the buffer covers, from 0.
     * @throws InvalidPointerException if the bytes are not inside one of the area's segments; {@code target} is
     *                                 then unchanged.
     */
    void wrap(AtomicBuffer target, long pointer, int length);

    /**
     * Bytes of all of the area's files, as PostgreSQL's {@code dsa_get_total_size}; read without locks.
     *
     * @return the files' total length in bytes.
     */
    long reservedBytes();

    /**
     * Bytes allocated and not freed, each block counted at its size class or whole pages; read without locks.
     *
     * @return bytes in use, by every process.
     */
    long bytesInUse();

    /**
     * Bytes of free blocks that threads hold in their magazines (per-thread caches of blocks of up
     * to 1 KiB) and that dead processes held until they are reclaimed; not counted in
     * {@link #bytesInUse()}, and not available to other threads until flushed. Read without locks.
     *
     * @return bytes in magazines, of every process.
     */
    long cachedBytes();

    /**
     * Data segments (files besides the control file); read without locks.
     *
     * @return how many data segments the area has now.
     */
    long segmentCount();

    /**
     * Gives back the memory of empty superblocks and, when all of its memory is free, the first
     * segment (dsa_trim); first empties the magazines of the calling thread, of this process's
     * threads that have ended, and of dead processes. Other live threads keep theirs.
     *
     * @throws LockTimeoutException if another process held a lock of the area longer than the registry's timeout.
     */
    void trim();

    /**
     * Checks every piece of the area's metadata, holding all of its locks meanwhile (a pause for
     * every user of the area): for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    void verify();

    /**
     * Whether the area has been removed from the registry since this handle was returned. A removed
     * area's memory stays valid for this process, but the area can no longer grow.
     *
     * @return true once any process has removed the entry, even if the name has been created again since.
     */
    boolean isRemoved();
}
