package io.dsmreg.internal.area;

import io.dsmreg.internal.layout.AreaSegmentDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SizeClassesTest
{
    @Test
    void theReciprocalIndexEqualsDivisionForEveryOffsetOfASuperblock()
    {
        for (int sizeClass = 0; sizeClass < SizeClasses.COUNT; sizeClass++)
        {
            final int size = SizeClasses.size(sizeClass);
            for (int offset = 0; offset < AreaSegmentDescriptor.SUPERBLOCK_LENGTH; offset++)
            {
                if (SizeClasses.index(offset, sizeClass) != offset / size)
                {
                    assertEquals(offset / size, SizeClasses.index(offset, sizeClass), "offset " + offset + " in class " + size);
                }
            }
        }
    }
}
