package io.dsmreg.internal.queue;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.QueueDescriptor.*;

/**
 * Creates, attaches and checks the file behind a named queue ({@link io.dsmreg.internal.layout.QueueDescriptor}).
 * Every value read from the file is untrusted: the capacity is checked before it sizes a mapping, and
 * a file that disagrees with its registry slot is a {@link CorruptFileException} naming it.
 */
final class QueueFiles
{
    private static final HeaderedFile FILE = new HeaderedFile("queue file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);

    /** What a listing shows of a queue: its file's bytes, the bytes waiting in its ring, the messages received. */
    record Statistics(long fileBytes, long bytesWaiting, long messagesReceived)
    {
    }

    private QueueFiles()
    {
    }

    /** Creates the file with an empty ring (all zeroes is Agrona's empty ring) and publishes its header. */
    static UnsafeBuffer create(final Path directory, final long fileId, final String name, final int capacity, final int producers)
    {
        final UnsafeBuffer mapped = FILE.create(EntryFiles.path(directory, fileId, 0), fileLength(capacity), describe(name));
        mapped.putInt(PRODUCERS_OFFSET, producers);
        mapped.putLong(CAPACITY_OFFSET, capacity);
        mapped.putLong(FILE_ID_OFFSET, fileId);
        FILE.publish(mapped);
        return mapped;
    }

    /** Maps a published queue's file whole after checking its header; its capacity comes from the header, checked. */
    static UnsafeBuffer attach(final Path directory, final long fileId, final String name)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
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

    /** Checks a published queue's file read-only against its registry slot, positions included, for {@code verify}. */
    static void verify(final Path directory, final String name, final long fileId, final long capacity)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        if (!isValidCapacity(capacity))
        {
            throw FILE.corrupt(file, describe(name), "its registry slot records a capacity of " + capacity +
                ", not a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY);
        }
        final UnsafeBuffer mapped = FILE.attach(file, fileLength((int)capacity), describe(name), true);
        checkHeader(file, name, mapped, fileId, capacity);
        final long head = mapped.getLongVolatile(HEADER_LENGTH + (int)capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET);
        final long tail = mapped.getLongVolatile(HEADER_LENGTH + (int)capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET);
        if (head < 0 || tail - head < 0 || tail - head > capacity)
        {
            throw FILE.corrupt(file, describe(name), "its ring's consumer position is " + head + " and its producer " +
                "position " + tail + ": the producer must be ahead by 0 to " + capacity + " bytes");
        }
    }

    /** Read-only and without locks, for listings; null if the file is missing or not a published queue of this version. */
    static Statistics read(final Path directory, final long fileId, final long capacity)
    {
        if (!isValidCapacity(capacity))
        {
            return null;
        }
        final UnsafeBuffer mapped;
        try
        {
            mapped = new UnsafeBuffer(MappedFiles.mapExistingReadOnly(
                EntryFiles.path(directory, fileId, 0), fileLength((int)capacity), "a queue"));
        }
        catch (final DsmRegistryException ex)
        {
            return null;
        }
        if (!FILE.isPublished(mapped) || mapped.getLong(CAPACITY_OFFSET) != capacity)
        {
            return null;
        }
        final long head = mapped.getLongVolatile(HEADER_LENGTH + (int)capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET);
        final long tail = mapped.getLongVolatile(HEADER_LENGTH + (int)capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET);
        return new Statistics(
            mapped.capacity(), Math.max(0, Math.min(capacity, tail - head)), Math.max(0, mapped.getLongVolatile(RECEIVED_OFFSET)));
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

    private static String describe(final String name)
    {
        return "queue \"" + name + "\"";
    }
}
