package io.dsmreg.internal.queue;

import io.dsmreg.CorruptFileException;
import io.dsmreg.QueueOptions;
import io.dsmreg.QueueState;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.layout.Magic;
import io.dsmreg.internal.layout.QueueDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class QueueFilesTest
{
    @TempDir
    Path directory;

    @Test
    void attachesWhatItCreatedAndListsTheBytesWaiting()
    {
        final UnsafeBuffer created = QueueFiles.create(directory, 3, "q", 1024, QueueDescriptor.PRODUCERS_ONE);
        created.putLong(QueueDescriptor.HEADER_LENGTH + 1024 + RingBufferDescriptor.TAIL_POSITION_OFFSET, 48);
        created.putLong(QueueDescriptor.RECEIVED_OFFSET, 5);
        final UnsafeBuffer attached = QueueFiles.attach(directory, 3, "q");
        assertEquals(QueueDescriptor.PRODUCERS_ONE, attached.getInt(QueueDescriptor.PRODUCERS_OFFSET));
        // Three records of 16 bytes, received: the head at the tail.
        created.putLong(QueueDescriptor.HEADER_LENGTH + 1024 + RingBufferDescriptor.HEAD_POSITION_OFFSET, 48);
        assertEquals(new QueueState(1024, QueueOptions.Producers.ONE, 48, 48, 0, 0, 5L, 5, 0), QueueFiles.read(directory, "q", 3, 1024));
        QueueFiles.verify(directory, "q", 3, 1024);
        assertNull(QueueFiles.read(directory, "q", 4, 1024), "a missing file (an entry being removed) lists as unknown");
    }

    @Test
    void aDamagedCapacityIsACorruptFileNamingItNeverAnOutOfBoundsMapping() throws Exception
    {
        QueueFiles.create(directory, 3, "q", 1024, QueueDescriptor.PRODUCERS_MANY);
        final Path file = EntryFiles.path(directory, 3, 0);
        for (final long damaged : new long[] {1L << 40, 1000, 0, 2048})
        {
            write(file, QueueDescriptor.CAPACITY_OFFSET, damaged);
            final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> QueueFiles.attach(directory, 3, "q"));
            assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains(Long.toString(damaged)), ex.getMessage());
            assertThrows(CorruptFileException.class, () -> QueueFiles.verify(directory, "q", 3, 1024));
            assertThrows(CorruptFileException.class, () -> QueueFiles.read(directory, "q", 3, 1024), "listings say so too");
        }
        write(file, QueueDescriptor.CAPACITY_OFFSET, 1024);
        QueueFiles.verify(directory, "q", 3, 1024);
        write(file, QueueDescriptor.HEADER_LENGTH + 1024 + RingBufferDescriptor.HEAD_POSITION_OFFSET, 4096);
        final CorruptFileException positions = assertThrows(CorruptFileException.class, () -> QueueFiles.verify(directory, "q", 3, 1024));
        assertTrue(positions.getMessage().contains("consumer position is 4096"), positions.getMessage());
        assertThrows(CorruptFileException.class, () -> QueueFiles.read(directory, "q", 3, 1024));
        // Producers is an int before the capacity: the long written keeps the capacity's low half at 1024.
        write(file, QueueDescriptor.PRODUCERS_OFFSET, 1024L << 32 | 7);
        final CorruptFileException producers = assertThrows(CorruptFileException.class, () -> QueueFiles.attach(directory, 3, "q"));
        assertTrue(producers.getMessage().contains("producers 7"), producers.getMessage());
    }

    @Test
    void aFileOfAnotherEntryOrKindIsRefused() throws Exception
    {
        QueueFiles.create(directory, 3, "q", 1024, QueueDescriptor.PRODUCERS_MANY);
        final Path file = EntryFiles.path(directory, 3, 0);
        Files.copy(file, EntryFiles.path(directory, 4, 0));
        final CorruptFileException other = assertThrows(CorruptFileException.class, () -> QueueFiles.attach(directory, 4, "q"));
        assertTrue(other.getMessage().contains("for file id 3") && other.getMessage().contains("for file id 4"), other.getMessage());
        assertThrows(CorruptFileException.class, () -> QueueFiles.verify(directory, "q", 4, 1024));

        write(file, 0, Magic.of("dsmregSG"));
        final CorruptFileException magic = assertThrows(CorruptFileException.class, () -> QueueFiles.attach(directory, 3, "q"));
        assertTrue(magic.getMessage().contains(file.toString()) && magic.getMessage().contains("not a dsmreg queue file"), magic.getMessage());
        final CorruptFileException listed = assertThrows(CorruptFileException.class, () -> QueueFiles.read(directory, "q", 3, 1024));
        assertTrue(listed.getMessage().contains(file.toString()), "a file of another kind is named in listings: " + listed.getMessage());
    }

    private static void write(final Path file, final int offset, final long value) throws Exception
    {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw"))
        {
            raw.seek(offset);
            raw.writeLong(Long.reverseBytes(value));
        }
    }
}
