package io.dsmreg.internal.lock;

import io.dsmreg.LockTimeoutException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedMutexTest
{
    /** For waits that must give up: short, so that the suite stays fast. */
    private static final long SHORT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** For waits that must succeed: long enough never to run out on a busy machine. */
    private static final long LONG_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SELF = SharedMutex.ownerWord(ProcessIdentity.current());

    private final UnsafeBuffer memory = new UnsafeBuffer(new byte[64]);
    private final SharedMutex mutex = new SharedMutex(memory, 8, "test lock");

    @Test
    void aFreeLockIsTakenWithoutTakeoverAndUnlockFreesIt()
    {
        assertFalse(mutex.lock(SHORT_NANOS), "a free lock is no takeover");
        assertEquals(SELF, memory.getLong(8), "the word names this process: pid and start time");
        assertEquals(ProcessIdentity.current().pid(), mutex.ownerPid());
        assertFalse(mutex.tryLock(), "held");
        mutex.unlock();
        assertEquals(0, memory.getLong(8));
        assertEquals(0, mutex.ownerPid());
        assertTrue(mutex.tryLock());
        assertEquals(SELF, memory.getLong(8));
    }

    @Test
    void theOwnerWordHoldsThePidHighAndTheLowBitsOfTheStartTimeLow()
    {
        final ProcessIdentity owner = new ProcessIdentity(0x1234_5678L, 0x7_89AB_CDEFL);
        assertEquals(0x1234_5678_89AB_CDEFL, SharedMutex.ownerWord(owner));
    }

    @Test
    void takingItAgainInTheSameProcessIsNotReentryButATimeoutNamingThisProcess()
    {
        assertFalse(mutex.lock(SHORT_NANOS));
        final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> mutex.lock(SHORT_NANOS));
        assertEquals(timeoutMessage(ProcessIdentity.current().pid()), ex.getMessage());
        assertEquals(SELF, memory.getLong(8), "still held, by the first hold");
    }

    @Test
    void aLiveHolderMakesTheWaiterTimeOutNamingItsPid() throws Exception
    {
        final Process holder = Processes.sleeper();
        try
        {
            final long word = SharedMutex.ownerWord(Processes.identityOf(holder));
            memory.putLong(8, word);
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> mutex.lock(SHORT_NANOS));
            assertEquals(timeoutMessage(holder.pid()), ex.getMessage());
            assertEquals(word, memory.getLong(8), "a live holder's lock is left alone");
            assertFalse(mutex.tryLock());
        }
        finally
        {
            Processes.stop(holder);
        }
    }

    @Test
    void aHolderIsDescribedByItsPidAndWhetherItRunsWithItsStartTime() throws Exception
    {
        final ProcessIdentity exited = Processes.exited();
        assertEquals("pid " + exited.pid() + " (no longer running)", SharedMutex.describeHolder(SharedMutex.ownerWord(exited)));
        final Process holder = Processes.sleeper();
        try
        {
            final ProcessIdentity running = Processes.identityOf(holder);
            final String start = holder.info().startInstant().orElseThrow().toString();
            assertEquals("pid " + running.pid() + " (running, started " + start + ")",
                SharedMutex.describeHolder(SharedMutex.ownerWord(running)));
            assertEquals("pid " + running.pid() + " (no longer running)",
                SharedMutex.describeHolder(SharedMutex.ownerWord(new ProcessIdentity(running.pid(), running.startTime() + 1))),
                "a reused pid describes the dead holder, not the process that runs under its pid now");
        }
        finally
        {
            Processes.stop(holder);
        }
    }

    @Test
    void aDeadHoldersLockIsTakenOverAndTheTakeoverReported() throws Exception
    {
        memory.putLong(8, SharedMutex.ownerWord(Processes.exited()));
        assertFalse(mutex.tryLock(), "tryLock never takes over");
        assertTrue(mutex.lock(LONG_NANOS), "taken over: the caller must repair");
        assertEquals(SELF, memory.getLong(8));
        mutex.unlock();
        assertFalse(mutex.lock(SHORT_NANOS), "an ordinary release is no takeover");
    }

    @Test
    void ofTwoTakeoversOfOneDeadWordOnlyTheFirstWinsAndAWordThatMovedOnIsNotTaken() throws Exception
    {
        final long dead = SharedMutex.ownerWord(Processes.exited());
        memory.putLong(8, dead);
        assertFalse(mutex.takeOver(0), "a free word is locked, not taken over");
        assertEquals(dead, mutex.word());
        assertTrue(mutex.takeOver(dead));
        assertEquals(SELF, mutex.word());
        assertFalse(mutex.takeOver(dead), "the racer that comes second finds the word moved on and must not repair");
        assertEquals(SELF, mutex.word());
        mutex.unlock();
        assertFalse(mutex.takeOver(dead), "a word freed since it was read dead is not taken over");
        assertEquals(0, mutex.word());
    }

    @Test
    void aDeadHoldersLockIsTakenOverEvenWhenTheTimeoutIsShorterThanTheOwnerCheckInterval() throws Exception
    {
        memory.putLong(8, SharedMutex.ownerWord(Processes.exited()));
        assertTrue(mutex.lock(TimeUnit.MICROSECONDS.toNanos(1)), "a dead holder is checked before giving up");
        assertEquals(SELF, memory.getLong(8));
    }

    @Test
    void aRunningPidWithAnotherStartTimeIsADeadHolderWhosePidWasReused() throws Exception
    {
        final Process reuser = Processes.sleeper();
        try
        {
            final ProcessIdentity running = Processes.identityOf(reuser);
            memory.putLong(8, SharedMutex.ownerWord(new ProcessIdentity(running.pid(), running.startTime() + 1)));
            assertTrue(mutex.lock(LONG_NANOS), "another process's lock, taken over although its pid runs again");
            assertEquals(SELF, memory.getLong(8));
        }
        finally
        {
            Processes.stop(reuser);
        }
    }

    @Test
    void thisProcessesPidWithAnotherStartTimeIsADeadHolder()
    {
        final ProcessIdentity self = ProcessIdentity.current();
        memory.putLong(8, SharedMutex.ownerWord(new ProcessIdentity(self.pid(), self.startTime() + 1)));
        assertTrue(mutex.lock(LONG_NANOS), "a dead process that had our pid (another container's) held it");
        assertEquals(SELF, memory.getLong(8));
    }

    @Test
    void aZombieHolderIsTakenOver() throws Exception
    {
        try (Processes.Zombie zombie = Processes.zombie())
        {
            memory.putLong(8, SharedMutex.ownerWord(new ProcessIdentity(zombie.pid, zombie.startTime())));
            assertTrue(mutex.lock(LONG_NANOS), "a zombie never releases anything");
            assertEquals(SELF, memory.getLong(8));
        }
    }

    @Test
    void aHolderWithAnUnknownStartTimeCountsAsAliveWhileItsPidRuns() throws Exception
    {
        final Process holder = Processes.sleeper();
        try
        {
            memory.putLong(8, SharedMutex.ownerWord(new ProcessIdentity(holder.pid(), 0)));
            assertThrows(LockTimeoutException.class, () -> mutex.lock(SHORT_NANOS));
        }
        finally
        {
            Processes.stop(holder);
        }
    }

    @Test
    void aWaiterGetsTheLockWhenTheHolderReleasesIt() throws Exception
    {
        assertFalse(mutex.lock(SHORT_NANOS));
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try
        {
            final Future<Boolean> waiter = executor.submit(() -> mutex.lock(LONG_NANOS));
            mutex.unlock();
            assertFalse(waiter.get(), "a released lock is no takeover");
            assertEquals(SELF, memory.getLong(8));
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void exactlyOneOfManyWaitersTakesOverADeadHoldersLock() throws Exception
    {
        final long dead = SharedMutex.ownerWord(Processes.exited());
        final int waiters = 4;
        final ExecutorService executor = Executors.newFixedThreadPool(waiters);
        try
        {
            // Rounds, since the waiters must find the holder dead at the same moment to race for the takeover.
            for (int round = 0; round < 50; round++)
            {
                memory.putLong(8, dead);
                final CountDownLatch start = new CountDownLatch(1);
                final List<Future<Boolean>> takeovers = new ArrayList<>();
                for (int i = 0; i < waiters; i++)
                {
                    takeovers.add(executor.submit(() ->
                    {
                        start.await();
                        final boolean takenOver = mutex.lock(LONG_NANOS);
                        mutex.unlock();
                        return takenOver;
                    }));
                }
                start.countDown();
                int count = 0;
                for (final Future<Boolean> takeover : takeovers)
                {
                    count += takeover.get() ? 1 : 0;
                }
                assertEquals(1, count, "round " + round + ": one waiter repairs; the others find a released lock");
            }
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void aLockWordOutsideTheBufferOrNotEightByteAlignedIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new SharedMutex(memory, 12, "x"));
        assertEquals("lock word of x at 12 is not 8-byte aligned", ex.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> new SharedMutex(memory, 64, "x"));
    }

    private static String timeoutMessage(final long pid)
    {
        return "timed out after 20 ms waiting for the lock of test lock, held by pid " + pid + "; if that process is " +
            "stuck, stop it (the lock of a dead process is taken over and repaired automatically)";
    }
}
