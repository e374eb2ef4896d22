package io.dsmreg.internal.area;

import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.AreaDescriptor.*;

/**
 * An area's statistics as its control file holds them, read without locks: the one place that
 * reads them, for {@code SharedArea}, registry listings, the MBean and the CLI. Each counter is
 * exact between operations; a read during one may mix before and after.
 *
 * @param reservedBytes all of the area's files: what PostgreSQL 19 reports as an area's size.
 * @param bytesInUse    allocated bytes, each allocation counted at its size class or whole pages;
 *                      free objects held in magazines are not in use.
 * @param segmentCount  data segments (files besides the control file).
 * @param cachedBytes   free objects held in the magazines of threads (and of dead processes until
 *                      they are reclaimed), counted at their size class.
 */
public record AreaStatistics(long reservedBytes, long bytesInUse, long segmentCount, long cachedBytes)
{
    /** From a mapped (or copied) control file. */
    public static AreaStatistics of(final UnsafeBuffer control)
    {
        long inUse = control.getLongVolatile(LARGE_BYTES_IN_USE_OFFSET);
        for (int sizeClass = 0; sizeClass < SIZE_CLASS_COUNT; sizeClass++)
        {
            inUse += control.getLongVolatile(classBlockOffset(sizeClass) + CLASS_BYTES_IN_USE_OFFSET);
        }
        long cached = 0;
        for (int slot = 0; slot < MAGAZINE_SLOTS; slot++)
        {
            for (int sizeClass = 0; sizeClass < MAGAZINE_CLASSES; sizeClass++)
            {
                final int count = control.getIntVolatile(magazineCountOffset(magazineOffset(slot), sizeClass));
                cached += (long)Math.max(0, Math.min(count, MAGAZINE_CAPACITY)) * SizeClasses.size(sizeClass);
            }
        }
        return new AreaStatistics(control.getLongVolatile(RESERVED_BYTES_OFFSET), Math.max(0, inUse - cached),
            control.getLongVolatile(SEGMENT_COUNT_OFFSET), cached);
    }

    /**
     * From the control file of the area with {@code fileId} in a registry directory, without
     * mapping it; null if it is missing, unreadable or not a published area control file.
     */
    public static AreaStatistics read(final Path directory, final long fileId)
    {
        final Path file = EntryFiles.path(directory, fileId, 0);
        final byte[] bytes = MappedFiles.readQuietly(file, CONTROL_LENGTH);
        if (bytes == null)
        {
            return null;
        }
        final UnsafeBuffer control = new UnsafeBuffer(bytes);
        return AreaAllocator.CONTROL_FILE.isPublished(control) ? of(control) : null;
    }
}
