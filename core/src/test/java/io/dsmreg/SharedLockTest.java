package io.dsmreg;

import io.dsmreg.internal.layout.LockDescriptor;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedLockTest extends RegistryTestBase
{
    private static final long SELF_PID = ProcessIdentity.current().pid();

    SharedLockTest()
    {
        super(Duration.ofMillis(200));
    }

    @Test
    void aNamedLockIsOneInstancePerProcessAndListedAsALock()
    {
        final SharedLock lock = registry.lock("orders.lock");
        assertSame(lock, registry.lock("orders.lock"));
        assertEquals("lock \"orders.lock\"", lock.name());
        final RegistryEntry entry = registry.entries().get(0);
        assertEquals(EntryType.LOCK, entry.type());
        assertEquals("lock", entry.type().label());
        assertEquals((long)(LockDescriptor.HEADER_LENGTH + SharedLock.LENGTH), entry.sizeBytes());
        assertThrows(EntryMismatchException.class, () -> registry.segment("orders.lock", 8));
        assertEquals(new LockState(LockState.Mode.FREE, List.of(), null, 0), entry.lock());
        assertEquals("free", entry.lock().describe());
    }

    @Test
    void listingsShowTheModeTheHoldersAndSinceWhen() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        try (SharedLock.Held held = lock.exclusive())
        {
            final LockState state = registry.entries().get(0).lock();
            assertEquals(LockState.Mode.EXCLUSIVE, state.mode());
            assertEquals(List.of(SELF_PID), state.holderPids());
            assertTrue(state.heldSince() != null && !state.heldSince().isAfter(java.time.Instant.now()));
            assertEquals("exclusive by pid " + SELF_PID + " since " + state.heldSince() + ", 0 waiting", state.describe());
        }
        try (SharedLock.Held held = lock.shared())
        {
            otherThread(() ->
            {
                try (SharedLock.Held also = lock.shared())
                {
                    final LockState state = registry.entries().get(0).lock();
                    assertEquals(new LockState(LockState.Mode.SHARED, List.of(SELF_PID, SELF_PID), null, 0), state);
                    assertEquals("shared by pids " + SELF_PID + ", " + SELF_PID + ", 0 waiting", state.describe());
                }
                return null;
            });
        }
        assertEquals(LockState.Mode.FREE, registry.entries().get(0).lock().mode());
        assertEquals(null, registry.segment("s", 8) == null ? null : registry.entries().get(1).lock(), "no lock state for a segment");
    }

    @Test
    void tryWithResourcesHoldsAndReleases() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        try (SharedLock.Held held = lock.exclusive())
        {
            assertFalse(otherThread(() -> lock.readLock().tryLock()), "held exclusively");
        }
        try (SharedLock.Held held = lock.shared())
        {
            assertTrue(otherThread(() ->
            {
                final boolean taken = lock.readLock().tryLock();
                lock.readLock().unlock();
                return taken;
            }), "shared holders coexist");
            assertFalse(otherThread(() -> lock.writeLock().tryLock()), "a reader keeps the writer out");
        }
        assertTrue(lock.writeLock().tryLock());
        lock.writeLock().unlock();
    }

    @Test
    void threadsOfOneProcessExcludeEachOther() throws Exception
    {
        // A registry of its own with the default timeout: on a loaded machine a thread can wait longer than this
        // class's short timeout for three others, which proves nothing about exclusion.
        final DsmRegistry patient = DsmRegistry.open("patient", RegistryOptions.defaults().root(root));
        final SharedLock lock = patient.lock("counter.lock");
        final NamedSegment counter = patient.segment("counter", 8);
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        try (patient)
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                done.add(threads.submit(() ->
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        try (SharedLock.Held held = lock.exclusive())
                        {
                            // Not atomic on purpose: only the lock keeps increments from being lost.
                            counter.buffer().putLong(0, counter.buffer().getLong(0) + 1);
                        }
                    }
                }));
            }
            for (final Future<?> future : done)
            {
                future.get(60, TimeUnit.SECONDS);
            }
            assertEquals(80_000, counter.buffer().getLong(0));
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    @Test
    void reentryIsRefusedAndUnlockByANonHolderIsAnIllegalMonitorState() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        lock.writeLock().lock();
        final IllegalStateException again = assertThrows(IllegalStateException.class, () -> lock.writeLock().lock());
        assertEquals("thread \"" + Thread.currentThread().getName() + "\" asked for lock \"l\" in exclusive mode but already " +
            "holds it in exclusive mode; a shared lock is not reentrant (as PostgreSQL's LWLock): release it first, or do " +
            "not take it twice", again.getMessage());
        assertThrows(IllegalStateException.class, () -> lock.readLock().lock(), "no downgrade by taking both");
        assertThrows(IllegalMonitorStateException.class, () -> otherThread(() ->
        {
            lock.writeLock().unlock();
            return null;
        }));
        lock.writeLock().unlock();
        assertThrows(IllegalMonitorStateException.class, () -> lock.writeLock().unlock());
        lock.readLock().lock();
        assertThrows(IllegalStateException.class, () -> lock.readLock().lock(), "nor is the shared mode reentrant");
        assertThrows(IllegalStateException.class, () -> lock.writeLock().lock(), "an upgrade would wait for itself");
        lock.readLock().unlock();
        assertThrows(IllegalMonitorStateException.class, () -> lock.readLock().unlock());
    }

    @Test
    void aWaitBeyondTheRegistryTimeoutNamesTheHolderAndTryLockReturnsFalse() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        lock.writeLock().lock();
        final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> otherThread(() ->
        {
            lock.readLock().lock();
            return null;
        }));
        assertEquals("timed out after 200 ms waiting for lock \"l\" in shared mode, held by pid " + SELF_PID +
            " (this process: another thread); if that process is stuck, stop it (the lock of a dead holder is taken " +
            "over, and ownerDied() reports it)", ex.getMessage());
        assertFalse(otherThread(() -> lock.writeLock().tryLock(50, TimeUnit.MILLISECONDS)));
        lock.writeLock().unlock();
    }

    @Test
    void interruptsEndInterruptibleWaitsAndAreKeptByLock() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        lock.writeLock().lock();
        final ExecutorService other = Executors.newSingleThreadExecutor();
        try
        {
            final CountDownLatch started = new CountDownLatch(1);
            final Future<?> waiter = other.submit(() ->
            {
                started.countDown();
                lock.writeLock().lockInterruptibly();
                return null;
            });
            started.await();
            Thread.sleep(20);
            waiter.cancel(true);
            assertTrue(other.submit(() -> lock.readLock().tryLock()).get() == Boolean.FALSE);
            assertEquals(Boolean.TRUE, other.submit(() ->
            {
                Thread.currentThread().interrupt();
                assertThrows(LockTimeoutException.class, () -> lock.readLock().lock());
                return Thread.interrupted();
            }).get(), "lock() waits through an interrupt and keeps it");
        }
        finally
        {
            other.shutdownNow();
            lock.writeLock().unlock();
        }
        assertThrows(InterruptedException.class, () ->
        {
            Thread.currentThread().interrupt();
            lock.writeLock().tryLock(1, TimeUnit.SECONDS);
        });
    }

    @Test
    void aDeadHoldersLockIsTakenOverAndReportedUntilMarkedConsistent() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        final UnsafeBuffer file = mapPart(0, LockDescriptor.FILE_LENGTH);
        final ProcessIdentity dead = deadProcess();
        file.putLongVolatile(LockDescriptor.HEADER_LENGTH + LockDescriptor.EXCLUSIVE_OFFSET, SharedMutex.ownerWord(dead));
        assertThrows(IllegalMonitorStateException.class, lock::markConsistent, "only an exclusive holder marks it");
        try (SharedLock.Held held = lock.exclusive())
        {
            assertTrue(lock.ownerDied());
        }
        try (SharedLock.Held held = lock.shared())
        {
            assertTrue(lock.ownerDied(), "reported to every holder until marked consistent");
            assertThrows(IllegalMonitorStateException.class, lock::markConsistent);
        }
        try (SharedLock.Held held = lock.exclusive())
        {
            lock.markConsistent();
            assertFalse(lock.ownerDied());
        }
    }

    @Test
    void aDamagedLockWordIsACorruptFileNamingItAndVerifyReportsIt()
    {
        final SharedLock lock = registry.lock("l");
        final UnsafeBuffer file = mapPart(0, LockDescriptor.FILE_LENGTH);
        file.putLongVolatile(LockDescriptor.HEADER_LENGTH + LockDescriptor.EXCLUSIVE_OFFSET, 0x7);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> lock.writeLock().lock());
        assertTrue(ex.getMessage().startsWith("file " + registry.directory() + "/"), ex.getMessage());
        assertTrue(ex.getMessage().contains("of lock \"l\" cannot be used: the exclusive owner word of lock \"l\" is 0x7, " +
            "which names no process (pid 0)"), ex.getMessage());
        final List<String> problems = RegistryView.open("test", RegistryOptions.defaults().root(root)).orElseThrow().verify();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("the exclusive owner word of lock \"l\" is 0x7"), problems.toString());
    }

    @Test
    void aLockInASegmentIsInitializedByTheSegmentsInitializerAndUsedByOffset()
    {
        final NamedSegment segment = registry.segment("state", 2 * SharedLock.ALIGNMENT + SharedLock.LENGTH,
            (buffer, offset) -> SharedLock.initialize(buffer, offset), SharedLock.ALIGNMENT);
        final SharedLock lock = registry.lock(segment, SharedLock.ALIGNMENT);
        assertEquals("lock at offset 64 of segment \"state\"", lock.name());
        try (SharedLock.Held held = lock.exclusive())
        {
            assertEquals(SELF_PID, segment.buffer().getLong(SharedLock.ALIGNMENT) >>> 32, "the lock word lies in the segment");
        }
        final CorruptFileException never = assertThrows(CorruptFileException.class, () -> registry.lock(segment, 0));
        assertTrue(never.getMessage().startsWith("file " + registry.directory() + "/"), never.getMessage());
        assertTrue(never.getMessage().contains("of segment \"state\" cannot be used: the 1024 bytes of lock at offset 0 of " +
            "segment \"state\" hold no initialized lock"), never.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.lock(segment, 8));
        assertThrows(IllegalArgumentException.class, () -> registry.lock(segment, 3 * SharedLock.ALIGNMENT), "no room for it");
    }

    @Test
    void aConditionWakesItsWaiterAndAWaitWithoutSignalTimesOut() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        final Lock write = lock.writeLock();
        final Condition changed = write.newCondition();
        assertThrows(UnsupportedOperationException.class, () -> lock.readLock().newCondition());
        assertThrows(IllegalMonitorStateException.class, changed::signal);
        final NamedSegment flag = registry.segment("flag", 8);
        final ExecutorService producer = Executors.newSingleThreadExecutor();
        try
        {
            write.lock();
            final Future<?> produced = producer.submit(() ->
            {
                try (SharedLock.Held held = lock.exclusive())
                {
                    flag.buffer().putLong(0, 1);
                    changed.signal();
                }
            });
            long left = TimeUnit.SECONDS.toNanos(10);
            while (flag.buffer().getLong(0) == 0 && left > 0)
            {
                left = changed.awaitNanos(left);
            }
            assertEquals(1, flag.buffer().getLong(0));
            produced.get(10, TimeUnit.SECONDS);
            assertFalse(changed.await(20, TimeUnit.MILLISECONDS), "no signal: false, holding the lock again");
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, changed::await);
            assertTrue(ex.getMessage().startsWith("no signal of the condition of lock \"l\" came within 200 ms"), ex.getMessage());
            write.unlock();
        }
        finally
        {
            producer.shutdownNow();
        }
    }

    /**
     * A waiter whose wait an interrupt ends while another thread keeps the lock past the registry's timeout (200 ms
     * here): await cannot take the lock back, so it throws LockTimeoutException saying the lock is not held, and
     * the interrupt stays set. The main thread holds the lock until the waiter has ended, so the timeout is certain.
     */
    @Test
    void anAwaitThatCannotTakeTheLockBackSaysSoAndKeepsTheInterrupt() throws Exception
    {
        final SharedLock lock = registry.lock("l");
        final Lock write = lock.writeLock();
        final Condition changed = write.newCondition();
        final java.util.concurrent.atomic.AtomicReference<Thread> waiting = new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        final CheckedThread waiter = CheckedThread.start("waiter", () ->
        {
            waiting.set(Thread.currentThread());
            write.lock();
            holding.countDown();
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> changed.awaitNanos(TimeUnit.SECONDS.toNanos(60)));
            assertTrue(ex.getMessage().contains("The thread does not hold the lock"), ex.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt that ended the wait is kept");
            assertThrows(IllegalMonitorStateException.class, write::unlock, "the lock is not held");
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the waiter took the lock");
        // The waiter has released the lock in await once this thread can take it.
        while (!write.tryLock())
        {
            Thread.onSpinWait();
        }
        try
        {
            waiting.get().interrupt();
            waiter.join();
        }
        finally
        {
            write.unlock();
        }
    }

    /** What {@code task} returns when run by another thread, or what it throws. */
    private static <T> T otherThread(final java.util.concurrent.Callable<T> task) throws Exception
    {
        final ExecutorService other = Executors.newSingleThreadExecutor();
        try
        {
            return other.submit(task).get(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            throw ex;
        }
        finally
        {
            other.shutdownNow();
        }
    }
}
