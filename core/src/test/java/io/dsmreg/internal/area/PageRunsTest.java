package io.dsmreg.internal.area;

import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.file.HeaderedFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.dsmreg.internal.layout.AreaDescriptor.PAGE_SIZE;
import static io.dsmreg.internal.layout.AreaDescriptor.freeRunBucket;
import static io.dsmreg.internal.layout.AreaDescriptor.span;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_LARGE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The free page runs of one segment: first fit, split, coalesce, and what a double free or a rollback leaves; a
 * reservation of runs for allocations to come.
 */
class PageRunsTest
{
    @TempDir
    Path directory;
    private AreaAllocator allocator;
    private AreaTransaction area;
    private PageRuns runs;
    private AreaSegment segment;

    @BeforeEach
    void addASegment()
    {
        allocator = TestAreas.create(directory);
        area = allocator.areaTransaction();
        runs = allocator.pageRuns();
        segment = allocator.segments().segment((int)area.run(() ->
        {
            final AreaSegment created = allocator.segments().create(1, 256 << 10, area);
            runs.add(created);
            return created.number;
        }));
    }

    @Test
    void aNewSegmentIsOneFreeRun()
    {
        assertTrue(runs.isAllFree(segment));
        assertEquals(span(1, 0), runs.find(segment.pageCount));
        assertEquals(0, runs.find(segment.pageCount + 1));
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void aFreeRunListThatLoopsIsACorruptFileNotAnEndlessWalk()
    {
        area.run(() -> runs.take(span(1, 0), 4, KIND_LARGE));
        final int rest = span(1, 4);
        final int restPages = segment.pageCount - 4;
        assertEquals(freeRunBucket(restPages), freeRunBucket(restPages + 1), "a request the rest does not fit searches its list");
        // The rest's next link names itself: a walk along its list never reaches the end.
        segment.buffer.putInt(segment.entry(4) + SPAN_NEXT_OFFSET, rest);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> runs.find(restPages + 1));
        assertTrue(ex.getMessage().contains("loops back to the span at segment 1 page 4"), ex.getMessage());
    }

    @Test
    void takeSplitsTheFirstFitAndLeavesTheRestAFreeRun()
    {
        final int pages = segment.pageCount;
        assertEquals(span(1, 0), take(3));
        assertFalse(runs.isAllFree(segment));
        assertEquals(span(1, 3), runs.find(1));
        assertEquals(span(1, 3), runs.find(pages - 3));
        assertEquals(0, runs.find(pages - 2), "no run is that long any more");
        for (int page = 0; page < 3; page++)
        {
            assertEquals(0, segment.buffer.getInt(segment.pageMap(page)), "the page map of page " + page + " names its span");
        }
        assertEquals(span(1, 3), take(pages - 3), "an exact fit");
        assertEquals(0, runs.find(1));
    }

    @Test
    void freedRunsCoalesceWithBothNeighbours()
    {
        final int pages = segment.pageCount;
        final int a = take(3);
        final int b = take(5);
        final int c = take(2);
        free(a);
        assertEquals(a, runs.find(3), "alone: its neighbour is allocated");
        free(c);
        assertEquals(span(1, 8), runs.find(pages - 8), "merged with the free run after it");
        free(b);
        assertTrue(runs.isAllFree(segment), "merged with the runs on both sides");
        assertEquals(span(1, 0), runs.find(pages));
        assertEquals(List.of(), allocator.verify());
    }

    @Test
    void aDoubleFreeIsRefusedAndChangesNothing()
    {
        final int a = take(4);
        free(a);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> free(a));
        assertEquals("file " + EntryFiles.path(directory, TestAreas.FILE_ID, 0) + " of area \"a\" cannot be used: the span at " +
            "segment 1 page 0 is to be freed, but it is not an allocated span (kind 1, " + segment.pageCount + " pages). " +
            HeaderedFile.REMOVE_ENTRY, ex.getMessage());
        assertTrue(runs.isAllFree(segment));
        assertEquals(List.of(), allocator.verify());
        assertThrows(CorruptFileException.class, () -> area.run(() -> runs.take(span(1, 0), segment.pageCount + 1, KIND_LARGE)),
            "a run shorter than asked is refused too");
    }

    @Test
    void aFailedOperationLeavesTheRunsAsTheyWere()
    {
        final IllegalStateException thrown = new IllegalStateException("half way");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> area.run(() ->
        {
            runs.removeAll(segment);
            assertEquals(0, runs.find(1));
            throw thrown;
        })));
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> area.run(() ->
        {
            runs.free(runs.take(runs.find(5), 5, KIND_LARGE));
            runs.take(runs.find(7), 7, KIND_LARGE);
            throw thrown;
        })));
        assertTrue(runs.isAllFree(segment));
        assertEquals(span(1, 0), runs.find(segment.pageCount));
        assertEquals(List.of(), allocator.verify());
    }

    private int take(final int pages)
    {
        return (int)area.run(() -> runs.take(runs.find(pages), pages, KIND_LARGE));
    }

    private void free(final int span)
    {
        area.run(() ->
        {
            runs.free(span);
            return 0;
        });
    }

    @Test
    void aReservationIsOneSegmentThatTheAllocationsAfterItFillWithoutAddingAnother() throws Exception
    {
        final AreaAllocator area = TestAreas.create(Files.createDirectories(directory.resolve("reserved")));
        final long size = 100_000;
        final long control = area.statistics().reservedBytes();
        area.reserve(40, size);
        final long reserved = area.statistics().reservedBytes();
        final long perAllocation = (size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
        assertTrue(reserved - control >= 40 * perAllocation && reserved - control < 40 * perAllocation * 21 / 20,
            "one segment of about the forty allocations: " + (reserved - control));
        area.reserve(40, size);
        assertEquals(reserved, area.statistics().reservedBytes(), "a free run that holds them already is enough");
        for (int i = 0; i < 40; i++)
        {
            area.allocate(size, 0);
        }
        assertEquals(reserved, area.statistics().reservedBytes(), "no segment was added");
        assertEquals(40 * perAllocation, area.bytesInUse());
        area.allocate(size, 0);
        assertTrue(area.statistics().reservedBytes() > reserved, "past the reservation, the area grows as before");
        area.reserve(1000, 100);
        assertEquals(List.of(), area.verify());
    }
}
