package io.dsmreg;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.area.TestAreas;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/** The per-thread magazines of free small blocks, in one process (AreaProcessesIT kills real ones). */
class AreaMagazineTest extends RegistryTestBase
{
    private static final String NOT_ALLOCATED = "it is not an allocated block (freed already, a double free, or never allocated)";

    @Test
    void freedSmallBlocksStayInTheThreadsMagazineAndAreNotInUse()
    {
        final SharedArea area = registry.area("a");
        final List<Long> blocks = allocate(area, 64, 10);
        assertEquals(640, area.bytesInUse());
        assertEquals(6 * 64, area.cachedBytes(), "two refills of 8, 10 handed out");
        area.verify();
        free(area, blocks);
        assertEquals(0, area.bytesInUse(), "cached blocks are not in use");
        assertEquals(16 * 64, area.cachedBytes());
        area.verify();
        assertEquals(blocks.get(9), area.allocate(64), "last freed, first reused");
        area.free(blocks.get(9));
        area.trim();
        assertEquals(0, area.cachedBytes(), "trim empties the calling thread's magazine");
        assertEquals(0, area.segmentCount(), "and then gives back the empty superblock and segment");
        area.verify();
    }

    @Test
    void aFullMagazineShedsHalfIntoItsSuperblocks()
    {
        final SharedArea area = registry.area("a");
        final List<Long> blocks = allocate(area, 24, 1000);
        final List<Long> large = allocate(area, 2000, 10);
        free(area, blocks);
        free(area, large);
        assertEquals(0, area.bytesInUse());
        assertTrue(area.cachedBytes() <= MAGAZINE_CAPACITY * 24, "cached " + area.cachedBytes());
        area.verify();
        area.trim();
        assertEquals(0, area.cachedBytes());
        assertEquals(0, area.segmentCount());
    }

    @Test
    void doubleFreesOfCachedBlocksAreDetected() throws Exception
    {
        final SharedArea area = registry.area("a");
        final long p = area.allocate(64);
        final long q = area.allocate(1000);
        area.free(p);
        area.free(q);
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(p)).getMessage().endsWith(NOT_ALLOCATED));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(q)).getMessage().endsWith(NOT_ALLOCATED));
        final long r = area.allocate(64);
        assertEquals(p, r);
        final AtomicReference<Throwable> other = new AtomicReference<>();
        CheckedThread.start("other", () ->
        {
            area.free(r);
            other.set(assertThrows(InvalidPointerException.class, () -> area.free(r)));
        }).join();
        assertTrue(other.get().getMessage().endsWith(NOT_ALLOCATED));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(r)).getMessage().endsWith(NOT_ALLOCATED),
            "a block in another thread's magazine");
        area.verify();
        assertEquals(0, area.bytesInUse());
    }

    @Test
    void userDataThatLooksLikeTheTagIsStillFreed()
    {
        final SharedArea area = registry.area("a");
        final long p = area.allocate(64);
        area.free(p);
        final long tag = area.buffer(p, 8).getLong(0);
        assertEquals(p, area.allocate(64));
        area.buffer(p, 8).putLong(0, tag);
        area.trim();
        area.free(p);
        assertEquals(0, area.bytesInUse());
        area.verify();
    }

    @Test
    void anEndedThreadsMagazineGoesToTheNextThreadOrToTrim() throws Exception
    {
        final SharedArea area = registry.area("a");
        runInThread(() -> free(area, allocate(area, 128, 20)));
        final long cached = area.cachedBytes();
        assertTrue(cached > 0);
        assertEquals(0, area.bytesInUse());
        runInThread(() ->
        {
            final long p = area.allocate(128);
            assertEquals(cached - 128, area.cachedBytes(), "the new thread took the ended one's slot and blocks");
            area.free(p);
        });
        area.trim();
        assertEquals(0, area.cachedBytes(), "trim empties the magazines of ended threads");
        assertEquals(0, area.segmentCount());
        area.verify();
    }

    @Test
    void theMagazineOfADeadProcessIsReclaimed() throws Exception
    {
        final SharedArea area = registry.area("a");
        final long kept = area.allocate(5000);
        runInThread(() ->
        {
            free(area, allocate(area, 8, 30));
            free(area, allocate(area, 512, 30));
        });
        final long cached = area.cachedBytes();
        assertTrue(cached > 0);
        final UnsafeBuffer control = control();
        final long self = SharedMutex.ownerWord(ProcessIdentity.current());
        final long dead = SharedMutex.ownerWord(deadProcess());
        int slots = 0;
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            if (control.getLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET) == self)
            {
                control.putLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET, dead);
                slots++;
            }
        }
        assertEquals(1, slots);
        assertEquals(cached, area.cachedBytes(), "a dead process's cached blocks wait to be reclaimed");
        assertEquals(5120, area.bytesInUse());
        area.verify();
        assertEquals(0, area.cachedBytes(), "verify reclaimed them");
        assertEquals(5120, area.bytesInUse());
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            assertEquals(0, control.getLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET), "slot " + s + " is free again");
        }
        area.free(kept);
        area.trim();
        assertEquals(0, area.segmentCount());
    }

    @Test
    void aDeadProcessThatDiedSheddingItsLastCachedBlockIsUndoneBeforeItsSlotIsFreed() throws Exception
    {
        final SharedArea area = registry.area("a");
        final List<Long> kept = new ArrayList<>();
        runInThread(() ->
        {
            kept.addAll(allocate(area, 64, 8));
            area.free(kept.remove(7));
        });
        assertEquals(64, area.cachedBytes());
        final UnsafeBuffer control = control();
        final long self = SharedMutex.ownerWord(ProcessIdentity.current());
        final long dead = SharedMutex.ownerWord(deadProcess());
        int slot = -1;
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            if (control.getLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET) == self)
            {
                slot = magazineOffset(s);
            }
        }
        // It died holding the lock of class 64 B, having logged and stored its count 1 -> 0 (its object not moved yet).
        final int block = classBlockOffset(7);
        final UndoLog log = new UndoLog(control, block + CLASS_LOG_COUNT_OFFSET, block + CLASS_LOG_ENTRIES_OFFSET, CLASS_LOG_CAPACITY, CorruptFileException::new);
        log.putInt(0, control, magazineCountOffset(slot, 7), 0);
        control.putLong(block + CLASS_LOCK_OFFSET, dead);
        control.putLong(slot + MAGAZINE_OWNER_OFFSET, dead);
        assertEquals(0, area.cachedBytes());

        area.verify();
        assertEquals(0, area.cachedBytes(), "the undone count's object went back to its superblock");
        assertEquals(7 * 64, area.bytesInUse());
        assertEquals(0, control.getLong(slot + MAGAZINE_OWNER_OFFSET));
        free(area, kept);
        area.trim();
        assertEquals(0, area.segmentCount());
    }

    @Test
    void verifyReportsAnInconsistentMagazine()
    {
        final SharedArea area = registry.area("a");
        final long p = area.allocate(64);
        area.free(p);
        final UnsafeBuffer control = control();
        final long self = SharedMutex.ownerWord(ProcessIdentity.current());
        int slot = -1;
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            if (control.getLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET) == self)
            {
                slot = magazineOffset(s);
            }
        }
        final int countOffset = magazineCountOffset(slot, 7);
        final int count = control.getInt(countOffset);
        control.putLong(magazineEntryOffset(slot, 7, count), control.getLong(magazineEntryOffset(slot, 7, count - 1)));
        control.putInt(countOffset, count + 1);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, area::verify);
        assertTrue(ex.getMessage().contains("magazine slot " + (slot - MAGAZINES_OFFSET) / MAGAZINE_SLOT_LENGTH +
            ", class 64 B holds pointer 0x" + Long.toHexString(p) + ", which another magazine entry holds too"), ex.getMessage());
        control.putInt(countOffset, count);
        area.verify();
    }

    @Test
    void threadsBeyondTheSlotsAllocateUnderTheLocks() throws Exception
    {
        final SharedArea area = registry.area("a");
        final int threads = MAGAZINE_SLOTS + 4;
        final CountDownLatch allocated = new CountDownLatch(threads);
        final CountDownLatch release = new CountDownLatch(1);
        final List<CheckedThread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            workers.add(CheckedThread.start("worker " + t, () ->
            {
                final List<Long> blocks = allocate(area, 48, 50);
                allocated.countDown();
                assertTrue(release.await(60, TimeUnit.SECONDS), "released");
                free(area, blocks);
            }));
        }
        try
        {
            assertTrue(allocated.await(60, TimeUnit.SECONDS), "every worker allocated");
            assertEquals(threads * 50 * 48, area.bytesInUse());
        }
        finally
        {
            release.countDown();
            for (final CheckedThread worker : workers)
            {
                worker.join();
            }
        }
        assertEquals(0, area.bytesInUse());
        area.verify();
        area.trim();
        assertEquals(0, area.cachedBytes());
    }

    private static List<Long> allocate(final SharedArea area, final int size, final int count)
    {
        final List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final long p = area.allocate(size);
            area.buffer(p, size).setMemory(0, size, (byte)i);
            blocks.add(p);
        }
        return blocks;
    }

    private static void free(final SharedArea area, final List<Long> blocks)
    {
        for (final long p : blocks)
        {
            area.free(p);
        }
    }

    private static void runInThread(final Runnable task) throws Exception
    {
        TestAreas.inThread(() ->
        {
            task.run();
            return null;
        });
    }

    private UnsafeBuffer control()
    {
        return mapPart(0, CONTROL_LENGTH);
    }
}
