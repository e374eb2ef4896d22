package io.dsmreg.internal.lock;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.LockTimeoutException;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Exclusive locks on single byte positions of one lock file, for the rare paths (create,
 * initialize, remove). Each lock is an OS record lock, which the kernel releases when its process
 * dies, so a crashed holder never blocks anyone; in front of it sits a {@link ReentrantLock} per
 * position, because OS record locks belong to the process, not to a thread.
 * <p>
 * Two rules of POSIX locks shape this class: closing any channel on the file drops all of the
 * process's locks on it, so the registry keeps exactly one channel per file per JVM and closes it
 * last; and a thread interrupt would close an ordinary {@code FileChannel}, so the channel is an
 * {@link AsynchronousFileChannel}, which is not interruptible. Every wait is bounded.
 */
public final class LockFile implements AutoCloseable
{
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Path path;
    private final AsynchronousFileChannel channel;
    private final ConcurrentHashMap<Long, PositionLock> locks = new ConcurrentHashMap<>();

    public LockFile(final Path path, final AsynchronousFileChannel channel)
    {
        this.path = path;
        this.channel = channel;
    }

    public Path path()
    {
        return path;
    }

    /** Whether the calling thread holds the lock at {@code position}. */
    public boolean isHeldByCurrentThread(final long position)
    {
        final PositionLock lock = locks.get(position);
        return lock != null && lock.threadLock.isHeldByCurrentThread();
    }

    /**
     * Takes the lock at {@code position}, reentrantly for the same thread.
     *
     * @param position      the byte to lock.
     * @param timeoutNanos  how long to wait at most.
     * @param describeTimeout called on timeout for the exception's message, which says who holds the lock.
     * @return the held lock; closing it releases one hold.
     * @throws LockTimeoutException when the wait runs out.
     */
    public Held acquire(final long position, final long timeoutNanos, final Supplier<String> describeTimeout)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        // Not computeIfAbsent: its lambda would cost a LambdaMetafactory spin on a cold JVM's way to its first entry.
        final PositionLock known = locks.get(position);
        final PositionLock lock = known != null ? known : putIfAbsent(position);
        try
        {
            if (!lock.threadLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS))
            {
                throw new LockTimeoutException(describeTimeout.get() + " (held by another thread of this process)");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DsmRegistryException("interrupted while waiting for a lock on " + path, ex);
        }
        if (lock.threadLock.getHoldCount() > 1)
        {
            return lock;
        }
        try
        {
            lock.osLock = acquireOsLock(position, deadline, describeTimeout);
            return lock;
        }
        catch (final RuntimeException | Error ex)
        {
            lock.threadLock.unlock();
            throw ex;
        }
    }

    private PositionLock putIfAbsent(final long position)
    {
        final PositionLock created = new PositionLock();
        final PositionLock raced = locks.putIfAbsent(position, created);
        return raced != null ? raced : created;
    }

    private FileLock acquireOsLock(final long position, final long deadline, final Supplier<String> describeTimeout)
    {
        long backoff = TimeUnit.MICROSECONDS.toNanos(50);
        while (true)
        {
            try
            {
                final FileLock fileLock = channel.tryLock(position, 1, false);
                if (fileLock != null)
                {
                    return fileLock;
                }
            }
            catch (final OverlappingFileLockException ex)
            {
                throw new IllegalStateException("lock " + position + " of " + path + " is held outside this LockFile", ex);
            }
            catch (final IOException ex)
            {
                throw new DsmRegistryException("cannot lock " + path + ": " + ex.getMessage(), ex);
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new LockTimeoutException(describeTimeout.get());
            }
            LockSupport.parkNanos(backoff);
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                throw new DsmRegistryException("interrupted while waiting for a lock on " + path);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    /** Closes the channel, which releases every lock this process holds on the file. */
    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot close " + path + ": " + ex.getMessage(), ex);
        }
    }

    /** One hold of a lock; close it to release. */
    public interface Held extends AutoCloseable
    {
        @Override
        void close();
    }

    private final class PositionLock implements Held
    {
        private final ReentrantLock threadLock = new ReentrantLock();
        private FileLock osLock;

        @Override
        public void close()
        {
            if (!threadLock.isHeldByCurrentThread())
            {
                throw new IllegalMonitorStateException("lock on " + path + " released by a thread that does not hold it");
            }
            try
            {
                if (threadLock.getHoldCount() == 1 && osLock != null)
                {
                    final FileLock released = osLock;
                    osLock = null;
                    if (released.isValid())
                    {
                        released.release();
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new DsmRegistryException("cannot release a lock on " + path + ": " + ex.getMessage(), ex);
            }
            finally
            {
                threadLock.unlock();
            }
        }
    }
}
