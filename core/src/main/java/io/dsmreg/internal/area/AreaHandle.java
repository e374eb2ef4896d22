package io.dsmreg.internal.area;

import io.dsmreg.AreaOptions;
import io.dsmreg.CorruptFileException;
import io.dsmreg.InvalidPointerException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.LockTimeoutException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.SharedArea;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

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
 * reclaimed (see {@link #cachedBytes()}, {@link #trim()}). One instance per area per process: asking the registry again returns this instance.
 */
public final class AreaHandle extends CachedHandle implements SharedArea
{
    /** Allocation flag: zero the memory (dsa.c's DSA_ALLOC_ZERO). */
    public static final int ZERO = AreaAllocator.ZERO;
    /** Allocation flag: return the invalid pointer 0 instead of throwing when out of space (DSA_ALLOC_NO_OOM). */
    public static final int NO_OOM = AreaAllocator.NO_OOM;
    /** Allocation flag: allow allocations of 1 GiB and more (DSA_ALLOC_HUGE). */
    public static final int HUGE = AreaAllocator.HUGE;
    /** The largest allocation possible, with {@link #HUGE}: the pages of one segment file of 2 GiB. */
    public static final long MAX_ALLOCATION = AreaAllocator.MAX_ALLOCATION;

    private final AreaAllocator allocator;

    AreaHandle(final String name, final AreaAllocator allocator, final EntryGeneration entry)
    {
        super(name, entry);
        this.allocator = allocator;
    }

    public String name()
    {
        return entryName;
    }

    /** The options the area was created with. */
    public AreaOptions options()
    {
        return AreaOptions.defaults().initialSegmentSize(allocator.initialSegmentLength())
            .maxSegmentSize(allocator.maxSegmentLength()).sizeLimit(allocator.sizeLimit());
    }

    /** {@link #allocate(long, int)} with no flags. */
    public long allocate(final long size)
    {
        return allocator.allocate(size, 0);
    }

    /**
     * Allocates {@code size} bytes: dsa.c's {@code dsa_allocate_extended}.
     *
     * @param flags {@link #ZERO}, {@link #NO_OOM}, {@link #HUGE}, or'ed; 0 for none.
     * @return the relative pointer to the block; 0 only with {@link #NO_OOM} when there is no space.
     * @throws InvalidSizeException  for a size below 1, of 1 GiB or more without {@link #HUGE}, above
     *                               {@link #MAX_ALLOCATION} or above the area's size limit.
     * @throws OutOfSpaceException   if the size limit or the file system leaves no room (without NO_OOM).
     * @throws LockTimeoutException  if another process held a lock of the area longer than the registry's timeout.
     */
    public long allocate(final long size, final int flags)
    {
        return allocator.allocate(size, flags);
    }

    /**
     * Frees a block. Bad pointers are detected and reported, not followed: 0, a pointer into a
     * segment that was given back, past a segment's end, not at a block's start, or a block that is
     * not allocated (a double free).
     *
     * @throws InvalidPointerException for such a pointer; nothing is changed.
     */
    public void free(final long pointer)
    {
        allocator.free(pointer);
    }

    /**
     * A new buffer over {@code length} bytes at {@code pointer}, mapping its segment if this
     * process has not yet. For hot paths, {@link #wrap} reuses a buffer instead.
     *
     * @throws InvalidPointerException if the bytes are not inside one of the area's segments.
     */
    public UnsafeBuffer buffer(final long pointer, final int length)
    {
        return new UnsafeBuffer(allocator.address(pointer, length), length);
    }

    /** Points {@code target} at {@code length} bytes at {@code pointer}: {@link #buffer} without allocating. */
    public void wrap(final AtomicBuffer target, final long pointer, final int length)
    {
        allocator.wrap(target, pointer, length);
    }

    /** Bytes of all of the area's files, as PostgreSQL's {@code dsa_get_total_size}; read without locks. */
    public long reservedBytes()
    {
        return allocator.statistics().reservedBytes();
    }

    /** Bytes allocated and not freed, each block counted at its size class or whole pages; read without locks. */
    public long bytesInUse()
    {
        return allocator.bytesInUse();
    }

    /**
     * Bytes of free blocks that threads hold in their magazines (per-thread caches of blocks of up
     * to 1 KiB) and that dead processes held until they are reclaimed; not counted in
     * {@link #bytesInUse()}, and not available to other threads until flushed. Read without locks.
     */
    public long cachedBytes()
    {
        return allocator.statistics().cachedBytes();
    }

    /** Data segments (files besides the control file); read without locks. */
    public long segmentCount()
    {
        return allocator.statistics().segmentCount();
    }

    /**
     * Gives back the memory of empty superblocks and, when all of its memory is free, the first
     * segment (dsa_trim); first empties the magazines of the calling thread, of this process's
     * threads that have ended, and of dead processes. Other live threads keep theirs.
     */
    public void trim()
    {
        allocator.trim();
    }

    /**
     * Checks every piece of the area's metadata, holding all of its locks meanwhile (a pause for
     * every user of the area): for tests and diagnosis.
     *
     * @throws CorruptFileException listing what is inconsistent.
     */
    public void verify()
    {
        final List<String> problems = allocator.verify();
        if (!problems.isEmpty())
        {
            throw new CorruptFileException("area \"" + entryName + "\" is inconsistent: " + String.join("; ", problems) +
                ". " + HeaderedFile.REMOVE_ENTRY);
        }
    }

    @Override
    public String toString()
    {
        final AreaStatistics statistics = allocator.statistics();
        return "SharedArea{name=\"" + entryName + "\", reservedBytes=" + statistics.reservedBytes() + ", bytesInUse=" +
            statistics.bytesInUse() + ", segments=" + statistics.segmentCount() +
            ", cachedBytes=" + statistics.cachedBytes() + '}';
    }
}
