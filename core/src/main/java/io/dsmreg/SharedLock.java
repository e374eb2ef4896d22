package io.dsmreg;

import io.dsmreg.internal.layout.LockDescriptor;
import io.dsmreg.internal.lock.RobustLock;
import org.agrona.concurrent.AtomicBuffer;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * A lock shared by the processes of this host, PostgreSQL's LWLock with its ConditionVariable: an
 * exclusive mode ({@link #writeLock()}) and a shared mode ({@link #readLock()}), each a {@link Lock}.
 * <pre>{@code
 * SharedLock lock = registry.lock("orders.lock");
 * try (SharedLock.Held held = lock.exclusive())
 * {
 *     if (lock.ownerDied())
 *     {
 *         repair();                // the previous holder was killed while holding it
 *         lock.markConsistent();
 *     }
 *     update();
 * }
 * }</pre>
 * Rules:
 * <ul>
 *   <li><b>Robust.</b> A holder that dies (even by kill -9), exclusive or shared, is found by the next
 *       acquirer that waits for it, within about 50 ms, and its hold is freed. {@link #ownerDied()} then
 *       reports it, as POSIX's EOWNERDEAD, to every holder until one that holds the lock exclusively
 *       calls {@link #markConsistent()}.</li>
 *   <li><b>Bounded.</b> {@code lock()} and {@code lockInterruptibly()} wait at most the registry's
 *       timeout and then throw {@link LockTimeoutException} naming the holder's pid; {@code tryLock(time, unit)}
 *       waits the time asked for and returns false. So does the condition's {@code await()}.</li>
 *   <li><b>Writers first.</b> A thread waiting for the exclusive mode holds off new shared holders, so
 *       a stream of readers never starves it.</li>
 *   <li><b>Not reentrant</b>, as LWLock: a thread that asks again for a lock it holds, in either mode,
 *       gets an {@link IllegalStateException} (it would otherwise wait for itself). {@code unlock()}
 *       by a thread that does not hold the lock is an {@link IllegalMonitorStateException}.</li>
 *   <li><b>Interrupts.</b> {@code lock()} ignores them and keeps the thread's interrupt status;
 *       {@code lockInterruptibly()}, {@code tryLock(time, unit)} and the condition's timed waits throw
 *       {@link InterruptedException}, holding nothing more than before.</li>
 *   <li><b>At most {@link #MAX_SHARED_HOLDERS} threads</b> of all processes hold it shared at once;
 *       one more waits, as for a writer, until one of them releases it.</li>
 *   <li><b>Conditions.</b> {@code writeLock().newCondition()} gives the lock's one condition, shared
 *       by all processes: {@code signal()} wakes every waiter (each must check its predicate in a loop,
 *       as the {@link Condition} contract asks anyway); no signal is lost between a waiter's check and
 *       its wait. The read lock has no condition.</li>
 * </ul>
 * A lock may also live inside a segment, beside the data it protects: reserve {@link #LENGTH} bytes
 * at an offset that is a multiple of {@link #ALIGNMENT}, {@link #initialize} them in the segment's
 * initializer, and get the lock in every process with {@link DsmRegistry#lock(NamedSegment, int)}.
 * <p>
 * Threads of one process are told apart by the instance, so keep one instance per lock and process
 * (the registry returns the same one for a name). Instances are thread-safe.
 */
public interface SharedLock extends ReadWriteLock
{
    /** The bytes a lock takes inside a segment. */
    int LENGTH = LockDescriptor.LOCK_LENGTH;

    /** The alignment of a lock inside a segment: its offset must be a multiple of it. */
    int ALIGNMENT = LockDescriptor.LOCK_ALIGNMENT;

    /** How many threads, of all processes together, may hold a lock in shared mode at once. */
    int MAX_SHARED_HOLDERS = LockDescriptor.MAX_SHARED_HOLDERS;

    /**
     * Makes the {@link #LENGTH} bytes at {@code offset} of a segment's buffer a free lock: call it in
     * the segment's initializer, which runs once on the host before any process uses the segment.
     *
     * @param buffer the segment's buffer, as the initializer receives it.
     * @param offset a multiple of {@link #ALIGNMENT}, with {@link #LENGTH} bytes of room from it.
     * @throws IllegalArgumentException if the lock does not fit or is not aligned.
     */
    static void initialize(final AtomicBuffer buffer, final int offset)
    {
        RobustLock.initialize(buffer, offset);
    }

    /**
     * What this lock is, as messages name it: {@code lock "orders.lock"}, or
     * {@code lock at offset 64 of segment "orders.state"}.
     *
     * @return the lock's description.
     */
    String name();

    /**
     * The exclusive mode; its {@code newCondition()} gives the lock's condition.
     *
     * @return the same instance on every call.
     */
    @Override
    Lock writeLock();

    /**
     * The shared mode; it has no condition.
     *
     * @return the same instance on every call.
     */
    @Override
    Lock readLock();

    /**
     * Takes the lock exclusively ({@code writeLock().lock()}), for try-with-resources.
     *
     * @return closes to release the lock.
     * @throws LockTimeoutException  if another holder kept it longer than the registry's timeout.
     * @throws IllegalStateException if this thread holds it already.
     */
    Held exclusive();

    /**
     * Takes the lock in shared mode ({@code readLock().lock()}), for try-with-resources.
     *
     * @return closes to release the lock.
     * @throws LockTimeoutException  if an exclusive holder kept it longer than the registry's timeout.
     * @throws IllegalStateException if this thread holds it already.
     */
    Held shared();

    /**
     * Whether a holder died holding the lock since it was last marked consistent: the data it
     * protects may be half-updated. Meaningful while holding the lock.
     *
     * @return true from the recovery of a dead holder until {@link #markConsistent()}.
     */
    boolean ownerDied();

    /**
     * Clears the {@link #ownerDied()} report, once the data the lock protects has been checked or repaired.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock exclusively.
     */
    void markConsistent();

    /** A held lock that try-with-resources releases. */
    interface Held extends AutoCloseable
    {
        /** Releases the lock; once only. */
        @Override
        void close();
    }
}
