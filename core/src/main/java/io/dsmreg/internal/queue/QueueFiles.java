package io.dsmreg.internal.queue;

import io.dsmreg.CorruptFileException;
import io.dsmreg.QueueOptions;
import io.dsmreg.QueueState;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.dsmreg.internal.layout.QueueDescriptor.*;

/**
 * Creates, attaches and checks the file behind a named queue ({@link io.dsmreg.internal.layout.QueueDescriptor}).
 * Every value read from the file is untrusted: the capacity is checked before it sizes a mapping, and
 * a file that disagrees with its registry slot, or holds a value no queue can, is a {@link CorruptFileException}
 * naming it.
 */
final class QueueFiles
{
    private static final HeaderedFile FILE = new HeaderedFile("queue file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);

    private QueueFiles()
    {
    }

    /** Creates the file with an empty ring (all zeroes is Agrona's empty ring) and publishes its header. */
    static UnsafeBuffer create(final Path directory, final long fileId, final String name, final int capacity, final int producers)
    {
        final UnsafeBuffer mapped = FILE.create(path(directory, fileId), fileLength(capacity), describe(name));
        mapped.putInt(PRODUCERS_OFFSET, producers);
        mapped.putLong(CAPACITY_OFFSET, capacity);
        mapped.putLong(FILE_ID_OFFSET, fileId);
        FILE.publish(mapped);
        return mapped;
    }

    /** Maps a published queue's file whole after checking its header; its capacity comes from the header, checked. */
    static UnsafeBuffer attach(final Path directory, final long fileId, final String name)
    {
        final Path file = path(directory, fileId);
        // Mapped whole (MappedFiles maps a file's full length), then measured against the capacity it records.
        final UnsafeBuffer mapped = FILE.attach(file, HEADER_LENGTH, describe(name), false);
        final long capacity = checkedCapacity(file, name, mapped);
        if (mapped.capacity() < fileLength((int)capacity))
        {
            throw FILE.corrupt(file, describe(name), "it is " + mapped.capacity() + " bytes, shorter than the " +
                fileLength((int)capacity) + " its capacity of " + capacity + " needs");
        }
        checkHeader(file, name, mapped, fileId, capacity);
        return mapped;
    }

    /**
     * Checks a published queue's file read-only against its registry slot, positions and waiting records
     * included, for {@code verify}.
     *
     * @throws CorruptFileException naming the file and what is wrong with it, also when it is missing.
     */
    static void verify(final Path directory, final String name, final long fileId, final long capacity)
    {
        state(directory, name, fileId, capacity);
    }

    /**
     * A published queue's state for listings, read-only and without locks ({@link QueueStateReader}).
     *
     * @return its state, or null if its file is gone (the entry is being removed).
     * @throws CorruptFileException naming the file and what is wrong with it.
     */
    static QueueState read(final Path directory, final String name, final long fileId, final long capacity)
    {
        try
        {
            return state(directory, name, fileId, capacity);
        }
        catch (final CorruptFileException ex)
        {
            if (ex.getCause() instanceof NoSuchFileException)
            {
                return null;
            }
            throw ex;
        }
    }

    /** The state of a queue whose {@code mapped} file's header was checked ({@link #attach}, {@link #create}). */
    static QueueState state(final Path file, final String name, final UnsafeBuffer mapped)
    {
        return QueueStateReader.read(mapped, (int)mapped.getLong(CAPACITY_OFFSET),
            mapped.getInt(PRODUCERS_OFFSET) == PRODUCERS_ONE ? QueueOptions.Producers.ONE : QueueOptions.Producers.MANY,
            problem -> FILE.corrupt(file, describe(name), problem));
    }

    /** The file of queue {@code fileId}: queues have one. */
    static Path path(final Path directory, final long fileId)
    {
        return EntryFiles.path(directory, fileId, 0);
    }

    private static QueueState state(final Path directory, final String name, final long fileId, final long capacity)
    {
        final Path file = path(directory, fileId);
        if (!isValidCapacity(capacity))
        {
            throw FILE.corrupt(file, describe(name), "its registry slot records a capacity of " + capacity +
                ", not a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY);
        }
        final UnsafeBuffer mapped = FILE.attach(file, fileLength((int)capacity), describe(name), true);
        checkHeader(file, name, mapped, fileId, capacity);
        return state(file, name, mapped);
    }

    /** The ring buffer's part of a queue's mapping: data and trailer. */
    static UnsafeBuffer ring(final UnsafeBuffer mapped, final int capacity)
    {
        return new UnsafeBuffer(mapped, HEADER_LENGTH, capacity + RingBufferDescriptor.TRAILER_LENGTH);
    }

    private static long checkedCapacity(final Path file, final String name, final UnsafeBuffer header)
    {
        final long capacity = header.getLong(CAPACITY_OFFSET);
        if (!isValidCapacity(capacity))
        {
            throw FILE.corrupt(file, describe(name), "its header records a capacity of " + capacity +
                ", not a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY);
        }
        return capacity;
    }

    /** Checks what the registry records, and the producers field, against the header HeaderedFile checked. */
    private static void checkHeader(
        final Path file, final String name, final UnsafeBuffer header, final long fileId, final long capacity)
    {
        if (header.getLong(CAPACITY_OFFSET) != capacity || header.getLong(FILE_ID_OFFSET) != fileId)
        {
            throw FILE.corrupt(file, describe(name), "its header records capacity " + header.getLong(CAPACITY_OFFSET) +
                " for file id " + header.getLong(FILE_ID_OFFSET) + " but capacity " + capacity + " for file id " +
                fileId + " was expected");
        }
        final int producers = header.getInt(PRODUCERS_OFFSET);
        if (producers != PRODUCERS_ONE && producers != PRODUCERS_MANY)
        {
            throw FILE.corrupt(file, describe(name), "its header records producers " + producers + ", neither " +
                PRODUCERS_ONE + " (one) nor " + PRODUCERS_MANY + " (many)");
        }
    }

    /** The one wording of a damaged queue file found while it is used: the file, the queue, the problem, the remedy. */
    static CorruptFileException corrupt(final Path file, final String name, final String problem)
    {
        return FILE.corrupt(file, describe(name), problem);
    }

    private static String describe(final String name)
    {
        return "queue \"" + name + "\"";
    }
}
