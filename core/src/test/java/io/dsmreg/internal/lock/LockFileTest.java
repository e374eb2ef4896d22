package io.dsmreg.internal.lock;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.LockTimeoutException;
import io.dsmreg.internal.file.MappedFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LockFileTest
{
    private static final long SHORT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long LONG_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Supplier<String> BUSY = () -> "lock is busy";
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    @TempDir
    Path directory;
    private Path file;
    private LockFile locks;
    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void openLockFile()
    {
        assumeTrue(Files.isReadable(PROC_LOCKS), "needs /proc/locks to see the kernel's locks");
        file = directory.resolve("test.lock");
        locks = new LockFile(file, MappedFiles.openLockFile(file));
    }

    @AfterEach
    void closeLockFile()
    {
        otherThread.shutdownNow();
        if (locks != null)
        {
            locks.close();
        }
    }

    @Test
    void aLockIsHeldByItsThreadAndByThisProcessUntilClosed() throws Exception
    {
        final LockFile.Held held = locks.acquire(3, SHORT_NANOS, BUSY);
        assertTrue(locks.isHeldByCurrentThread(3));
        assertFalse(locks.isHeldByCurrentThread(4));
        assertTrue(osLocked(3), "the kernel records the lock");
        held.close();
        assertFalse(locks.isHeldByCurrentThread(3));
        assertFalse(osLocked(3), "and given back");
    }

    @Test
    void theSameThreadReentersAndOnlyItsLastCloseReleases() throws Exception
    {
        final LockFile.Held outer = locks.acquire(3, SHORT_NANOS, BUSY);
        final LockFile.Held inner = locks.acquire(3, SHORT_NANOS, BUSY);
        inner.close();
        assertTrue(locks.isHeldByCurrentThread(3));
        assertTrue(osLocked(3), "the inner close keeps the OS lock");
        assertThrows(LockTimeoutException.class, () -> inAnotherThread(() -> locks.acquire(3, SHORT_NANOS, BUSY)));
        outer.close();
        inAnotherThread(() ->
        {
            locks.acquire(3, SHORT_NANOS, BUSY).close();
            return null;
        });
    }

    @Test
    void anotherThreadTimesOutBeingToldThatAThreadOfThisProcessHoldsIt() throws Exception
    {
        try (LockFile.Held ignored = locks.acquire(3, SHORT_NANOS, BUSY))
        {
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class,
                () -> inAnotherThread(() -> locks.acquire(3, SHORT_NANOS, BUSY)));
            assertEquals("lock is busy (held by another thread of this process)", ex.getMessage());
        }
    }

    @Test
    void positionsAreLockedIndependently() throws Exception
    {
        try (LockFile.Held ignored = locks.acquire(3, SHORT_NANOS, BUSY))
        {
            inAnotherThread(() ->
            {
                try (LockFile.Held other = locks.acquire(4, SHORT_NANOS, BUSY))
                {
                    assertTrue(locks.isHeldByCurrentThread(4));
                    assertFalse(locks.isHeldByCurrentThread(3));
                }
                return null;
            });
        }
    }

    @Test
    void onlyTheHoldingThreadMayReleaseALock() throws Exception
    {
        try (LockFile.Held held = locks.acquire(3, SHORT_NANOS, BUSY))
        {
            final IllegalMonitorStateException ex = assertThrows(IllegalMonitorStateException.class, () -> inAnotherThread(() ->
            {
                held.close();
                return null;
            }));
            assertEquals("lock on " + file + " released by a thread that does not hold it", ex.getMessage());
            assertTrue(locks.isHeldByCurrentThread(3));
            assertTrue(osLocked(3));
        }
    }

    @Test
    void aLockTakenBesideThisLockFileInTheSameJvmIsAnErrorNotAWait() throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock ignored = channel.lock(3, 1, false))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> locks.acquire(3, LONG_NANOS, BUSY));
            assertEquals("lock 3 of " + file + " is held outside this LockFile", ex.getMessage());
            assertFalse(locks.isHeldByCurrentThread(3), "the thread lock is given back on failure");
        }
    }

    @Test
    void closingTheFileReleasesEveryLockThisProcessHoldsOnIt() throws Exception
    {
        locks.acquire(3, SHORT_NANOS, BUSY);
        locks.acquire(4, SHORT_NANOS, BUSY);
        assertTrue(osLocked(3) && osLocked(4));
        locks.close();
        assertFalse(osLocked(3));
        assertFalse(osLocked(4));
    }

    @Test
    void anInterruptedThreadIsRefusedWithItsInterruptKeptAndTheFileStaysUsable() throws Exception
    {
        Thread.currentThread().interrupt();
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> locks.acquire(3, SHORT_NANOS, BUSY));
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals("interrupted while waiting for a lock on " + file, ex.getMessage());
        try (LockFile.Held ignored = locks.acquire(3, SHORT_NANOS, BUSY))
        {
            assertTrue(osLocked(3), "an interrupt does not close the channel, unlike a FileChannel's");
        }
    }

    @Test
    void aLockHeldByAnotherProcessTimesOutUntilThatProcessDies() throws Exception
    {
        final Process holder = LockHolder.start(file, 3);
        try
        {
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> locks.acquire(3, SHORT_NANOS, BUSY));
            assertEquals("lock is busy", ex.getMessage());
            assertFalse(locks.isHeldByCurrentThread(3), "the thread lock is given back on timeout");
            locks.acquire(4, SHORT_NANOS, BUSY).close();
        }
        finally
        {
            Processes.stop(holder);
        }
        try (LockFile.Held ignored = locks.acquire(3, LONG_NANOS, BUSY))
        {
            assertTrue(locks.isHeldByCurrentThread(3), "the kernel released the dead holder's lock");
        }
    }

    @Test
    void aWaitForAnotherProcessesLockEndsWhenTheWaiterIsInterrupted() throws Exception
    {
        final Process holder = LockHolder.start(file, 3);
        try
        {
            final AtomicReference<Thread> waiter = new AtomicReference<>();
            final Future<Boolean> interruptKept = otherThread.submit(() ->
            {
                waiter.set(Thread.currentThread());
                final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> locks.acquire(3, LONG_NANOS, BUSY));
                assertEquals("interrupted while waiting for a lock on " + file, ex.getMessage());
                return Thread.interrupted();
            });
            awaitParked(waiter);
            waiter.get().interrupt();
            assertTrue(interruptKept.get());
        }
        finally
        {
            Processes.stop(holder);
        }
        locks.acquire(3, SHORT_NANOS, BUSY).close();
    }

    /** Waits until {@code thread} is set and parked, backing off between attempts to take an OS lock. */
    private static void awaitParked(final AtomicReference<Thread> thread) throws InterruptedException
    {
        final long deadline = System.nanoTime() + LONG_NANOS;
        while (thread.get() == null || thread.get().getState() != Thread.State.TIMED_WAITING)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                fail("the waiter never waited");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Whether the kernel records a POSIX lock of this process on byte {@code position} of the file, from
     * {@code /proc/locks}. (Asking through another channel would not do: closing it drops this process's locks.)
     */
    private boolean osLocked(final long position) throws IOException
    {
        final String inode = ":" + Files.getAttribute(file, "unix:ino");
        final String pid = Long.toString(ProcessIdentity.current().pid());
        try (Stream<String> lines = Files.lines(PROC_LOCKS))
        {
            // "1: POSIX  ADVISORY  WRITE <pid> <major>:<minor>:<inode> <first byte> <last byte or EOF>"; the kernel
            // merges a process's adjacent ranges.
            return lines.map(line -> line.trim().split("\\s+")).anyMatch(fields ->
                fields.length == 8 && "POSIX".equals(fields[1]) && pid.equals(fields[4]) && fields[5].endsWith(inode) &&
                Long.parseLong(fields[6]) <= position && ("EOF".equals(fields[7]) || position <= Long.parseLong(fields[7])));
        }
    }

    /** Runs {@code task} in another thread of this process; what it throws is thrown here. */
    private <T> T inAnotherThread(final Callable<T> task) throws Exception
    {
        try
        {
            return otherThread.submit(task).get();
        }
        catch (final ExecutionException ex)
        {
            assertInstanceOf(Exception.class, ex.getCause());
            throw (Exception)ex.getCause();
        }
    }
}
