package io.dsmreg.internal.area;

import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.LongSupplier;

/*
 * One lock of an area with its undo log: the transaction in which every write to the area's shared
 * metadata is made, so that neither an exception nor the death of a process leaves an operation half
 * done. An area has one for itself (page runs, the segment table, the statistics of large
 * allocations) and one per size-class pool (AreaDescriptor places their words).
 *
 * Invariants:
 * - While the lock is held, every write to the metadata it protects goes through putInt/putLong,
 *   which log the old value first. Only memory that nobody can reach before the operation commits
 *   (pages just taken from a free run) is written directly.
 * - Outside an operation the log is empty. A log found not empty when the lock is taken was left
 *   by a holder that died (or failed while rolling back), and is rolled back before anything else.
 * - Nesting: a pool's transaction may begin the area's while it holds its own lock (lock order: a
 *   pool, then the area), but commits its own log first, and everything the nested operation
 *   writes, the pool's list included, goes through the area's log. Whoever repairs a pool's log
 *   therefore first begins and ends the area's transaction (undoing the area operation that the
 *   same dead process may have left), and then rolls back the pool's log alone.
 *
 * Protocol:
 * 1. begin: take the lock (bounded wait). If it was taken over from a dead owner, or its log is not
 *    empty: repair the enclosing transaction, roll this log back newest first, tell the outcome.
 * 2. Write through putInt/putLong.
 * 3. commit: the log is emptied with release (every write stays), then the outcome is told. One
 *    hold of the lock may commit several operations (a magazine refill commits one per object).
 * 4. rollback instead, if the operation threw: the writes are undone, then the outcome is told.
 * 5. end: release the lock.
 * run does 1 to 5 for one operation; callers that hold the lock across several operations, or
 * only read (verify), call the steps themselves.
 */
final class AreaTransaction
{
    /** One logger for all of an area's messages: operators filter by the allocator's name. */
    private static final System.Logger LOG = System.getLogger(AreaAllocator.class.getName());

    /** What the owner of a transaction does after an operation ended: the area's gives back segment files. */
    interface Outcome
    {
        /** For a transaction whose operations need nothing beyond their log. */
        Outcome NONE = new Outcome()
        {
        };

        /** After the log was committed; the lock is still held. */
        default void committed()
        {
        }

        /** After the log was rolled back, by a failed operation or a repair; the lock is still held. */
        default void rolledBack()
        {
        }
    }

    private final SharedMutex lock;
    private final UndoLog log;
    private final UndoLog.Parts parts;
    private final long timeoutNanos;
    private final AreaTransaction enclosing;
    private final Outcome outcome;
    private final String area;
    private final String lockName;

    /**
     * @param parts     turns the part numbers of logged writes into this process's buffers.
     * @param enclosing the transaction this one's operations may begin while they hold this lock, or
     *                  null for the outermost (the area's).
     * @param area      the area, for messages: {@code area "blobs"}.
     * @param lockName  the lock, for messages: {@code the lock of size class 64 B}.
     */
    AreaTransaction(
        final SharedMutex lock, final UndoLog log, final UndoLog.Parts parts, final long timeoutNanos,
        final AreaTransaction enclosing, final Outcome outcome, final String area, final String lockName)
    {
        this.lock = lock;
        this.log = log;
        this.parts = parts;
        this.timeoutNanos = timeoutNanos;
        this.enclosing = enclosing;
        this.outcome = outcome;
        this.area = area;
        this.lockName = lockName;
    }

    /** Runs {@code operation} as one operation: committed if it returns, rolled back if it throws. */
    long run(final LongSupplier operation)
    {
        begin();
        try
        {
            final long result = operation.getAsLong();
            commit();
            return result;
        }
        catch (final RuntimeException | Error ex)
        {
            rollback();
            throw ex;
        }
        finally
        {
            end();
        }
    }

    /**
     * Takes the lock, first repairing what a dead holder left.
     *
     * @return the number of writes a repair undid, or -1 when there was nothing to repair.
     * @throws io.dsmreg.LockTimeoutException if a live process held it past the timeout.
     */
    int begin()
    {
        if (lock.lock(timeoutNanos) || !log.isEmpty())
        {
            try
            {
                return repair();
            }
            catch (final RuntimeException | Error ex)
            {
                lock.unlock();
                throw ex;
            }
        }
        return -1;
    }

    /**
     * Takes and releases the lock, repairing what a dead holder left: what an explicit repair does.
     *
     * @return the number of writes undone, or -1 when there was nothing to repair.
     */
    int repairIfNeeded()
    {
        final int undone = begin();
        end();
        return undone;
    }

    /** The lock, for messages: {@code the lock of size class 64 B}. */
    String lockName()
    {
        return lockName;
    }

    /** The lock must be held: writes {@code value}, logging the old value first. */
    void putInt(final int part, final UnsafeBuffer buffer, final int offset, final int value)
    {
        log.putInt(part, buffer, offset, value);
    }

    /** The lock must be held: writes {@code value}, logging the old value first. */
    void putLong(final int part, final UnsafeBuffer buffer, final int offset, final long value)
    {
        log.putLong(part, buffer, offset, value);
    }

    /** The lock must be held: ends the operation, whose writes stay. */
    void commit()
    {
        log.commit();
        outcome.committed();
    }

    /** The lock must be held: undoes the operation's writes, newest first. */
    void rollback()
    {
        log.rollback(parts);
        outcome.rolledBack();
    }

    /** Releases the lock (with release: the next holder sees every write made under it). */
    void end()
    {
        lock.unlock();
    }

    private int repair()
    {
        if (enclosing != null)
        {
            // The dead holder may have been inside an operation of the enclosing transaction for this one: undo that first.
            enclosing.begin();
            enclosing.end();
        }
        final int undone = log.rollback(parts);
        outcome.rolledBack();
        LOG.log(System.Logger.Level.WARNING, "{0}: took over {1} from a dead process and undid its unfinished operation " +
            "({2} writes)", area, lockName, undone);
        return undone;
    }
}
