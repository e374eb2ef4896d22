package io.dsmreg.internal.lock;

import io.dsmreg.CheckedThread;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/** The one seqlock: its version word over an absolute address, as the registry table and the hash partitions use it. */
class SeqLockTest
{
    /** A version word and two fields it guards, each on its own 8 bytes. */
    private final UnsafeBuffer memory = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final long version = memory.addressOffset();

    @Test
    void theVersionIsOddWhileWritingAndEvenAfterAndEveryWriteRaisesItByTwo()
    {
        assertEquals(0, SeqLock.version(version));
        assertFalse(SeqLock.isWriting(SeqLock.beginRead(version)));
        SeqLock.beginWrite(version);
        assertEquals(1, SeqLock.version(version));
        assertTrue(SeqLock.isWriting(SeqLock.beginRead(version)), "odd while writing");
        SeqLock.endWrite(version);
        assertEquals(2, SeqLock.version(version));
        assertFalse(SeqLock.isWriting(SeqLock.beginRead(version)), "even after");
        SeqLock.beginWrite(version);
        SeqLock.endWrite(version);
        assertEquals(4, SeqLock.version(version));
    }

    @Test
    void validateFailsForAReadAWriteIntervenedInOrThatBeganDuringAWrite()
    {
        final long before = SeqLock.beginRead(version);
        assertTrue(SeqLock.validate(version, before), "nothing changed");
        SeqLock.beginWrite(version);
        assertFalse(SeqLock.validate(version, before), "a write is in progress");
        final long during = SeqLock.beginRead(version);
        assertFalse(SeqLock.validate(version, during), "a read that began during a write is never valid, even unchanged");
        SeqLock.endWrite(version);
        assertFalse(SeqLock.validate(version, before), "a write came and went");
        assertFalse(SeqLock.validate(version, during));
        assertTrue(SeqLock.validate(version, SeqLock.beginRead(version)));
    }

    @Test
    void repairMakesAVersionADeadWriterLeftOddEvenAndLeavesAnEvenOneAlone()
    {
        SeqLock.beginWrite(version);
        // The writer dies here: readers see an odd version until the next writer repairs it.
        final long stuck = SeqLock.beginRead(version);
        assertTrue(SeqLock.isWriting(stuck));
        assertTrue(SeqLock.repair(version), "it was odd");
        assertEquals(2, SeqLock.version(version));
        assertFalse(SeqLock.validate(version, stuck));
        final long after = SeqLock.beginRead(version);
        assertFalse(SeqLock.isWriting(after));
        assertFalse(SeqLock.repair(version), "an even version needs no repair");
        assertEquals(2, SeqLock.version(version));
        assertTrue(SeqLock.validate(version, after), "and a repair that found nothing to do changes nothing");
    }

    @Test
    void aReaderAcceptsOnlyCopiesNoWriterIntervenedIn() throws Exception
    {
        final int writes = 200_000;
        final CheckedThread writer = CheckedThread.start("writer", () ->
        {
            for (long i = 1; i <= writes; i++)
            {
                SeqLock.beginWrite(version);
                memory.putLong(8, i);
                memory.putLong(16, -i);
                SeqLock.endWrite(version);
            }
        });
        long accepted = 0;
        long last = 0;
        while (writer.isAlive() || accepted == 0)
        {
            final long before = SeqLock.beginRead(version);
            if (SeqLock.isWriting(before))
            {
                continue;
            }
            final long first = memory.getLong(8);
            final long second = memory.getLong(16);
            if (SeqLock.validate(version, before))
            {
                assertEquals(-first, second, "a consistent copy at version " + before);
                assertTrue(first >= last, "copies never go back in time");
                last = first;
                accepted++;
            }
        }
        writer.join();
        assertEquals(2L * writes, SeqLock.version(version));
    }
}
