package io.dsmreg.internal.hash;

import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.HashDescriptor.*;

/**
 * A hash table's header file as listings see it, read without mapping or locks: each count is
 * exact between operations.
 *
 * @param headerBytes the header file's length.
 * @param entries     live entries of all partitions.
 */
public record HashStatistics(long headerBytes, long entries)
{
    /** From the header file of the table with {@code fileId}; null if it is missing, unreadable, unpublished or of another version. */
    public static HashStatistics read(final Path directory, final long fileId)
    {
        final Path file = EntryFiles.path(directory, fileId, HEADER_PART);
        final byte[] bytes = MappedFiles.readQuietly(file, HEADER_LENGTH);
        if (bytes == null)
        {
            return null;
        }
        final UnsafeBuffer header = new UnsafeBuffer(bytes);
        final int partitions = header.getInt(PARTITION_COUNT_OFFSET);
        if (!HashTable.FILE.isPublished(header) ||
            partitions <= 0 || partitions > (bytes.length - HEADER_LENGTH) / PARTITION_LENGTH)
        {
            return null;
        }
        long entries = 0;
        for (int p = 0; p < partitions; p++)
        {
            entries += header.getInt(partitionOffset(p) + LIVE_OFFSET);
        }
        return new HashStatistics(bytes.length, entries);
    }
}
