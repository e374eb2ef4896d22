package io.dsmreg.internal.lock;

import io.dsmreg.CorruptFileException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.dsmreg.internal.layout.LockDescriptor.DEAD_OWNER_OFFSET;
import static io.dsmreg.internal.layout.LockDescriptor.EXCLUSIVE_OFFSET;
import static io.dsmreg.internal.layout.LockDescriptor.LOCK_ALIGNMENT;
import static io.dsmreg.internal.layout.LockDescriptor.LOCK_LENGTH;
import static io.dsmreg.internal.layout.LockDescriptor.MAX_SHARED_HOLDERS;
import static io.dsmreg.internal.layout.LockDescriptor.SHARED_HOLDERS_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RobustLockTest
{
    /** For waits that must give up: short, so that the suite stays fast. */
    private static final long SHORT_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    /** For waits that must succeed: long enough never to run out on a busy machine. */
    private static final long LONG_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SELF = SharedMutex.ownerWord(ProcessIdentity.current());
    private static final long SELF_PID = ProcessIdentity.current().pid();
    private static final int BASE = LOCK_ALIGNMENT;

    private final UnsafeBuffer memory =
        new UnsafeBuffer(ByteBuffer.allocateDirect(2 * LOCK_LENGTH + 2 * LOCK_ALIGNMENT).alignedSlice(LOCK_ALIGNMENT));
    private final RobustLock lock = initialized();

    private RobustLock initialized()
    {
        RobustLock.initialize(memory, BASE);
        return RobustLock.attach(memory, BASE, "test lock", CorruptFileException::new);
    }

    private int holderOffset(final int holder)
    {
        return BASE + SHARED_HOLDERS_OFFSET + holder * Long.BYTES;
    }

    @Test
    void anExclusiveHoldExcludesEveryoneAndItsReleaseFreesTheLock()
    {
        assertEquals(RobustLock.ACQUIRED, lock.acquireExclusive(SHORT_NANOS, false));
        assertEquals(SELF, memory.getLong(BASE + EXCLUSIVE_OFFSET), "the exclusive word names this process");
        assertEquals(SELF_PID, lock.exclusiveOwnerPid());
        assertTrue(lock.exclusiveSinceMs() > 0);
        assertEquals(-1 - SELF_PID, lock.acquireExclusive(SHORT_NANOS, false), "a second hold times out naming the holder");
        assertEquals(-1 - SELF_PID, lock.acquireShared(SHORT_NANOS, false, 0), "so does a shared one");
        lock.releaseExclusive();
        assertEquals(0, lock.exclusiveOwnerPid());
        assertEquals(0, lock.exclusiveSinceMs());
        assertEquals(0, lock.deadOwnerPid(), "nobody died");
        assertEquals(0, lock.waiting(), "every waiter counted itself out");
    }

    @Test
    void sharedHoldersCoexistEachInAHolderWordAndKeepAWriterOut()
    {
        final long first = lock.acquireShared(SHORT_NANOS, false, 7);
        final long second = lock.acquireShared(SHORT_NANOS, false, 7);
        assertEquals(7, first, "the hint picks the first word tried");
        assertEquals(8, second, "a taken word is passed over");
        assertArrayEquals(new long[] {SELF_PID, SELF_PID}, lock.sharedHolderPids());
        assertEquals(-1 - SELF_PID, lock.acquireExclusive(SHORT_NANOS, false), "a writer times out naming a reader");
        assertEquals(0, lock.exclusiveOwnerPid(), "a writer that gives up frees the exclusive word");
        lock.releaseShared((int)first);
        lock.releaseShared((int)second);
        assertEquals(RobustLock.ACQUIRED, lock.acquireExclusive(SHORT_NANOS, false));
    }

    @Test
    void aWaitingWriterHoldsOffNewReadersAndGetsTheLockWhenTheReadersLeave() throws Exception
    {
        final Process reader = Processes.sleeper();
        final ExecutorService writer = Executors.newSingleThreadExecutor();
        try
        {
            memory.putLongVolatile(holderOffset(3), SharedMutex.ownerWord(Processes.identityOf(reader)));
            final Future<Long> write = writer.submit(() -> lock.acquireExclusive(LONG_NANOS, false));
            while (lock.exclusiveOwnerPid() == 0)
            {
                Thread.onSpinWait();
            }
            assertFalse(write.isDone(), "the writer waits for the reader of another process");
            assertEquals(-1 - SELF_PID, lock.acquireShared(SHORT_NANOS, false, 0), "a new reader waits for the writer");
            assertArrayEquals(new long[] {reader.pid()}, lock.sharedHolderPids(), "the new reader took no word");
            memory.putLongVolatile(holderOffset(3), 0);
            assertEquals(RobustLock.ACQUIRED, write.get(10, TimeUnit.SECONDS));
        }
        finally
        {
            writer.shutdownNow();
            Processes.stop(reader);
        }
    }

    @Test
    void aDeadExclusiveHolderIsTakenOverAndReportedUntilMarkedConsistent() throws Exception
    {
        final ProcessIdentity dead = Processes.exited();
        memory.putLong(BASE + EXCLUSIVE_OFFSET, SharedMutex.ownerWord(dead));
        assertEquals(RobustLock.ACQUIRED, lock.acquireExclusive(SHORT_NANOS, false));
        assertEquals(SELF, memory.getLong(BASE + EXCLUSIVE_OFFSET));
        assertEquals(dead.pid(), lock.deadOwnerPid());
        lock.releaseExclusive();
        assertEquals(dead.pid(), lock.deadOwnerPid(), "the report stays for the next holder until marked consistent");
        lock.markConsistent();
        assertEquals(0, lock.deadOwnerPid());
    }

    @Test
    void aDeadSharedHolderIsFreedByTheNextWriterAndReported() throws Exception
    {
        final ProcessIdentity dead = Processes.exited();
        memory.putLong(holderOffset(MAX_SHARED_HOLDERS - 1), SharedMutex.ownerWord(dead));
        assertEquals(RobustLock.ACQUIRED, lock.acquireExclusive(SHORT_NANOS, false));
        assertEquals(0, memory.getLong(holderOffset(MAX_SHARED_HOLDERS - 1)), "the dead reader's word is free");
        assertEquals(dead.pid(), lock.deadOwnerPid());
    }

    @Test
    void aReaderFreesADeadWritersWordAndReportsIt() throws Exception
    {
        final ProcessIdentity dead = Processes.exited();
        memory.putLong(BASE + EXCLUSIVE_OFFSET, SharedMutex.ownerWord(dead));
        final long holder = lock.acquireShared(SHORT_NANOS, false, 0);
        assertEquals(0, holder);
        assertEquals(0, lock.exclusiveOwnerPid());
        assertEquals(dead.pid(), lock.deadOwnerPid());
    }

    @Test
    void whenEveryHolderWordIsTakenAReaderWaitsAndTakesTheWordOfADeadHolder() throws Exception
    {
        final Process live = Processes.sleeper();
        try
        {
            final long liveWord = SharedMutex.ownerWord(Processes.identityOf(live));
            for (int i = 0; i < MAX_SHARED_HOLDERS; i++)
            {
                memory.putLong(holderOffset(i), liveWord);
            }
            assertEquals(-1 - live.pid(), lock.acquireShared(SHORT_NANOS, false, 5), "a full table is a timeout naming a holder");
            final ProcessIdentity dead = Processes.exited();
            memory.putLong(holderOffset(42), SharedMutex.ownerWord(dead));
            assertEquals(42, lock.acquireShared(SHORT_NANOS, false, 5));
            assertEquals(dead.pid(), lock.deadOwnerPid());
        }
        finally
        {
            Processes.stop(live);
        }
    }

    @Test
    void aWordThatNamesNoProcessIsACorruptFileNeverAWait()
    {
        memory.putLong(BASE + EXCLUSIVE_OFFSET, 0x1234L);
        final CorruptFileException exclusive =
            assertThrows(CorruptFileException.class, () -> lock.acquireExclusive(LONG_NANOS, false));
        assertEquals("the exclusive owner word of test lock is 0x1234, which names no process (pid 0)", exclusive.getMessage());
        assertThrows(CorruptFileException.class, () -> lock.acquireShared(LONG_NANOS, false, 0));
        assertThrows(CorruptFileException.class, lock::check);
        memory.putLong(BASE + EXCLUSIVE_OFFSET, 0);
        memory.putLong(holderOffset(9), -1L);
        assertThrows(CorruptFileException.class, () -> lock.acquireExclusive(LONG_NANOS, false));
        memory.putLong(holderOffset(9), 0);
        memory.putLong(BASE + DEAD_OWNER_OFFSET, -5);
        assertEquals("the dead owner field of test lock holds -5, which is no pid",
            assertThrows(CorruptFileException.class, lock::deadOwnerPid).getMessage());
    }

    @Test
    void attachingMemoryThatHoldsNoInitializedLockIsACorruptFile()
    {
        final CorruptFileException ex = assertThrows(CorruptFileException.class,
            () -> RobustLock.attach(memory, BASE + LOCK_LENGTH, "test lock", CorruptFileException::new));
        assertTrue(ex.getMessage().startsWith("the " + LOCK_LENGTH + " bytes of test lock hold no initialized lock"), ex.getMessage());
    }

    @Test
    void aLockOutsideTheBufferOrNotAlignedIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> RobustLock.initialize(memory, BASE + 8));
        assertThrows(IllegalArgumentException.class, () -> RobustLock.initialize(memory, memory.capacity() - LOCK_LENGTH + LOCK_ALIGNMENT));
        assertThrows(IllegalArgumentException.class, () -> RobustLock.initialize(memory, -LOCK_ALIGNMENT));
    }

    @Test
    void aSignalAfterTheWaiterReadTheSequenceIsNotLost()
    {
        final long seen = lock.conditionSequence();
        lock.signalAll();
        assertTrue(lock.awaitSignal(seen, SHORT_NANOS, false) > 0, "the signal came before the wait, and still counts");
        assertTrue(lock.awaitSignal(lock.conditionSequence(), SHORT_NANOS, false) <= 0, "no signal: a timeout");
        assertEquals(0, lock.waiting());
    }

    @Test
    void aSignalFromAnotherThreadWakesTheWaiter() throws Exception
    {
        final ExecutorService signaller = Executors.newSingleThreadExecutor();
        try
        {
            final long seen = lock.conditionSequence();
            final Future<?> signal = signaller.submit(() ->
            {
                while (lock.waiting() == 0)
                {
                    Thread.onSpinWait();
                }
                lock.signalAll();
            });
            assertTrue(lock.awaitSignal(seen, LONG_NANOS, false) > 0);
            signal.get(10, TimeUnit.SECONDS);
        }
        finally
        {
            signaller.shutdownNow();
        }
    }

    @Test
    void anInterruptEndsAnInterruptibleWaitAndIsKeptByAnUninterruptibleOne()
    {
        assertEquals(RobustLock.ACQUIRED, lock.acquireExclusive(SHORT_NANOS, false));
        Thread.currentThread().interrupt();
        assertEquals(RobustLock.INTERRUPTED, lock.acquireShared(LONG_NANOS, true, 0));
        assertFalse(Thread.interrupted(), "the interrupt was consumed by the wait it ended");
        Thread.currentThread().interrupt();
        assertEquals(-1 - SELF_PID, lock.acquireShared(SHORT_NANOS, false, 0), "an uninterruptible wait runs to its timeout");
        assertTrue(Thread.interrupted(), "and keeps the interrupt status");
        assertArrayEquals(new long[0], lock.sharedHolderPids(), "neither wait left a holder word taken");
    }
}
