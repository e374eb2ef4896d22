package io.dsmreg;

import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.lock.LockHolder;
import io.dsmreg.internal.lock.Processes;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.registry.OpenRegistry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Waits for the registry's table lock and for hash partitions are bounded: a timeout names the holder and changes nothing. */
class LockTimeoutTest extends RegistryTestBase
{
    LockTimeoutTest()
    {
        super(Duration.ofMillis(300));
    }

    @Test
    void theTableLockHeldByAnotherProcessMakesCallsTimeOutAndLeavesTheRegistryAsItWas() throws Exception
    {
        registry.segment("before", 64);
        final Process holder = LockHolder.start(registry.directory().resolve(OpenRegistry.LOCK_FILE), 0);
        try
        {
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> registry.segment("during", 64));
            assertTrue(ex.getMessage().startsWith("timed out after 300 ms waiting for the table lock of registry \"test\", " +
                "last taken by pid "), ex.getMessage());
            assertTrue(ex.getMessage().endsWith("; if that process is stuck, stop it"), ex.getMessage());
            assertThrows(LockTimeoutException.class, () -> registry.remove("before"));
        }
        finally
        {
            Processes.stop(holder);
        }
        assertEquals(1, registry.entries().size(), "the calls that timed out changed nothing: " + registry.entries());
        assertTrue(registry.segment("before", 64).found());
        assertFalse(registry.segment("during", 64).found(), "the lock is free again once its holder is gone");
    }

    @Test
    void aPartitionHeldByALiveProcessTimesOutNamingItAndIsTakenOverOnceItDies() throws Exception
    {
        final SharedMap<Long, Long> map = registry.map("m", Codec.LONG, Codec.LONG, MapOptions.defaults().partitions(1));
        map.put(1L, 10L);
        final UnsafeBuffer header = mapPart(HashDescriptor.HEADER_PART, HashDescriptor.fileLength(1));
        final int lockWord = HashDescriptor.partitionOffset(0) + HashDescriptor.LOCK_OFFSET;
        final Process holder = Processes.sleeper();
        try
        {
            header.putLongVolatile(lockWord, SharedMutex.ownerWord(Processes.identityOf(holder)));
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> map.put(2L, 20L));
            assertTrue(ex.getMessage().startsWith("timed out after 300 ms waiting for the lock of "), ex.getMessage());
            assertTrue(ex.getMessage().contains("held by pid " + holder.pid() + ";"), ex.getMessage());
            assertThrows(LockTimeoutException.class, () -> map.remove(1L));
        }
        finally
        {
            Processes.stop(holder);
        }
        // The holder is dead now: the next writer takes its lock over and repairs the partition.
        assertNull(map.put(2L, 20L));
        assertEquals(0, header.getLongVolatile(lockWord), "released after the takeover");
        assertEquals(10L, map.get(1L), "the calls that timed out changed nothing");
        assertEquals(20L, map.get(2L));
        assertEquals(2, map.size());
        map.verify();
    }

    @Test
    void anEntryHeldByAnotherThreadMakesWritersOfItsPartitionTimeOut() throws Exception
    {
        final SharedHash hash = registry.hash("h", HashParams.of(8, 16).partitions(1));
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CheckedThread holder = CheckedThread.start("holder", () ->
        {
            try (SharedHash.Entry entry = hash.findOrInsert(1L))
            {
                entry.buffer().putLong(8, 11);
                holding.countDown();
                assertTrue(release.await(60, TimeUnit.SECONDS));
            }
        });
        try
        {
            assertTrue(holding.await(60, TimeUnit.SECONDS));
            final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> hash.findOrInsert(2L));
            assertTrue(ex.getMessage().startsWith("timed out after 300 ms waiting for the lock of "), ex.getMessage());
            assertTrue(ex.getMessage().contains("held by pid " + ProcessHandle.current().pid()), ex.getMessage());
            assertThrows(LockTimeoutException.class, hash::verify, "verify takes each partition's lock, and waits for it");
        }
        finally
        {
            release.countDown();
            holder.join();
        }
        try (SharedHash.Entry entry = hash.find(1L, false))
        {
            assertEquals(11, entry.buffer().getLong(8));
        }
        assertNull(hash.find(2L, false), "the insert that timed out added nothing");
        hash.verify();
    }
}
