package io.dsmreg.internal.area;

import io.dsmreg.internal.file.EntryFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.dsmreg.internal.layout.AreaDescriptor.CONTROL_LENGTH;
import static io.dsmreg.internal.layout.AreaDescriptor.MAX_SEGMENTS;
import static io.dsmreg.internal.layout.AreaDescriptor.POINTER_SEGMENT_SHIFT;
import static org.junit.jupiter.api.Assertions.*;

/** Segments as two processes map them: on first use, and never through a mapping the table no longer names. */
class SegmentMappingsTest
{
    private static final long LENGTH = 256 << 10;

    @TempDir
    Path directory;
    /** The process that adds and gives back segments. */
    private AreaAllocator creator;
    /** Another process's view of the same files. */
    private AreaAllocator other;

    @BeforeEach
    void attachTwice()
    {
        creator = TestAreas.create(directory);
        other = AreaAllocator.attach(directory, TestAreas.FILE_ID, "a", TestAreas.TIMEOUT_NANOS, () -> false);
    }

    @Test
    void anotherProcessMapsASegmentOnFirstUseAndDropsItOnceItsSlotIsEmptied()
    {
        final AreaSegment created = create();
        final AreaSegment mapped = other.segments().segment(1);
        assertEquals(created.generation, mapped.generation);
        assertEquals(created.pageCount, mapped.pageCount);
        assertNotSame(created.buffer, mapped.buffer, "a mapping of its own");
        assertSame(mapped, other.segments().segment(1), "mapped once");

        giveBack(created);
        assertFalse(Files.exists(EntryFiles.path(directory, TestAreas.FILE_ID, 1)), "the file went with the commit");
        assertNull(creator.segments().segment(1));
        assertNull(other.segments().segment(1), "the stale mapping was dropped");

        final AreaSegment recreated = create();
        assertNotEquals(created.generation, recreated.generation);
        assertEquals(recreated.generation, other.segments().segment(1).generation, "the new file, not the old mapping");
    }

    @Test
    void aReaderByAddressGetsOnlyMappingsTheProcessHasAndThatNoGivingBackMayHaveMadeStale()
    {
        final AreaSegment created = create();
        final long pointer = (1L << POINTER_SEGMENT_SHIFT) | 4096;
        assertNull(other.mappingIfMapped(pointer, 8), "not mapped in the other process yet");
        final AreaSegment mapped = other.segments().segment(1);
        assertSame(mapped.buffer, other.mappingIfMapped(pointer, 8));
        assertSame(mapped.buffer, other.mappingIfMapped(pointer, (int)(LENGTH - 4096)), "up to the segment's last byte");
        assertNull(other.mappingIfMapped(pointer, (int)(LENGTH - 4096) + 1), "not past it");
        assertNull(other.mappingIfMapped(pointer, -1));
        assertNull(other.mappingIfMapped(0, 8));
        assertNull(other.mappingIfMapped(-pointer, 8));
        assertNull(other.mappingIfMapped((long)MAX_SEGMENTS << POINTER_SEGMENT_SHIFT, 8));
        giveBack(created);
        assertNull(other.mappingIfMapped(pointer, 8), "a segment was given back since the other process looked");
    }

    @Test
    void aRolledBackCreateLeavesNeitherTheSegmentNorAMapping()
    {
        final AreaTransaction area = creator.areaTransaction();
        final IllegalStateException thrown = new IllegalStateException("half way");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> area.run(() ->
        {
            creator.segments().create(1, LENGTH, area);
            throw thrown;
        })));
        assertNull(creator.segments().segment(1));
        assertNull(other.segments().segment(1));
        assertEquals(0, creator.statistics().segmentCount());
        assertEquals(CONTROL_LENGTH, creator.statistics().reservedBytes());
        assertEquals(1, create().number, "the file it left is replaced");
        assertEquals(CONTROL_LENGTH + LENGTH, creator.statistics().reservedBytes());
    }

    /** Segment 1 as the coordinator adds one: an area operation that records it and frees its pages. */
    private AreaSegment create()
    {
        final AreaTransaction area = creator.areaTransaction();
        area.run(() ->
        {
            creator.pageRuns().add(creator.segments().create(creator.segments().unusedNumber(), LENGTH, area));
            return 0;
        });
        return creator.segments().segment(1);
    }

    private void giveBack(final AreaSegment segment)
    {
        final AreaTransaction area = creator.areaTransaction();
        area.run(() ->
        {
            creator.pageRuns().removeAll(segment);
            creator.segments().empty(segment, area);
            return 0;
        });
    }
}
