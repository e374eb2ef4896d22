package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A lock and its undo log as one transaction, over plain memory: a dead holder's half-done operation
 * is undone by the next holder, a failed one by its own thread, and a nested transaction's taker
 * repairs the enclosing one first. (AreaCrashRepairTest does the same through an area's files.)
 */
class AreaTransactionTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int LOCK = 0;
    private static final int LOG_COUNT = 8;
    private static final int LOG_ENTRIES = 64;
    private static final int LOG_CAPACITY = 8;
    private static final int OUTER = 1024;

    /** Two locks with their logs (this transaction's at 0, the enclosing one's at 1024), then the data they protect at 2048. */
    private final UnsafeBuffer memory = new UnsafeBuffer(new byte[4096]);
    private final List<String> outcomes = new ArrayList<>();
    private final AreaTransaction outer = transaction(OUTER, null, "outer");
    private final AreaTransaction inner = transaction(0, outer, "inner");

    @Test
    void aDeadHoldersHalfDoneOperationIsRolledBackByTheNextHolder()
    {
        memory.putLong(2048, 1);
        memory.putInt(2056, 2);
        final UndoLog log = log(0);
        log.putLong(0, memory, 2048, 10);
        log.putInt(0, memory, 2056, 20);
        memory.putLong(LOCK, TestAreas.deadOwner());

        inner.begin();
        assertEquals(1, memory.getLong(2048), "undone");
        assertEquals(2, memory.getInt(2056), "undone");
        assertTrue(log.isEmpty());
        assertEquals(List.of("inner rolled back"), outcomes);
        assertEquals(ProcessIdentity.current().pid(), memory.getLong(LOCK) >>> 32, "the taker holds the lock");
        inner.end();
        assertEquals(0, memory.getLong(LOCK));
    }

    @Test
    void aLogLeftNotEmptyUnderAFreeLockIsRolledBackToo()
    {
        memory.putLong(2048, 1);
        log(0).putLong(0, memory, 2048, 10);

        inner.begin();
        inner.end();
        assertEquals(1, memory.getLong(2048));
        assertEquals(List.of("inner rolled back"), outcomes);
    }

    @Test
    void anOperationThatThrowsIsUndoneAndReleasesTheLock()
    {
        memory.putLong(2048, 1);
        final IllegalStateException thrown = new IllegalStateException("half way");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> inner.run(() ->
        {
            inner.putLong(0, memory, 2048, 10);
            inner.putInt(0, memory, 2056, 20);
            throw thrown;
        })));
        assertEquals(1, memory.getLong(2048));
        assertEquals(0, memory.getInt(2056));
        assertTrue(log(0).isEmpty());
        assertEquals(0, memory.getLong(LOCK), "released");
        assertEquals(List.of("inner rolled back"), outcomes);
    }

    @Test
    void aCommittedOperationStays()
    {
        assertEquals(7, inner.run(() ->
        {
            inner.putLong(0, memory, 2048, 10);
            return 7;
        }));
        assertEquals(10, memory.getLong(2048));
        assertTrue(log(0).isEmpty());
        assertEquals(0, memory.getLong(LOCK));
        assertEquals(List.of("inner committed"), outcomes);
        inner.begin();
        inner.end();
        assertEquals(10, memory.getLong(2048), "nothing left to undo");
    }

    @Test
    void theTakerOfANestedTransactionFirstRepairsTheEnclosingOneItsDeadHolderLeft()
    {
        // Died inside an operation of the enclosing transaction that it began while holding this one,
        // having committed this one's log first (the nesting rule).
        memory.putInt(2048, 1);
        log(OUTER).putInt(0, memory, 2048, 5);
        final long dead = TestAreas.deadOwner();
        memory.putLong(LOCK, dead);
        memory.putLong(OUTER + LOCK, dead);

        inner.begin();
        assertEquals(1, memory.getInt(2048), "the enclosing operation was undone");
        assertEquals(0, memory.getLong(OUTER + LOCK), "and its lock released again");
        assertEquals(List.of("outer rolled back", "inner rolled back"), outcomes);
        inner.end();
    }

    private AreaTransaction transaction(final int base, final AreaTransaction enclosing, final String name)
    {
        final AreaTransaction.Outcome outcome = new AreaTransaction.Outcome()
        {
            @Override
            public void committed()
            {
                outcomes.add(name + " committed");
            }

            @Override
            public void rolledBack()
            {
                outcomes.add(name + " rolled back");
            }
        };
        return new AreaTransaction(new SharedMutex(memory, base + LOCK, name), log(base), part -> memory, SECOND,
            enclosing, outcome, "area \"test\"", "the " + name + " lock");
    }

    private UndoLog log(final int base)
    {
        return new UndoLog(memory, base + LOG_COUNT, base + LOG_ENTRIES, LOG_CAPACITY, CorruptFileException::new);
    }
}
