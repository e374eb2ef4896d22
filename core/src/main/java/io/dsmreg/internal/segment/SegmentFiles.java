package io.dsmreg.internal.segment;

import io.dsmreg.CorruptFileException;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.SegmentDescriptor.*;

/** Creates, initializes and attaches the file behind a named segment. */
public final class SegmentFiles
{
    private static final HeaderedFile FILE = new HeaderedFile("segment file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);

    private SegmentFiles()
    {
    }

    /** Creates the file, runs the initializer on the zeroed data, then publishes the header. */
    public static <A> UnsafeBuffer create(
        final Path directory, final long fileId, final String name, final long size,
        final SegmentInitializer<? super A> init, final A arg)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer mapped = FILE.create(file, HEADER_LENGTH + size, describe(name));
        mapped.putLong(DATA_LENGTH_OFFSET, size);
        mapped.putLong(FILE_ID_OFFSET, fileId);
        final UnsafeBuffer data = new UnsafeBuffer(mapped, HEADER_LENGTH, (int)size);
        if (init != null)
        {
            init.initialize(data, arg);
        }
        // Published after the initializer: whoever sees the segment ready sees everything it wrote.
        FILE.publish(mapped);
        return data;
    }

    /** Maps a published segment's file after checking its header against the registry's record. */
    public static UnsafeBuffer attach(final Path directory, final long fileId, final String name, final long size)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer mapped = FILE.attach(file, HEADER_LENGTH + size, describe(name), false);
        checkHeader(file, name, mapped, fileId, size);
        return new UnsafeBuffer(mapped, HEADER_LENGTH, (int)size);
    }

    /** Checks a published segment's file read-only, for {@code verify}. */
    public static void verify(final Path file, final String name, final long fileId, final long size)
    {
        checkHeader(file, name, FILE.attach(file, HEADER_LENGTH + size, describe(name), true), fileId, size);
    }

    /** Checks what the registry records against the header, whose prefix and ready word {@link HeaderedFile} checked. */
    private static void checkHeader(
        final Path file, final String name, final UnsafeBuffer header, final long fileId, final long size)
    {
        if (header.getLong(DATA_LENGTH_OFFSET) != size || header.getLong(FILE_ID_OFFSET) != fileId)
        {
            throw FILE.corrupt(file, describe(name), "its header records " + header.getLong(DATA_LENGTH_OFFSET) +
                " bytes for file id " + header.getLong(FILE_ID_OFFSET) + " but the registry records " + size +
                " bytes for file id " + fileId);
        }
    }

    /** The error for what lies in segment {@code name}'s file and cannot be used, in the words of every corrupt file. */
    public static CorruptFileException corrupt(final Path file, final String name, final String problem)
    {
        return FILE.corrupt(file, describe(name), problem);
    }

    private static String describe(final String name)
    {
        return "segment \"" + name + "\"";
    }
}
