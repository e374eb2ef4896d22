package io.dsmreg.internal.sharedlock;

import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.lock.RobustLock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.LockDescriptor.*;

/** Creates, attaches and checks the file behind a named lock: a header and one lock region. */
final class LockFiles
{
    private static final HeaderedFile FILE = new HeaderedFile("lock file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, "Stop the processes that use the lock first. " + HeaderedFile.REMOVE_ENTRY);

    private LockFiles()
    {
    }

    /** Creates the file with a free lock, then publishes it. */
    static RobustLock create(final Path directory, final long fileId, final String name)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer mapped = FILE.create(file, FILE_LENGTH, describe(name));
        mapped.putLong(FILE_ID_OFFSET, fileId);
        RobustLock.initialize(mapped, HEADER_LENGTH);
        // Published after the region: whoever sees the file ready sees a free lock.
        FILE.publish(mapped);
        return RobustLock.attach(mapped, HEADER_LENGTH, describe(name), problem -> FILE.corrupt(file, describe(name), problem));
    }

    /**
     * Maps a published lock file after checking its header and its region.
     *
     * @param readOnly true for listings and verification, which never write.
     */
    static RobustLock attach(final Path directory, final long fileId, final String name, final boolean readOnly)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final UnsafeBuffer mapped = FILE.attach(file, FILE_LENGTH, describe(name), readOnly);
        if (mapped.getLong(FILE_ID_OFFSET) != fileId)
        {
            throw FILE.corrupt(file, describe(name), "its header records file id " + mapped.getLong(FILE_ID_OFFSET) +
                " but the registry records " + fileId);
        }
        return RobustLock.attach(mapped, HEADER_LENGTH, describe(name), problem -> FILE.corrupt(file, describe(name), problem));
    }

    static String describe(final String name)
    {
        return "lock \"" + name + "\"";
    }
}
