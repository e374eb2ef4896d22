package io.dsmreg.internal.area;

import io.dsmreg.internal.layout.AreaDescriptor;
import io.dsmreg.internal.layout.AreaSegmentDescriptor;

/**
 * The small-object size classes, as in PostgreSQL's dsa.c: 8 to 64 bytes in steps of 8, then four
 * classes per doubling up to 8 KiB. Each superblock (64 KiB) starts with an allocation bitmap of
 * its objects, 64-aligned, so objects of 64 bytes and more start on a cache line.
 */
final class SizeClasses
{
    static final int COUNT = AreaDescriptor.SIZE_CLASS_COUNT;
    static final int MAX_SMALL = 8192;

    private static final int[] SIZES = new int[COUNT];
    private static final int[] CAPACITIES = new int[COUNT];
    private static final int[] BITMAP_LENGTHS = new int[COUNT];
    private static final long[] RECIPROCALS = new long[COUNT];
    private static final byte[] CLASS_BY_EIGHTHS = new byte[MAX_SMALL >>> 3];

    static
    {
        int c = 0;
        for (int size = 8; size <= 64; size += 8)
        {
            SIZES[c++] = size;
        }
        for (int base = 64; base < MAX_SMALL; base <<= 1)
        {
            for (int step = 1; step <= 4; step++)
            {
                SIZES[c++] = base + step * (base >>> 2);
            }
        }
        if (c != COUNT || SIZES[COUNT - 1] != MAX_SMALL)
        {
            throw new ExceptionInInitializerError("size class table does not match AreaDescriptor.SIZE_CLASS_COUNT");
        }
        for (int i = 0; i < COUNT; i++)
        {
            int capacity = AreaSegmentDescriptor.SUPERBLOCK_LENGTH / SIZES[i];
            int bitmap;
            while (true)
            {
                bitmap = (((capacity + 63) >>> 6) * Long.BYTES + 63) & -64;
                if (bitmap + capacity * SIZES[i] <= AreaSegmentDescriptor.SUPERBLOCK_LENGTH)
                {
                    break;
                }
                capacity--;
            }
            CAPACITIES[i] = capacity;
            RECIPROCALS[i] = ((1L << 32) + SIZES[i] - 1) / SIZES[i];
            BITMAP_LENGTHS[i] = bitmap;
        }
        int sizeClass = 0;
        for (int eighths = 0; eighths < CLASS_BY_EIGHTHS.length; eighths++)
        {
            final int size = (eighths + 1) << 3;
            while (SIZES[sizeClass] < size)
            {
                sizeClass++;
            }
            CLASS_BY_EIGHTHS[eighths] = (byte)sizeClass;
        }
    }

    private SizeClasses()
    {
    }

    /** The class of a request of 1..{@link #MAX_SMALL} bytes. */
    static int classOf(final int size)
    {
        return CLASS_BY_EIGHTHS[(size - 1) >>> 3];
    }

    static int size(final int sizeClass)
    {
        return SIZES[sizeClass];
    }

    /** Objects per superblock. */
    static int capacity(final int sizeClass)
    {
        return CAPACITIES[sizeClass];
    }

    /**
     * {@code offset / size(sizeClass)} for an offset into a superblock's objects (0 to 65535), by a
     * multiply: with m = ceil(2^32 / d), floor(n * m / 2^32) = floor(n / d) whenever n * d < 2^32.
     */
    static int index(final int offset, final int sizeClass)
    {
        return (int)((offset * RECIPROCALS[sizeClass]) >>> 32);
    }

    /** Bytes of the bitmap at the start of a superblock; objects follow. */
    static int bitmapLength(final int sizeClass)
    {
        return BITMAP_LENGTHS[sizeClass];
    }
}
