package io.dsmreg.internal.segment;

import io.dsmreg.CorruptFileException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.kind.EntryInspector;
import io.dsmreg.internal.layout.Magic;
import io.dsmreg.internal.registry.SlotView;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.time.Instant;

import static io.dsmreg.internal.layout.SegmentDescriptor.*;

/** Creates, initializes and attaches the file behind a named segment. */
public final class SegmentFiles
{
    private SegmentFiles()
    {
    }

    /** Creates the file, runs the initializer on the zeroed data, then publishes the header. */
    public static <A> AtomicBuffer create(
        final Path directory, final long fileId, final String name, final long size,
        final SegmentInitializer<? super A> init, final A arg)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final MappedByteBuffer mapping = MappedFiles.createAndMap(file, HEADER_LENGTH + size, describe(name));
        final UnsafeBuffer header = new UnsafeBuffer(mapping, 0, HEADER_LENGTH);
        header.putLong(MAGIC_OFFSET, MAGIC);
        header.putInt(MAJOR_VERSION_OFFSET, MAJOR_VERSION);
        header.putInt(MINOR_VERSION_OFFSET, MINOR_VERSION);
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putLong(DATA_LENGTH_OFFSET, size);
        header.putLong(FILE_ID_OFFSET, fileId);
        final AtomicBuffer data = new UnsafeBuffer(mapping, HEADER_LENGTH, (int)size);
        if (init != null)
        {
            init.initialize(data, arg);
        }
        // Release: whoever sees the segment ready sees everything the initializer wrote.
        header.putLongRelease(READY_OFFSET, READY_VALUE);
        return data;
    }

    /** Maps a published segment's file after checking its header against the registry's record. */
    public static AtomicBuffer attach(final Path directory, final long fileId, final String name, final long size)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final MappedByteBuffer mapping = MappedFiles.mapExisting(file, HEADER_LENGTH + size, describe(name));
        checkHeader(file, name, new UnsafeBuffer(mapping, 0, HEADER_LENGTH), fileId, size);
        return new UnsafeBuffer(mapping, HEADER_LENGTH, (int)size);
    }

    /** What listings and {@code verify} read of a segment: everything is in its registry slot. */
    public static final EntryInspector INSPECTOR = new EntryInspector()
    {
        @Override
        public RegistryEntry describe(final Path directory, final SlotView ready)
        {
            return new RegistryEntry(ready.name(), EntryType.SEGMENT, ready.size(), ready.size(), null, ready.ownerPid(),
                Instant.ofEpochMilli(ready.createdAtMs()));
        }

        @Override
        public void verify(final Path directory, final SlotView ready)
        {
            final Path file = EntryFiles.path(directory, ready.fileId(), 0);
            final MappedByteBuffer mapping =
                MappedFiles.mapExistingReadOnly(file, HEADER_LENGTH + ready.size(), SegmentFiles.describe(ready.name()));
            checkHeader(file, ready.name(), new UnsafeBuffer(mapping, 0, HEADER_LENGTH), ready.fileId(), ready.size());
        }
    };

    private static void checkHeader(
        final Path file, final String name, final UnsafeBuffer header, final long fileId, final long size)
    {
        final String problem = Magic.kindAndVersionProblem(header, MAGIC, MAJOR_VERSION);
        if (problem != null)
        {
            throw corrupt(file, name, problem);
        }
        if (header.getLong(DATA_LENGTH_OFFSET) != size || header.getLong(FILE_ID_OFFSET) != fileId ||
            header.getInt(HEADER_LENGTH_OFFSET) != HEADER_LENGTH)
        {
            throw corrupt(file, name, "its header records " + header.getLong(DATA_LENGTH_OFFSET) + " bytes for file id " +
                header.getLong(FILE_ID_OFFSET) + " but the registry records " + size + " bytes for file id " + fileId);
        }
        if (header.getLongVolatile(READY_OFFSET) != READY_VALUE)
        {
            throw corrupt(file, name, "the registry says it is initialized but its header was never published");
        }
    }

    private static String describe(final String name)
    {
        return "segment \"" + name + "\"";
    }

    private static CorruptFileException corrupt(final Path file, final String name, final String problem)
    {
        return new CorruptFileException(
            "file " + file + " of segment \"" + name + "\" cannot be used: " + problem +
            ". Remove the entry (DsmRegistry.remove) to start it afresh");
    }
}
