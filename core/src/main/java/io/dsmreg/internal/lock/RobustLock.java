package io.dsmreg.internal.lock;

import io.dsmreg.CorruptFileException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static io.dsmreg.internal.layout.LockDescriptor.*;

/**
 * A shared/exclusive lock between processes, PostgreSQL's LWLock, over one lock region
 * ({@link io.dsmreg.internal.layout.LockDescriptor}) of shared memory: an exclusive owner word and a
 * table of {@code MAX_SHARED_HOLDERS} shared holder words, each a {@link SharedMutex} word (pid and
 * start time), so that every holder, exclusive or shared, is known by name and recovered when it dies.
 * <p>
 * Invariants:
 * <ul>
 *   <li>A thread holds the lock exclusively when it owns the exclusive word and every shared holder
 *       word is 0; it holds it shared when it owns a holder word and saw the exclusive word 0 after
 *       taking it. Both sides write their own word with a CAS (a full fence) and then read the other
 *       side's, so at least one of two racing threads sees the other and backs off.</li>
 *   <li>A writer takes the exclusive word first and only then waits for the shared holders to leave;
 *       meanwhile new readers see the word and wait: a stream of readers never starves a writer.</li>
 *   <li>A word whose owner is dead is freed by whoever finds it, with a CAS, so exactly one finder
 *       does it; the finder records the dead pid in the dead owner field first, and that report
 *       stays until a holder {@link #markConsistent()}s it (POSIX's EOWNERDEAD).</li>
 *   <li>Every value read from the region is checked before it is used: a word that names no
 *       process is a {@link CorruptFileException}, never a wait.</li>
 * </ul>
 * Protocols:
 * <ol>
 *   <li>Exclusive: CAS the exclusive word from 0 (or from a dead owner's word); then for each holder
 *       word, wait until it is 0 or its owner is dead (then free it). On a timeout or an interrupt,
 *       free the exclusive word again.</li>
 *   <li>Shared: CAS a free holder word from 0; then read the exclusive word: 0 means held, anything
 *       else means free the holder word again and wait until the exclusive word is 0 (or dead:
 *       then free it). When all holder words are taken, free the dead ones' and wait for a free one.</li>
 *   <li>Condition: a signaller, holding the lock, adds 1 to the condition sequence; a waiter reads the
 *       sequence while holding the lock, releases it, and waits until the sequence differs. A signal
 *       after the read changes the sequence, so no wake-up is lost; every waiter wakes at every signal.</li>
 * </ol>
 * A waiter spins briefly, then parks for a time that doubles from 10 us to 1 ms, so a long wait
 * costs 2 to 6% of a core (docs/locks.md); every 50 ms it checks whether the owner it waits for is
 * still running. Every wait is bounded by the caller's timeout.
 * <p>
 * Threads of one process share a word's value, so this class neither tells them apart nor detects
 * reentrancy: its caller tracks which thread holds what. Instances are immutable views and thread-safe.
 */
public final class RobustLock
{
    /** What an exclusive acquire returns when it took the lock. */
    public static final long ACQUIRED = 0;
    /** What an acquire or a wait returns when the thread was interrupted (and was allowed to be). */
    public static final long INTERRUPTED = Long.MIN_VALUE;

    private static final int SPINS = 100;
    private static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long OWNER_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final UnsafeBuffer buffer;
    private final int base;
    private final String what;
    private final Function<String, CorruptFileException> corrupt;
    private final SharedMutex exclusive;
    private final SharedMutex[] holders = new SharedMutex[MAX_SHARED_HOLDERS];

    private RobustLock(
        final UnsafeBuffer buffer, final int base, final String what, final Function<String, CorruptFileException> corrupt)
    {
        this.buffer = buffer;
        this.base = base;
        this.what = what;
        this.corrupt = corrupt;
        this.exclusive = new SharedMutex(buffer, base + EXCLUSIVE_OFFSET, what);
        for (int i = 0; i < MAX_SHARED_HOLDERS; i++)
        {
            holders[i] = new SharedMutex(buffer, base + SHARED_HOLDERS_OFFSET + i * Long.BYTES, what);
        }
    }

    /**
     * Makes the {@link io.dsmreg.internal.layout.LockDescriptor#LOCK_LENGTH} bytes at {@code base} a
     * free lock. Only before any process uses it: in the initializer of the memory that holds it.
     *
     * <p>
     * {@code memory} may be the application's own {@link AtomicBuffer} (through
     * {@link io.dsmreg.SharedLock#initialize}): its Agrona may lack the methods used here, so the
     * lock is written through dsmreg's own {@link UnsafeBuffer} over the same memory.
     *
     * @throws IllegalArgumentException if the region does not fit the buffer or is not aligned.
     */
    public static void initialize(final AtomicBuffer memory, final int base)
    {
        final UnsafeBuffer buffer = memory instanceof UnsafeBuffer own ? own : new UnsafeBuffer(memory);
        checkPlace(buffer, base, "initialize a lock");
        buffer.setMemory(base, LOCK_LENGTH, (byte)0);
        // Release: whoever sees the magic sees a zeroed region.
        buffer.putLongRelease(base + REGION_MAGIC_OFFSET, REGION_MAGIC);
    }

    /**
     * The lock at {@code base}, which {@link #initialize} made.
     *
     * @param what    the lock in messages: {@code lock "orders.lock"}.
     * @param corrupt makes the error for a damaged region, naming its file: {@code problem -> exception}.
     * @throws IllegalArgumentException if the region does not fit the buffer or is not aligned.
     * @throws CorruptFileException     if the region was never initialized or is damaged.
     */
    public static RobustLock attach(
        final UnsafeBuffer buffer, final int base, final String what, final Function<String, CorruptFileException> corrupt)
    {
        checkPlace(buffer, base, "use " + what);
        final long magic = buffer.getLongVolatile(base + REGION_MAGIC_OFFSET);
        if (magic != REGION_MAGIC)
        {
            throw corrupt.apply("the " + LOCK_LENGTH + " bytes of " + what + " hold no initialized lock (their magic word is 0x" +
                Long.toHexString(magic) + "); initialize the lock in the initializer of the memory that holds it, before " +
                "any process uses it");
        }
        final RobustLock lock = new RobustLock(buffer, base, what, corrupt);
        lock.check();
        return lock;
    }

    private static void checkPlace(final UnsafeBuffer buffer, final int base, final String action)
    {
        if (base < 0 || base > buffer.capacity() - LOCK_LENGTH)
        {
            throw new IllegalArgumentException("cannot " + action + " at offset " + base + " of a buffer of " +
                buffer.capacity() + " bytes: a lock takes " + LOCK_LENGTH + " bytes; give it room in the segment");
        }
        if (((buffer.addressOffset() + base) & (LOCK_ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("cannot " + action + " at offset " + base + ": a lock must be " +
                LOCK_ALIGNMENT + "-byte aligned, and a segment's offset 0 is; use a multiple of " + LOCK_ALIGNMENT);
        }
    }

    /**
     * Checks every word of the region that names a process.
     *
     * @throws CorruptFileException naming the damaged word.
     */
    public void check()
    {
        checked(exclusive.word(), "exclusive owner");
        for (final SharedMutex holder : holders)
        {
            checked(holder.word(), "shared holder");
        }
        deadOwnerPid();
    }

    /**
     * Takes the lock exclusively, waiting at most {@code timeoutNanos}.
     *
     * @return {@link #ACQUIRED}; {@link #INTERRUPTED}; or, on a timeout, {@code -1 - pid} of a holder it waited for.
     */
    public long acquireExclusive(final long timeoutNanos, final boolean interruptible)
    {
        final boolean taken = exclusive.tryLock();
        if (taken && firstSharedHolder() < 0)
        {
            buffer.putLong(base + EXCLUSIVE_SINCE_OFFSET, System.currentTimeMillis());
            return ACQUIRED;
        }
        final Wait wait = new Wait(timeoutNanos, interruptible, WAITING_OFFSET);
        try
        {
            if (!taken && !takeExclusiveWord(wait))
            {
                return wait.failure;
            }
            if (!drainSharedHolders(wait))
            {
                exclusive.unlock();
                return wait.failure;
            }
            buffer.putLong(base + EXCLUSIVE_SINCE_OFFSET, System.currentTimeMillis());
            return ACQUIRED;
        }
        finally
        {
            wait.end();
        }
    }

    /** Releases the exclusive lock; release semantics, so the next holder sees every write made under it. */
    public void releaseExclusive()
    {
        buffer.putLong(base + EXCLUSIVE_SINCE_OFFSET, 0);
        exclusive.unlock();
    }

    /**
     * Takes the lock in shared mode, waiting at most {@code timeoutNanos}.
     *
     * @param hint where to start looking for a free holder word (a thread's id spreads threads out).
     * @return the holder word taken, from 0 to {@code MAX_SHARED_HOLDERS} - 1, for {@link #releaseShared};
     *         {@link #INTERRUPTED}; or, on a timeout, {@code -1 - pid} of a holder it waited for.
     */
    public long acquireShared(final long timeoutNanos, final boolean interruptible, final long hint)
    {
        final int start = (int)Math.floorMod(hint, (long)MAX_SHARED_HOLDERS);
        final int fast = claimHolderWord(start);
        if (fast >= 0 && exclusive.word() == 0)
        {
            return fast;
        }
        if (fast >= 0)
        {
            holders[fast].unlock();
        }
        final Wait wait = new Wait(timeoutNanos, interruptible, WAITING_OFFSET);
        try
        {
            while (true)
            {
                final long owner = checked(exclusive.word(), "exclusive owner");
                if (owner != 0)
                {
                    if (wait.ownerCheckDue() && !SharedMutex.isOwnerAlive(owner))
                    {
                        freeDead(exclusive, owner);
                    }
                    else if (!wait.pause(owner))
                    {
                        return wait.failure;
                    }
                    continue;
                }
                final int claimed = claimHolderWord(start);
                if (claimed < 0)
                {
                    final long holder = checked(holders[start].word(), "shared holder");
                    // Past the deadline every check is due: wait, and so time out, unless a dead holder's word was freed.
                    if (!(wait.ownerCheckDue() && freeDeadSharedHolders()) && !wait.pause(holder))
                    {
                        return wait.failure;
                    }
                    continue;
                }
                // Our CAS on the holder word came before this read: a writer that took the word after it sees us.
                if (exclusive.word() == 0)
                {
                    return claimed;
                }
                holders[claimed].unlock();
            }
        }
        finally
        {
            wait.end();
        }
    }

    /** Releases the holder word that {@link #acquireShared} returned. */
    public void releaseShared(final int holderWord)
    {
        holders[holderWord].unlock();
    }

    /** The pid of the last holder that died holding the lock, until {@link #markConsistent}; 0 when none did. */
    public long deadOwnerPid()
    {
        final long pid = buffer.getLongVolatile(base + DEAD_OWNER_OFFSET);
        if (pid < 0 || pid > SharedMutex.MAX_PID)
        {
            throw corrupt.apply("the dead owner field of " + what + " holds " + pid + ", which is no pid");
        }
        return pid;
    }

    /** Clears the owner-died report; the caller holds the lock exclusively. */
    public void markConsistent()
    {
        buffer.putLongRelease(base + DEAD_OWNER_OFFSET, 0);
    }

    /** The condition's sequence: read it while holding the lock, before {@link #awaitSignal}. */
    public long conditionSequence()
    {
        return buffer.getLongVolatile(base + CONDITION_SEQUENCE_OFFSET);
    }

    /** Wakes every waiter of the condition; the caller holds the lock exclusively. */
    public void signalAll()
    {
        buffer.getAndAddLong(base + CONDITION_SEQUENCE_OFFSET, 1);
    }

    /**
     * Waits, without the lock, until the condition's sequence differs from {@code seen}.
     *
     * @return the nanoseconds left (at least 1) when signalled; 0 or less on a timeout; {@link #INTERRUPTED}.
     */
    public long awaitSignal(final long seen, final long timeoutNanos, final boolean interruptible)
    {
        final Wait wait = new Wait(timeoutNanos, interruptible, CONDITION_WAITERS_OFFSET);
        try
        {
            while (conditionSequence() == seen)
            {
                if (!wait.pause(0))
                {
                    return wait.failure == INTERRUPTED ? INTERRUPTED : 0;
                }
            }
            return Math.max(1, wait.remaining());
        }
        finally
        {
            wait.end();
        }
    }

    /** The pid of the exclusive holder (or of the writer waiting for shared holders to leave), 0 when none. */
    public long exclusiveOwnerPid()
    {
        return checked(exclusive.word(), "exclusive owner") >>> 32;
    }

    /** When the exclusive holder took the lock, epoch ms; 0 when nobody holds it exclusively. */
    public long exclusiveSinceMs()
    {
        return buffer.getLongVolatile(base + EXCLUSIVE_SINCE_OFFSET);
    }

    /** The pids of the shared holders, one per holding thread. */
    public long[] sharedHolderPids()
    {
        final long[] pids = new long[MAX_SHARED_HOLDERS];
        int count = 0;
        for (final SharedMutex holder : holders)
        {
            final long word = checked(holder.word(), "shared holder");
            if (word != 0)
            {
                pids[count++] = word >>> 32;
            }
        }
        return Arrays.copyOf(pids, count);
    }

    /** How many threads wait for the lock or await its condition, as they counted themselves (never negative). */
    public long waiting()
    {
        return Math.max(0, buffer.getLongVolatile(base + WAITING_OFFSET)) +
            Math.max(0, buffer.getLongVolatile(base + CONDITION_WAITERS_OFFSET));
    }

    private boolean takeExclusiveWord(final Wait wait)
    {
        while (!exclusive.tryLock())
        {
            final long owner = checked(exclusive.word(), "exclusive owner");
            if (owner != 0 && wait.ownerCheckDue() && !SharedMutex.isOwnerAlive(owner))
            {
                if (exclusive.takeOver(owner))
                {
                    recordDeath(owner);
                    return true;
                }
            }
            else if (owner != 0 && !wait.pause(owner))
            {
                return false;
            }
        }
        return true;
    }

    /** Waits, holding the exclusive word, until no shared holder is left; false on a timeout or interrupt. */
    private boolean drainSharedHolders(final Wait wait)
    {
        for (int holder = 0; holder < MAX_SHARED_HOLDERS; holder++)
        {
            while (true)
            {
                final long word = checked(holders[holder].word(), "shared holder");
                if (word == 0)
                {
                    break;
                }
                if (wait.ownerCheckDue() && !SharedMutex.isOwnerAlive(word))
                {
                    freeDead(holders[holder], word);
                }
                else if (!wait.pause(word))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** The first taken holder word, or -1: read straight from the buffer, since every exclusive acquire scans them all. */
    private int firstSharedHolder()
    {
        for (int i = 0; i < MAX_SHARED_HOLDERS; i++)
        {
            if (buffer.getLongVolatile(base + SHARED_HOLDERS_OFFSET + i * Long.BYTES) != 0)
            {
                return i;
            }
        }
        return -1;
    }

    private int claimHolderWord(final int start)
    {
        for (int i = 0; i < MAX_SHARED_HOLDERS; i++)
        {
            final int holder = (start + i) % MAX_SHARED_HOLDERS;
            if (holders[holder].tryLock())
            {
                return holder;
            }
        }
        return -1;
    }

    /** Frees the words of dead shared holders; true if there were any. */
    private boolean freeDeadSharedHolders()
    {
        boolean freed = false;
        for (final SharedMutex holder : holders)
        {
            final long word = checked(holder.word(), "shared holder");
            if (word != 0 && !SharedMutex.isOwnerAlive(word))
            {
                freeDead(holder, word);
                freed = true;
            }
        }
        return freed;
    }

    /** Frees a word whose owner died, reporting the death first: the next holder must see the report. */
    private void freeDead(final SharedMutex word, final long deadWord)
    {
        if (word.takeOver(deadWord))
        {
            recordDeath(deadWord);
            word.unlock();
        }
    }

    private void recordDeath(final long deadWord)
    {
        // Volatile, before the word is freed or used: a holder that sees the lock free or held by itself sees the report.
        buffer.putLongVolatile(base + DEAD_OWNER_OFFSET, deadWord >>> 32);
    }

    private long checked(final long word, final String field)
    {
        final long pid = word >>> 32;
        if (word != 0 && (pid == 0 || pid > SharedMutex.MAX_PID))
        {
            throw corrupt.apply("the " + field + " word of " + what + " is 0x" + Long.toHexString(word) +
                ", which names no process (pid " + pid + ")");
        }
        return word;
    }

    /** One thread's bounded wait: its backoff, its owner checks, its interrupts and how it ended. */
    private final class Wait
    {
        private final long start = System.nanoTime();
        private final long timeoutNanos;
        private final boolean interruptible;
        private final int counterOffset;
        private long nextOwnerCheck = start + OWNER_CHECK_INTERVAL_NANOS;
        private int spins;
        private long parkNanos = FIRST_PARK_NANOS;
        private boolean interrupted;
        private long failure;

        Wait(final long timeoutNanos, final boolean interruptible, final int counterOffset)
        {
            this.timeoutNanos = timeoutNanos;
            this.interruptible = interruptible;
            this.counterOffset = counterOffset;
            buffer.getAndAddLong(base + counterOffset, 1);
        }

        /** Whether to check the owner's liveness now: every 50 ms, and at the deadline (so a short timeout still takes over). */
        boolean ownerCheckDue()
        {
            final long now = System.nanoTime();
            if (now - nextOwnerCheck >= 0 || now - start >= timeoutNanos)
            {
                nextOwnerCheck = now + OWNER_CHECK_INTERVAL_NANOS;
                return true;
            }
            return false;
        }

        /**
         * Waits a little while {@code blockingWord} blocks us.
         *
         * @return false when the wait must end: {@link #failure} says why.
         */
        boolean pause(final long blockingWord)
        {
            final long left = remaining();
            if (left <= 0)
            {
                failure = -1 - (blockingWord >>> 32);
                return false;
            }
            if (spins < SPINS)
            {
                spins++;
                Thread.onSpinWait();
                return true;
            }
            LockSupport.parkNanos(Math.min(parkNanos, left));
            parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
            // An interrupted thread's park returns at once: clear the flag, or an uninterruptible wait would spin.
            if (Thread.interrupted())
            {
                if (interruptible)
                {
                    failure = INTERRUPTED;
                    return false;
                }
                interrupted = true;
            }
            return true;
        }

        long remaining()
        {
            return timeoutNanos - (System.nanoTime() - start);
        }

        void end()
        {
            buffer.getAndAddLong(base + counterOffset, -1);
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
