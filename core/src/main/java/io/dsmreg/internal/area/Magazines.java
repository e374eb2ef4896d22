package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.WeakReference;

import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINES_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_CAPACITY;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_CLASSES;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_OWNER_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_SLOTS;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_SLOT_LENGTH;
import static io.dsmreg.internal.layout.AreaDescriptor.magazineCountOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.magazineEntryOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.magazineOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerSegment;

/*
 * The magazines of an area: per-thread stacks of free objects of the classes up to 1 KiB, in slots
 * of the control file, so that allocate and free of small objects take no shared lock (glibc's
 * tcache, kept in shared memory so that other processes can see and reclaim it).
 *
 * Invariants:
 * - A slot's owner word is 0 (free) or names the process that owns it (pid and start time, as a
 *   SharedMutex word). Only its owner frees it, except a reclaimer that took a dead owner's slot
 *   over by CAS. A slot is freed only after all of its counts are 0.
 * - Within a process, one thread at a time uses a slot (slotUsers), and only that thread writes its
 *   counts and entries without a lock.
 * - An object is in a magazine exactly when it lies below its stack's count: the count store
 *   (release) is the whole change. Such an object is allocated in its superblock's bitmap, counted
 *   in its pool's bytes in use, and holds TAG ^ its pointer in its first 8 bytes.
 *
 * Protocols:
 * 1. Pop (allocate): read the top entry, store count - 1 (release), clear the tag. A process killed
 *    between the stores has taken the object (it is lost with the process, like any block it held).
 * 2. Push (free): write the tag and the entry, store count + 1 (release). A process killed before the
 *    count store has not freed the object yet (lost the same way). A full stack sheds half first.
 * 3. Refill and shed move objects between a stack and the superblocks: one operation of the pool's
 *    transaction per object, whose logged count change goes with the superblock's (the area's
 *    coordinator runs them: add and removeTop are its magazine halves).
 * 4. Claim: a thread's first small operation takes a slot its process's ended threads left (with
 *    their objects), else a free one by CAS; first, the slots of dead processes are reclaimed.
 * 5. Reclaim: a slot whose owner no longer runs is taken over by CAS (so exactly one process empties
 *    it), shed class by class under the pool locks, and freed. If the reclaimer dies too, the next
 *    one finds the slot its own and finishes the job.
 *
 * Locks: pop, push (but for its shed) and isCached take none. add and removeTop: the pool lock of
 * the class must be held. claim, reclaimDead and flushOwn take the pool locks through Shed.
 */
final class Magazines
{
    /** Mixed with its pointer into the first 8 bytes of every object in a magazine, to catch double frees cheaply. */
    private static final long TAG = 0x6D61_6761_7A69_6E65L;
    /** A thread that found no free slot asks again after this many small operations. */
    private static final int RETRY = 4096;
    /** The owner word of this process. */
    private static final long SELF = SharedMutex.ownerWord(ProcessIdentity.current());
    private static final System.Logger LOG = System.getLogger(AreaAllocator.class.getName());

    /** How a stack's objects go back to their superblocks: the coordinator's shed, under the pool lock. */
    @FunctionalInterface
    interface Shed
    {
        /** Returns up to {@code objects} objects from the top of a stack to their superblocks; returns how many it moved. */
        int shed(int slot, int sizeClass, int objects);
    }

    /** A thread's magazine: its slot's offset in the control file, or -1 while the thread has none. */
    static final class Magazine
    {
        final int slot;
        /** Without a slot: operations left before asking for one again. */
        int retry = RETRY;

        Magazine(final int slot)
        {
            this.slot = slot;
        }
    }

    private final String name;
    private final UnsafeBuffer control;
    private final SegmentMappings segments;
    private final AreaErrors errors;
    private final Shed shed;
    private final ThreadLocal<Magazine> threadMagazine = ThreadLocal.withInitial(this::claim);
    /** Which thread of this process uses each slot this process owns; guarded by itself. */
    @SuppressWarnings("unchecked")
    private final WeakReference<Thread>[] slotUsers = new WeakReference[MAGAZINE_SLOTS];

    Magazines(
        final String name, final UnsafeBuffer control, final SegmentMappings segments, final AreaErrors errors, final Shed shed)
    {
        this.name = name;
        this.control = control;
        this.segments = segments;
        this.errors = errors;
        this.shed = shed;
    }

    /** The calling thread's magazine, claiming a slot on its first use and again now and then while it has none. */
    Magazine current()
    {
        final Magazine magazine = threadMagazine.get();
        if (magazine.slot >= 0 || --magazine.retry > 0)
        {
            return magazine;
        }
        final Magazine claimed = claim();
        threadMagazine.set(claimed);
        return claimed;
    }

    /** Protocol 1, the hot path of allocate: the top object of the calling thread's stack, or 0 if it is empty. */
    long pop(final int slot, final int sizeClass)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        final int count = control.getInt(countOffset);
        if (count <= 0 || count > MAGAZINE_CAPACITY)
        {
            checkCount(slot, sizeClass, count);
            return 0;
        }
        final long pointer = control.getLong(magazineEntryOffset(slot, sizeClass, count - 1));
        // Release: the object leaves the magazine here, before the caller can write to it.
        control.putIntRelease(countOffset, count - 1);
        segments.metadataSegment(pointerSegment(pointer)).buffer.putLong((int)pointerOffset(pointer), 0);
        return pointer;
    }

    /**
     * Protocol 2, the hot path of free: the allocated object at {@code offset} of {@code buffer} goes
     * on top of the calling thread's stack, which sheds half of itself first if it is full.
     */
    void push(final int slot, final int sizeClass, final UnsafeBuffer buffer, final int offset, final long pointer)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        int count = control.getInt(countOffset);
        if (count < 0 || count >= MAGAZINE_CAPACITY)
        {
            checkCount(slot, sizeClass, count);
            shed.shed(slot, sizeClass, MAGAZINE_CAPACITY / 2);
            count = control.getInt(countOffset);
        }
        buffer.putLong(offset, TAG ^ pointer);
        control.putLong(magazineEntryOffset(slot, sizeClass, count), pointer);
        // Release: the entry and the tag are visible before the count includes the object.
        control.putIntRelease(countOffset, count + 1);
    }

    /**
     * Whether any magazine holds the allocated object at {@code offset} of {@code buffer}: one read
     * unless the object carries the tag (a double free, or user data that equals it), then a scan of
     * every magazine's stack of the class.
     */
    boolean isCached(final UnsafeBuffer buffer, final int offset, final long pointer, final int sizeClass)
    {
        if (buffer.getLong(offset) != (TAG ^ pointer))
        {
            return false;
        }
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            final int slot = magazineOffset(s);
            if (control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET) == 0)
            {
                continue;
            }
            final int count = Math.min(control.getIntVolatile(magazineCountOffset(slot, sizeClass)), MAGAZINE_CAPACITY);
            for (int i = 0; i < count; i++)
            {
                if (control.getLongVolatile(magazineEntryOffset(slot, sizeClass, i)) == pointer)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Refill, the magazine half of one object's operation (the pool lock held, its log holding the
     * object's removal from its superblock): puts the object on top of the stack, commits, then tags it.
     */
    void add(final int slot, final int sizeClass, final long pointer, final AreaTransaction pool)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        final int count = control.getInt(countOffset);
        if (count < 0 || count >= MAGAZINE_CAPACITY)
        {
            throw countProblem(slot, sizeClass, count);
        }
        // Unlogged: above the count, the entry means nothing until the logged count includes it.
        control.putLong(magazineEntryOffset(slot, sizeClass, count), pointer);
        pool.putInt(0, control, countOffset, count + 1);
        pool.commit();
        // After the commit: before it, the first bytes may still be the superblock's free-list link.
        segments.metadataSegment(pointerSegment(pointer)).buffer.putLong((int)pointerOffset(pointer), TAG ^ pointer);
    }

    /** Shed, first half (the pool lock held): the top object of a stack, or 0 if it is empty. */
    long top(final int slot, final int sizeClass)
    {
        final int count = control.getInt(magazineCountOffset(slot, sizeClass));
        checkCount(slot, sizeClass, count);
        if (count == 0)
        {
            return 0;
        }
        final long pointer = control.getLong(magazineEntryOffset(slot, sizeClass, count - 1));
        if (pointer == 0)
        {
            throw errors.corrupt("magazine slot " + slotNumber(slot) + " holds the invalid pointer 0 among its " + count +
                " objects of " + SizeClasses.size(sizeClass) + " B");
        }
        return pointer;
    }

    /**
     * Shed, second half (the pool lock held, its log holding the top object's return to its
     * superblock): takes the object off the stack with a logged count, and commits.
     */
    void removeTop(final int slot, final int sizeClass, final AreaTransaction pool)
    {
        final int countOffset = magazineCountOffset(slot, sizeClass);
        pool.putInt(0, control, countOffset, control.getInt(countOffset) - 1);
        pool.commit();
    }

    /** Protocol 5 for every slot whose owner no longer runs: its objects go back to their superblocks, then it is freed. */
    int reclaimDead()
    {
        int reclaimed = 0;
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            final int slot = magazineOffset(s);
            final long owner = control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET);
            // Taking the slot first makes this process the one to empty it; if it dies meanwhile, the next one redoes the rest.
            if (owner != 0 && owner != SELF && !SharedMutex.isOwnerAlive(owner) &&
                control.compareAndSetLong(slot + MAGAZINE_OWNER_OFFSET, owner, SELF))
            {
                final int objects = shedAll(slot);
                reclaimed += objects;
                // Release: the emptied counts are visible before another process can claim the slot.
                control.putLongRelease(slot + MAGAZINE_OWNER_OFFSET, 0);
                // DEBUG: every process that exits, cleanly or not, leaves its magazines for the next one to reclaim.
                LOG.log(System.Logger.Level.DEBUG, "area \"{0}\": reclaimed the magazine of exited process {1} ({2} free " +
                    "objects back to their superblocks)", name, Long.toString(owner >>> 32), objects);
            }
        }
        return reclaimed;
    }

    /** Empties the calling thread's magazine and those of this process's ended threads (freeing their slots). */
    void flushOwn()
    {
        synchronized (slotUsers)
        {
            final Thread current = Thread.currentThread();
            for (int s = 0; s < MAGAZINE_SLOTS; s++)
            {
                final int slot = magazineOffset(s);
                if (slotUsers[s] == null || control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET) != SELF)
                {
                    continue;
                }
                final Thread user = slotUsers[s].get();
                if (user == current)
                {
                    shedAll(slot);
                }
                else if (hasEnded(user))
                {
                    shedAll(slot);
                    slotUsers[s] = null;
                    // Release: the emptied counts are visible before another process can claim the slot.
                    control.putLongRelease(slot + MAGAZINE_OWNER_OFFSET, 0);
                }
            }
        }
    }

    /** Protocol 4: a slot for the calling thread, after reclaiming those of dead processes. */
    private Magazine claim()
    {
        synchronized (slotUsers)
        {
            reclaimDead();
            final Thread thread = Thread.currentThread();
            for (int attempt = 0; attempt < MAGAZINE_SLOTS; attempt++)
            {
                int free = -1;
                for (int s = 0; s < MAGAZINE_SLOTS; s++)
                {
                    final long owner = control.getLongVolatile(magazineOffset(s) + MAGAZINE_OWNER_OFFSET);
                    if (owner == SELF && slotUsers[s] != null && hasEnded(slotUsers[s].get()))
                    {
                        slotUsers[s] = new WeakReference<>(thread);
                        return new Magazine(magazineOffset(s));
                    }
                    if (owner == 0 && free < 0)
                    {
                        free = s;
                    }
                }
                if (free < 0)
                {
                    return new Magazine(-1);
                }
                if (control.compareAndSetLong(magazineOffset(free) + MAGAZINE_OWNER_OFFSET, 0, SELF))
                {
                    slotUsers[free] = new WeakReference<>(thread);
                    return new Magazine(magazineOffset(free));
                }
            }
            return new Magazine(-1);
        }
    }

    /**
     * Empties every stack of a slot. Each class is shed even if its count reads 0: a dead process may
     * have died holding the pool lock while shedding, and undoing that restores a count.
     */
    private int shedAll(final int slot)
    {
        int objects = 0;
        for (int sizeClass = 0; sizeClass < MAGAZINE_CLASSES; sizeClass++)
        {
            objects += shed.shed(slot, sizeClass, MAGAZINE_CAPACITY);
        }
        return objects;
    }

    private static boolean hasEnded(final Thread thread)
    {
        return thread == null || !thread.isAlive();
    }

    private void checkCount(final int slot, final int sizeClass, final int count)
    {
        if (count < 0 || count > MAGAZINE_CAPACITY)
        {
            throw countProblem(slot, sizeClass, count);
        }
    }

    private CorruptFileException countProblem(final int slot, final int sizeClass, final int count)
    {
        return errors.corrupt("magazine slot " + slotNumber(slot) + " counts " + count + " objects of " +
            SizeClasses.size(sizeClass) + " B");
    }

    private static int slotNumber(final int slot)
    {
        return (slot - MAGAZINES_OFFSET) / MAGAZINE_SLOT_LENGTH;
    }
}
