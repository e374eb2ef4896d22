package io.dsmreg;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.layout.AreaDescriptor;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A process that died holding an area lock, half-way through an operation, simulated exactly: its
 * lock word names a dead process and its undo log holds the writes it made. (The integration tests
 * kill real processes.)
 */
class AreaCrashRepairTest extends RegistryTestBase
{
    AreaCrashRepairTest()
    {
        super(Duration.ofSeconds(5));
    }

    @Test
    void aDeadOwnersHalfDoneSizeClassOperationIsUndone() throws Exception
    {
        final SharedArea area = registry.area("a");
        final long kept = area.allocate(64);
        final long inUse = area.bytesInUse();
        // Empty this thread's magazine, so that the next allocation of the class needs its lock.
        area.trim();
        final UnsafeBuffer control = control();
        final int block = AreaDescriptor.classBlockOffset(7);
        final UndoLog log = new UndoLog(control, block + CLASS_LOG_COUNT_OFFSET, block + CLASS_LOG_ENTRIES_OFFSET, CLASS_LOG_CAPACITY, CorruptFileException::new);
        log.putLong(0, control, block + CLASS_BYTES_IN_USE_OFFSET, 999_999);
        log.putInt(0, control, block + CLASS_PARTIAL_HEAD_OFFSET, 0x7654321);
        control.putLong(block + CLASS_LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        final long next = area.allocate(64);
        assertNotEquals(kept, next);
        assertEquals(inUse + 64, area.bytesInUse());
        area.verify();
        area.free(next);
        area.free(kept);
        assertEquals(0, area.bytesInUse());
        area.verify();
    }

    @Test
    void aDeadOwnersHalfDoneAreaOperationIsUndone() throws Exception
    {
        final SharedArea area = registry.area("a");
        final long large = area.allocate(100_000);
        final long reserved = area.reservedBytes();
        final UnsafeBuffer control = control();
        final UndoLog log = new UndoLog(control, AREA_LOG_COUNT_OFFSET, AREA_LOG_ENTRIES_OFFSET, AREA_LOG_CAPACITY, CorruptFileException::new);
        log.putLong(0, control, RESERVED_BYTES_OFFSET, 1);
        log.putInt(0, control, freeRunHeadOffset(3), 0x1234567);
        log.putLong(0, control, segmentEntryOffset(5) + SEGMENT_FILE_LENGTH_OFFSET, 1 << 20);
        control.putLong(AREA_LOCK_OFFSET, SharedMutex.ownerWord(deadProcess()));

        area.free(large);
        assertEquals(reserved, area.reservedBytes());
        assertEquals(0, area.bytesInUse());
        area.verify();
    }

    @Test
    void aSizeClassTakerAlsoRepairsTheAreaLockItsDeadOwnerHeld() throws Exception
    {
        final SharedArea area = registry.area("a");
        area.allocate(64);
        final UnsafeBuffer control = control();
        final UndoLog areaLog = new UndoLog(control, AREA_LOG_COUNT_OFFSET, AREA_LOG_ENTRIES_OFFSET, AREA_LOG_CAPACITY, CorruptFileException::new);
        final int block = AreaDescriptor.classBlockOffset(2);
        // Died inside "new superblock for class 2": the class list head was written under the area log.
        areaLog.putInt(0, control, block + CLASS_PARTIAL_HEAD_OFFSET, 0x7654321);
        final long dead = SharedMutex.ownerWord(deadProcess());
        control.putLong(block + CLASS_LOCK_OFFSET, dead);
        control.putLong(AREA_LOCK_OFFSET, dead);

        final long p = area.allocate(24);
        area.buffer(p, 24).putLong(16, 1);
        area.verify();
    }

    @Test
    void aLiveHolderMakesWaitersTimeOutNamingIt()
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults());
        area.allocate(8);
        area.trim();
        final UnsafeBuffer control = control();
        control.putLong(AreaDescriptor.classBlockOffset(0) + CLASS_LOCK_OFFSET, SharedMutex.ownerWord(ProcessIdentity.current()));
        final LockTimeoutException ex = assertThrows(LockTimeoutException.class, () -> area.allocate(8));
        assertEquals("timed out after 5000 ms waiting for the lock of size class 8 B of area \"a\", held by pid " +
            ProcessIdentity.current().pid() + "; if that process is stuck, stop it (the lock of a dead process is taken " +
            "over and repaired automatically)", ex.getMessage());
        control.putLong(AreaDescriptor.classBlockOffset(0) + CLASS_LOCK_OFFSET, 0);
        area.verify();
    }

    @Test
    void sharedMutexTakeoverIsReportedOnce() throws Exception
    {
        final UnsafeBuffer memory = new UnsafeBuffer(new byte[64]);
        final SharedMutex mutex = new SharedMutex(memory, 0, "test lock");
        assertFalse(mutex.lock(1_000_000));
        assertEquals(ProcessIdentity.current().pid(), mutex.ownerPid());
        assertFalse(mutex.tryLock());
        mutex.unlock();
        assertEquals(0, mutex.ownerPid());
        memory.putLong(0, SharedMutex.ownerWord(deadProcess()));
        assertTrue(mutex.lock(5_000_000_000L), "taken over: the caller must repair");
        mutex.unlock();
        assertFalse(mutex.lock(1_000_000));
        mutex.unlock();
    }

    @Test
    void undoLogRestoresOldValuesNewestFirst()
    {
        final UnsafeBuffer data = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer logMemory = new UnsafeBuffer(new byte[8 + 4 * UndoLog.ENTRY_LENGTH]);
        final UndoLog log = new UndoLog(logMemory, 0, 8, 4, CorruptFileException::new);
        data.putLong(0, 1);
        data.putInt(8, 2);
        log.putLong(0, data, 0, 10);
        log.putLong(0, data, 0, 11);
        log.putInt(0, data, 8, 20);
        log.putInt(0, data, 8, 20);
        assertFalse(log.isEmpty());
        assertEquals(3, log.rollback(part -> data), "an unchanged value is not logged");
        assertEquals(1, data.getLong(0));
        assertEquals(2, data.getInt(8));
        assertTrue(log.isEmpty());
        log.putLong(0, data, 0, 5);
        log.commit();
        assertEquals(0, log.rollback(part -> data));
        assertEquals(5, data.getLong(0));
        for (int i = 0; i < 4; i++)
        {
            log.putInt(0, data, 16, 100 + i);
        }
        assertThrows(CorruptFileException.class, () -> log.putInt(0, data, 16, 7));
    }

    private UnsafeBuffer control()
    {
        return mapPart(0, CONTROL_LENGTH);
    }
}
