package io.dsmreg.internal.sharedlock;

import io.dsmreg.LockTimeoutException;
import io.dsmreg.SharedLock;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.RobustLock;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A {@link SharedLock} of this process over a {@link RobustLock}, which knows processes only: this
 * class knows which thread holds what, so that reentry is refused, an unlock by a thread that holds
 * nothing is refused, and each shared holder thread releases the holder word it took.
 * <p>
 * Invariants: {@code exclusiveThread} is the thread that holds the exclusive mode through this
 * instance, or null; {@code sharedHolders} maps each thread that holds the shared mode through this
 * instance to its holder word. Both are written only by the thread they name.
 */
public final class LockHandle implements SharedLock
{
    private static final long SELF_PID = ProcessIdentity.current().pid();

    private final String description;
    private final RobustLock lock;
    private final long timeoutNanos;
    private final Lock writeLock = new Exclusive();
    private final Lock readLock = new Shared();
    private final Map<Thread, Integer> sharedHolders = new ConcurrentHashMap<>();
    private volatile Thread exclusiveThread;

    /**
     * @param description  the lock in messages: {@code lock "orders.lock"}.
     * @param lock         the lock's shared memory.
     * @param timeoutNanos the registry's timeout, which bounds {@code lock()} and {@code await()}.
     */
    public LockHandle(final String description, final RobustLock lock, final long timeoutNanos)
    {
        this.description = description;
        this.lock = lock;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public String name()
    {
        return description;
    }

    @Override
    public Lock writeLock()
    {
        return writeLock;
    }

    @Override
    public Lock readLock()
    {
        return readLock;
    }

    @Override
    public Held exclusive()
    {
        writeLock.lock();
        return writeLock::unlock;
    }

    @Override
    public Held shared()
    {
        readLock.lock();
        return readLock::unlock;
    }

    @Override
    public boolean ownerDied()
    {
        return lock.deadOwnerPid() != 0;
    }

    @Override
    public void markConsistent()
    {
        requireExclusive("mark it consistent");
        lock.markConsistent();
    }

    @Override
    public String toString()
    {
        return "SharedLock{" + description + ", exclusive owner pid " + lock.exclusiveOwnerPid() + '}';
    }

    private void refuseReentry(final Thread thread, final String mode)
    {
        if (exclusiveThread == thread || sharedHolders.containsKey(thread))
        {
            throw new IllegalStateException("thread \"" + thread.getName() + "\" asked for " + description + " in " + mode +
                " mode but already holds it in " + (exclusiveThread == thread ? "exclusive" : "shared") + " mode; a shared " +
                "lock is not reentrant (as PostgreSQL's LWLock): release it first, or do not take it twice");
        }
    }

    private void requireExclusive(final String action)
    {
        if (exclusiveThread != Thread.currentThread())
        {
            throw new IllegalMonitorStateException("cannot " + action + ": thread \"" + Thread.currentThread().getName() +
                "\" does not hold " + description + " exclusively; take writeLock() first");
        }
    }

    /** The error for a wait that timed out, naming the holder it waited for. */
    private LockTimeoutException timeout(final long result, final String mode, final long waitedNanos)
    {
        final long pid = -1 - result;
        return new LockTimeoutException("timed out after " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms waiting for " +
            description + " in " + mode + " mode, held by pid " + pid + (pid == SELF_PID ? " (this process: another thread)" : "") +
            "; if that process is stuck, stop it (the lock of a dead holder is taken over, and ownerDied() reports it)");
    }

    /**
     * Ends an interruptible acquire: true if taken, false on a timeout.
     *
     * @throws InterruptedException if the thread was interrupted; it then holds nothing.
     */
    private static boolean acquiredInterruptibly(final long result) throws InterruptedException
    {
        if (result == RobustLock.INTERRUPTED)
        {
            throw new InterruptedException();
        }
        return result >= 0;
    }

    /** What both modes do alike: every way to take a lock, in the terms of the mode's one acquire. */
    private abstract class Mode implements Lock
    {
        private final String mode;

        Mode(final String mode)
        {
            this.mode = mode;
        }

        /**
         * Takes the lock in this mode, refusing reentry.
         *
         * @return as {@link RobustLock#acquireExclusive}: at least 0 if taken, {@link RobustLock#INTERRUPTED}, or
         *         {@code -1 - pid} on a timeout.
         */
        abstract long acquire(long nanos, boolean interruptible);

        @Override
        public final void lock()
        {
            final long result = acquire(timeoutNanos, false);
            if (result < 0)
            {
                throw timeout(result, mode, timeoutNanos);
            }
        }

        @Override
        public final void lockInterruptibly() throws InterruptedException
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            final long result = acquire(timeoutNanos, true);
            if (!acquiredInterruptibly(result))
            {
                throw timeout(result, mode, timeoutNanos);
            }
        }

        @Override
        public final boolean tryLock()
        {
            return acquire(0, false) >= 0;
        }

        @Override
        public final boolean tryLock(final long time, final TimeUnit unit) throws InterruptedException
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            return acquiredInterruptibly(acquire(Math.max(0, unit.toNanos(time)), true));
        }
    }

    /** The exclusive mode. */
    private final class Exclusive extends Mode
    {
        private final Condition condition = new SharedCondition();

        Exclusive()
        {
            super("exclusive");
        }

        @Override
        long acquire(final long nanos, final boolean interruptible)
        {
            final Thread thread = Thread.currentThread();
            refuseReentry(thread, "exclusive");
            final long result = lock.acquireExclusive(nanos, interruptible);
            if (result >= 0)
            {
                exclusiveThread = thread;
            }
            return result;
        }

        @Override
        public void unlock()
        {
            requireExclusive("unlock the exclusive mode");
            exclusiveThread = null;
            lock.releaseExclusive();
        }

        @Override
        public Condition newCondition()
        {
            return condition;
        }
    }

    /** The shared mode. */
    private final class Shared extends Mode
    {
        Shared()
        {
            super("shared");
        }

        @Override
        long acquire(final long nanos, final boolean interruptible)
        {
            final Thread thread = Thread.currentThread();
            refuseReentry(thread, "shared");
            final long result = lock.acquireShared(nanos, interruptible, thread.getId());
            if (result >= 0)
            {
                sharedHolders.put(thread, (int)result);
            }
            return result;
        }

        @Override
        public void unlock()
        {
            final Integer holder = sharedHolders.remove(Thread.currentThread());
            if (holder == null)
            {
                throw new IllegalMonitorStateException("cannot unlock the shared mode: thread \"" +
                    Thread.currentThread().getName() + "\" does not hold " + description + " in shared mode");
            }
            lock.releaseShared(holder);
        }

        @Override
        public Condition newCondition()
        {
            throw new UnsupportedOperationException(
                "the shared mode of " + description + " has no condition (as ReentrantReadWriteLock's read lock): use writeLock().newCondition()");
        }
    }

    /**
     * The lock's condition: the waiter reads the sequence holding the lock, releases the lock, waits
     * for the sequence to move, and takes the lock again before it returns, whatever happened.
     */
    private final class SharedCondition implements Condition
    {
        @Override
        public void await() throws InterruptedException
        {
            if (awaitNanos(timeoutNanos) <= 0)
            {
                throw noSignal();
            }
        }

        @Override
        public void awaitUninterruptibly()
        {
            if (awaitSignal(timeoutNanos, false) <= 0)
            {
                throw noSignal();
            }
        }

        @Override
        public long awaitNanos(final long nanosTimeout) throws InterruptedException
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            final long left = awaitSignal(nanosTimeout, true);
            if (left == RobustLock.INTERRUPTED)
            {
                throw new InterruptedException();
            }
            return left;
        }

        @Override
        public boolean await(final long time, final TimeUnit unit) throws InterruptedException
        {
            return awaitNanos(unit.toNanos(time)) > 0;
        }

        @Override
        public boolean awaitUntil(final Date deadline) throws InterruptedException
        {
            return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
        }

        @Override
        public void signal()
        {
            signalAll();
        }

        @Override
        public void signalAll()
        {
            requireExclusive("signal its condition");
            lock.signalAll();
        }

        /** Waits for a signal without the lock and takes the lock back; the nanoseconds left, or what awaitSignal returned. */
        private long awaitSignal(final long nanos, final boolean interruptible)
        {
            requireExclusive("await its condition");
            final long seen = lock.conditionSequence();
            writeLock.unlock();
            final long left = lock.awaitSignal(seen, Math.max(0, nanos), interruptible);
            // Uninterruptibly, as Condition's contract asks: the caller holds the lock again in every outcome but a timeout here.
            final long result = lock.acquireExclusive(timeoutNanos, false);
            if (result < 0)
            {
                if (left == RobustLock.INTERRUPTED)
                {
                    // The timeout is what the caller hears; the interrupt that ended the wait must not be lost with it.
                    Thread.currentThread().interrupt();
                }
                final LockTimeoutException timeout = timeout(result, "exclusive", timeoutNanos);
                throw new LockTimeoutException("after waiting for its condition, " + timeout.getMessage() +
                    ". The thread does not hold the lock: do not unlock it", timeout);
            }
            exclusiveThread = Thread.currentThread();
            return left;
        }

        private LockTimeoutException noSignal()
        {
            return new LockTimeoutException("no signal of the condition of " + description + " came within " +
                TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms, the registry's timeout; the thread holds the lock " +
                "again. To wait longer, use awaitNanos or await(time, unit), which return instead of throwing");
        }
    }
}
