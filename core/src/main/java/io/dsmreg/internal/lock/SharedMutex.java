package io.dsmreg.internal.lock;

import io.dsmreg.LockTimeoutException;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A mutual-exclusion lock in shared memory, for the hot paths of structures that several processes
 * update (area size classes, hash partitions): one CAS to take it, one release store to give it back.
 * <pre>
 *   lock word (long, 8-aligned; give it its own cache line, shared only with what it protects)
 *  +----------------------------------+----------------------------------+
 *  | owner pid (high 32 bits)         | low 32 bits of the owner's start |
 *  +----------------------------------+----------------------------------+
 *   0 = free. Pid and start time share the word so that a waiter never pairs the pid of one owner
 *   with the start time of another: pids are reused, (pid, start) pairs are not.
 * </pre>
 * A waiter spins briefly, then yields, then parks for short intervals; every millisecond it checks
 * whether the owner is still running (see {@link ProcessIdentity#running}). If the owner died, the
 * waiter takes the lock over with a CAS from the dead owner's word (so exactly one waiter wins) and
 * {@link #lock} returns true: the protected state may be half-updated, and the new owner must repair
 * it before using it (for example by rolling back an {@link UndoLog}). Every wait is bounded; a
 * timeout throws {@link LockTimeoutException} naming the holder's pid.
 * <p>
 * Not reentrant, and threads of one process are not told apart: the holder must release it in a
 * {@code finally}. Instances are immutable views and thread-safe.
 */
public final class SharedMutex
{
    /** The highest pid Linux hands out (pid_max is at most 2^22): a word naming more is damaged. */
    public static final long MAX_PID = 1L << 22;

    /** The lock word of this process. */
    private static final long SELF = ownerWord(ProcessIdentity.current());
    private static final long OWNER_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int SPINS = 100;
    private static final int YIELDS = 100;

    private final UnsafeBuffer buffer;
    private final int offset;
    private final String what;

    /**
     * @param buffer the shared memory holding the lock word.
     * @param offset the lock word's index; {@code buffer.addressOffset() + offset} must be 8-aligned.
     * @param what   what the lock protects, for timeout messages (e.g. {@code size class 64 B of area "blobs"}).
     */
    public SharedMutex(final UnsafeBuffer buffer, final int offset, final String what)
    {
        buffer.boundsCheck(offset, Long.BYTES);
        if (((buffer.addressOffset() + offset) & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("lock word of " + what + " at " + offset + " is not 8-byte aligned");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.what = what;
    }

    /** The word a lock held by {@code owner} contains. */
    public static long ownerWord(final ProcessIdentity owner)
    {
        return (owner.pid() << 32) | (owner.startTime() & 0xFFFF_FFFFL);
    }

    /** Whether the process that a lock word names is still running. */
    public static boolean isOwnerAlive(final long word)
    {
        if (word == SELF)
        {
            return true;
        }
        final ProcessIdentity running = ProcessIdentity.running(word >>> 32);
        final long start = word & 0xFFFF_FFFFL;
        return running != null && (start == 0 || running.startTime() == 0 || (running.startTime() & 0xFFFF_FFFFL) == start);
    }

    /**
     * Takes the lock, waiting at most {@code timeoutNanos}.
     *
     * @return true if the lock was taken over from a dead owner and the caller must repair what it protects.
     * @throws LockTimeoutException if a live process held it for longer than the timeout.
     */
    public boolean lock(final long timeoutNanos)
    {
        if (buffer.compareAndSetLong(offset, 0, SELF))
        {
            return false;
        }
        return lockContended(timeoutNanos);
    }

    /** Takes the lock if it is free (never takes over); true if taken. */
    public boolean tryLock()
    {
        return buffer.compareAndSetLong(offset, 0, SELF);
    }

    /** Releases the lock; release semantics, so the next owner sees every write made under it. */
    public void unlock()
    {
        buffer.putLongRelease(offset, 0);
    }

    /** The lock word now: 0 when free, else {@link #ownerWord} of the holder. */
    public long word()
    {
        return buffer.getLongVolatile(offset);
    }

    /**
     * Takes the lock over from the holder that {@code deadWord} names, which the caller found dead
     * ({@link #isOwnerAlive}); exactly one of the callers racing for the same dead word wins.
     *
     * @return true if this call took it over: the caller holds the lock and must repair what it protects.
     */
    public boolean takeOver(final long deadWord)
    {
        return deadWord != 0 && buffer.compareAndSetLong(offset, deadWord, SELF);
    }

    /**
     * Who a held lock word names, for tools that report a lock without taking it:
     * {@code pid 4711 (running, started 2026-11-21T10:02:05Z)} or {@code pid 4711 (no longer running)}.
     * The lock word records no time of taking, so a running holder is dated by its process's start.
     */
    public static String describeHolder(final long word)
    {
        final long pid = word >>> 32;
        if (!isOwnerAlive(word))
        {
            return "pid " + pid + " (no longer running)";
        }
        return "pid " + pid + ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant())
            .map(start -> " (running, started " + start + ")").orElse(" (running)");
    }

    /** The pid of the current holder, or 0 when free. */
    public long ownerPid()
    {
        return buffer.getLongVolatile(offset) >>> 32;
    }

    private boolean lockContended(final long timeoutNanos)
    {
        final long start = System.nanoTime();
        long nextOwnerCheck = start + OWNER_CHECK_INTERVAL_NANOS;
        int waits = 0;
        while (true)
        {
            // Volatile: a spinning read must see the holder's release store, not a hoisted value.
            final long word = buffer.getLongVolatile(offset);
            if (word == 0)
            {
                if (buffer.compareAndSetLong(offset, 0, SELF))
                {
                    return false;
                }
                continue;
            }
            final long now = System.nanoTime();
            // Also at the deadline, so that a timeout shorter than the check interval still takes over from the dead.
            if (now - nextOwnerCheck >= 0 || now - start >= timeoutNanos)
            {
                if (!isOwnerAlive(word))
                {
                    if (buffer.compareAndSetLong(offset, word, SELF))
                    {
                        return true;
                    }
                    continue;
                }
                nextOwnerCheck = now + OWNER_CHECK_INTERVAL_NANOS;
            }
            if (now - start >= timeoutNanos)
            {
                throw new LockTimeoutException(
                    "timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms waiting for the lock of " + what +
                    ", held by pid " + (word >>> 32) + "; if that process is stuck, stop it (the lock of a dead " +
                    "process is taken over and repaired automatically)");
            }
            if (waits < SPINS)
            {
                Thread.onSpinWait();
            }
            else if (waits < SPINS + YIELDS)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(PARK_NANOS);
            }
            waits++;
        }
    }

    @Override
    public String toString()
    {
        return "SharedMutex{" + what + ", owner pid " + ownerPid() + '}';
    }
}
