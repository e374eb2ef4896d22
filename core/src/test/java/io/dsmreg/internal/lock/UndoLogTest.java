package io.dsmreg.internal.lock;

import io.dsmreg.CorruptFileException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UndoLogTest
{
    private static final int CAPACITY = 4;
    private static final int COUNT_OFFSET = 4;
    private static final int ENTRIES_OFFSET = 8;

    private final UnsafeBuffer logMemory = new UnsafeBuffer(new byte[ENTRIES_OFFSET + CAPACITY * UndoLog.ENTRY_LENGTH]);
    private final UndoLog log = new UndoLog(logMemory, COUNT_OFFSET, ENTRIES_OFFSET, CAPACITY, CorruptFileException::new);
    private final UnsafeBuffer data = new UnsafeBuffer(new byte[64]);

    @Test
    void aWriteGoesThroughAfterItsOldValueIsLogged()
    {
        data.putLong(16, 5);
        log.putLong(2, data, 16, 6);
        assertEquals(6, data.getLong(16));
        assertEquals(1, logMemory.getInt(COUNT_OFFSET), "the count includes the entry");
        assertEquals(2L << 40 | 16 << 1 | 1, logMemory.getLong(ENTRIES_OFFSET), "part 2, offset 16, a long");
        assertEquals(5, logMemory.getLong(ENTRIES_OFFSET + 8), "the old value");
        log.putInt(3, data, 40, 7);
        assertEquals(7, data.getInt(40));
        assertEquals(2, logMemory.getInt(COUNT_OFFSET));
        assertEquals(3L << 40 | 40 << 1, logMemory.getLong(ENTRIES_OFFSET + UndoLog.ENTRY_LENGTH), "part 3, offset 40, an int");
        assertEquals(0, logMemory.getLong(ENTRIES_OFFSET + UndoLog.ENTRY_LENGTH + 8));
    }

    @Test
    void anUnchangedValueIsNotLogged()
    {
        data.putLong(0, 3);
        data.putInt(8, 4);
        log.putLong(0, data, 0, 3);
        log.putInt(0, data, 8, 4);
        assertTrue(log.isEmpty());
    }

    @Test
    void rollbackRestoresEveryWriteNewestFirst()
    {
        data.putLong(0, 1);
        log.putLong(0, data, 0, 2);
        log.putLong(0, data, 0, 3);
        log.putLong(0, data, 0, 4);
        assertFalse(log.isEmpty());
        assertEquals(3, log.rollback(part -> data));
        assertEquals(1, data.getLong(0), "the value before the first write, not an intermediate one");
        assertTrue(log.isEmpty());
    }

    @Test
    void rollbackRestoresAnIntWithoutTouchingItsNeighbours()
    {
        data.putInt(8, -1);
        data.putInt(12, 0x0ABC_DEF0);
        data.putLong(16, Long.MIN_VALUE);
        log.putInt(0, data, 8, 9);
        log.putLong(0, data, 16, 10);
        data.putInt(12, 77);
        log.rollback(part -> data);
        assertEquals(-1, data.getInt(8), "a negative int comes back whole");
        assertEquals(77, data.getInt(12), "the int beside a logged int is not written");
        assertEquals(Long.MIN_VALUE, data.getLong(16));
    }

    @Test
    void rollbackWritesEachValueBackToThePartItCameFrom()
    {
        final UnsafeBuffer part0 = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer part5 = new UnsafeBuffer(new byte[1 << 20]);
        final int highOffset = (1 << 20) - 8;
        part0.putLong(24, 100);
        part5.putLong(24, 500);
        part5.putLong(highOffset, 501);
        log.putLong(0, part0, 24, 1);
        log.putLong(5, part5, 24, 2);
        log.putLong(5, part5, highOffset, 3);
        final UnsafeBuffer[] parts = {part0, null, null, null, null, part5};
        assertEquals(3, log.rollback(part -> parts[part]));
        assertEquals(100, part0.getLong(24));
        assertEquals(500, part5.getLong(24));
        assertEquals(501, part5.getLong(highOffset));
    }

    @Test
    void commitKeepsTheWritesAndEmptiesTheLog()
    {
        log.putLong(0, data, 0, 5);
        log.putInt(0, data, 8, 6);
        log.commit();
        assertTrue(log.isEmpty());
        assertEquals(0, log.rollback(part -> data), "nothing left to undo");
        assertEquals(5, data.getLong(0));
        assertEquals(6, data.getInt(8));
    }

    @Test
    void anotherViewOfTheSameMemoryRollsBackWhatTheFirstLogged()
    {
        data.putLong(0, 1);
        log.putLong(0, data, 0, 2);
        final UndoLog taker = new UndoLog(logMemory, COUNT_OFFSET, ENTRIES_OFFSET, CAPACITY, CorruptFileException::new);
        assertFalse(taker.isEmpty(), "the log lives in shared memory, not in the object");
        assertEquals(1, taker.rollback(part -> data));
        assertEquals(1, data.getLong(0));
        assertTrue(log.isEmpty());
    }

    @Test
    void aRollbackThatDiesHalfWayLeavesTheLogForTheNextTaker()
    {
        data.putLong(0, 1);
        data.putLong(8, 2);
        log.putLong(0, data, 0, 10);
        log.putLong(1, data, 8, 20);
        // Part 0 is a view of the same memory whose writes at offset 0 fail: the taker dies at the older entry.
        final UnsafeBuffer dying = new UnsafeBuffer(data)
        {
            @Override
            public void putLongRelease(final int index, final long value)
            {
                if (index == 0)
                {
                    throw new RuntimeException("died while rolling back");
                }
                super.putLongRelease(index, value);
            }
        };
        assertThrows(RuntimeException.class, () -> log.rollback(part -> part == 0 ? dying : data));
        assertEquals(2, data.getLong(8), "the newest write was undone before the death");
        assertFalse(log.isEmpty(), "the count still covers every entry");
        assertEquals(2, log.rollback(part -> data), "rolling back again is harmless");
        assertEquals(1, data.getLong(0));
        assertEquals(2, data.getLong(8));
    }

    @Test
    void aFullLogRefusesTheWriteBeforeMakingIt()
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            log.putInt(0, data, 4 * i, i + 1);
        }
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> log.putInt(0, data, 32, 9));
        assertEquals("its count is 4 inside an operation, which makes fewer than 4 writes", ex.getMessage());
        assertEquals(0, data.getInt(32), "the refused write was not made");
        assertEquals(CAPACITY, log.rollback(part -> data));
        for (int i = 0; i < CAPACITY; i++)
        {
            assertEquals(0, data.getInt(4 * i));
        }
    }

    @Test
    void aCountOutsideTheCapacityIsRefusedAndNothingIsWritten()
    {
        data.putLong(0, 1);
        logMemory.putLong(ENTRIES_OFFSET, 1);
        logMemory.putLong(ENTRIES_OFFSET + 8, 99);
        logMemory.putInt(COUNT_OFFSET, CAPACITY + 1);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> log.rollback(part -> data));
        assertEquals("its count is 5, outside 0..4", ex.getMessage());
        logMemory.putInt(COUNT_OFFSET, -1);
        assertThrows(CorruptFileException.class, () -> log.rollback(part -> data));
        assertEquals(1, data.getLong(0), "a corrupt log undoes nothing");
    }

    @Test
    void anEntryOutsideItsPartIsRefusedBeforeAnythingIsUndone()
    {
        log.putLong(0, data, 0, 5);
        log.putLong(0, data, 8, 6);
        // The older entry now names an offset past the end of its part: a damaged log.
        logMemory.putLong(ENTRIES_OFFSET, ((long)data.capacity() << 1) | 1);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> log.rollback(part -> data));
        assertEquals("entry 0 undoes a write at offset " + data.capacity() + " of part 0, which has " + data.capacity() +
            " bytes (or is not aligned there)", ex.getMessage());
        assertEquals(6, data.getLong(8), "the newer, valid entry was not undone either");
        assertEquals(5, data.getLong(0));
    }

    @Test
    void alignmentIsCheckedOnTheAddressNotOnTheOffset()
    {
        // A part that starts 2 bytes into its memory: offset 6 is a long's aligned address there, offset 8 is not.
        final byte[] memory = new byte[66];
        final UnsafeBuffer part = new UnsafeBuffer(memory, 2, 64);
        assertEquals(0, (part.addressOffset() + 6) & 7, "the JVM's byte[] base is 8-aligned, as the test assumes");
        part.putLong(6, 11);
        log.putLong(0, part, 6, 12);
        assertEquals(1, log.rollback(p -> part));
        assertEquals(11, part.getLong(6), "an aligned address at an odd offset is undone");

        logMemory.putInt(COUNT_OFFSET, 1);
        logMemory.putLong(ENTRIES_OFFSET, (8L << 1) | 1);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> log.rollback(p -> part));
        assertEquals("entry 0 undoes a write at offset 8 of part 0, which has 64 bytes (or is not aligned there)", ex.getMessage());
    }

    @Test
    void entriesThatDoNotFitTheBufferAreRefused()
    {
        assertThrows(IndexOutOfBoundsException.class, () -> new UndoLog(logMemory, COUNT_OFFSET, ENTRIES_OFFSET, CAPACITY + 1, CorruptFileException::new));
        assertThrows(IndexOutOfBoundsException.class, () -> new UndoLog(logMemory, logMemory.capacity() - 2, ENTRIES_OFFSET, 1, CorruptFileException::new));
    }
}
