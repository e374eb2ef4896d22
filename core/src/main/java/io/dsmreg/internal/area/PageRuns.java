package io.dsmreg.internal.area;

import org.agrona.concurrent.UnsafeBuffer;

import static io.dsmreg.internal.layout.AreaDescriptor.FREE_RUN_BUCKETS;
import static io.dsmreg.internal.layout.AreaDescriptor.freeRunBucket;
import static io.dsmreg.internal.layout.AreaDescriptor.freeRunHeadOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.span;
import static io.dsmreg.internal.layout.AreaDescriptor.spanPage;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_FREE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_LARGE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_NONE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PAGES_OFFSET;

/*
 * The free page runs of an area's segments: freepage.c's job, which dsa.c asks for runs of pages
 * and gives them back to.
 *
 * The pages of a segment are tiled by spans, each described by the span table entry of its first
 * page (AreaSegmentDescriptor): a free run, a large allocation or a superblock.
 *
 * Invariants, whenever the area lock is free:
 * - Every free run is on exactly one list, that of bucket floor(log2(pages)) (32 lists whose heads
 *   are in the control file), and no two free runs are adjacent: free coalesces.
 * - The page map names the first page of the span for every page of an allocated span, and for the
 *   first and last page of a free run (all that a coalescing neighbour reads).
 * - Only the first page of a span has a kind other than none.
 *
 * The area lock must be held for every method. Every write goes through the area's transaction,
 * except the page map of pages just taken: nobody can reach them before the operation commits, and
 * a rollback makes them a free run again, whose inner page map does not matter.
 */
final class PageRuns
{
    private final SegmentMappings segments;
    private final AreaTransaction area;
    private final AreaErrors errors;
    private final SpanList[] lists = new SpanList[FREE_RUN_BUCKETS];

    PageRuns(final UnsafeBuffer control, final SegmentMappings segments, final AreaTransaction area, final AreaErrors errors)
    {
        this.segments = segments;
        this.area = area;
        this.errors = errors;
        for (int bucket = 0; bucket < FREE_RUN_BUCKETS; bucket++)
        {
            lists[bucket] = new SpanList(control, freeRunHeadOffset(bucket), segments, errors);
        }
    }

    /**
     * A free run of at least {@code pages} pages, first fit: the smallest bucket that may hold a fit
     * is searched, then any run of a larger bucket fits. 0 if there is none.
     */
    int find(final int pages)
    {
        for (int bucket = freeRunBucket(pages); bucket < FREE_RUN_BUCKETS; bucket++)
        {
            final SpanList.Walk walk = lists[bucket].walk();
            int run = lists[bucket].head();
            while (run != 0)
            {
                walk.visit(run);
                final AreaSegment segment = segments.segmentOfSpan(run);
                if (segment.buffer.getInt(segment.entry(spanPage(run)) + SPAN_PAGES_OFFSET) >= pages)
                {
                    return run;
                }
                run = lists[bucket].next(run);
            }
        }
        return 0;
    }

    /**
     * Makes the first {@code pages} pages of the free run {@code run} a span of {@code kind} (large
     * or superblock); the rest stays a free run. Returns the span, which is {@code run}.
     */
    int take(final int run, final int pages, final int kind)
    {
        final AreaSegment segment = segments.segmentOfSpan(run);
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(run);
        final int entry = segment.entry(page);
        final int runPages = buffer.getInt(entry + SPAN_PAGES_OFFSET);
        if (buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_FREE || runPages < pages || page + runPages > segment.pageCount)
        {
            throw errors.corrupt("the free-run lists hold the span at " + SpanList.describe(run) + " of kind " +
                buffer.getInt(entry + SPAN_KIND_OFFSET) + " and " + runPages + " pages, not a free run of " + pages + " pages");
        }
        list(runPages).unlink(area, run);
        if (runPages > pages)
        {
            addRun(segment, page + pages, runPages - pages);
        }
        area.putInt(part, buffer, entry + SPAN_KIND_OFFSET, kind);
        area.putInt(part, buffer, entry + SPAN_PAGES_OFFSET, pages);
        // Unlogged: these pages are unreachable until the operation commits (see the class comment).
        for (int p = page; p < page + pages; p++)
        {
            buffer.putInt(segment.pageMap(p), page);
        }
        return run;
    }

    /**
     * Turns the allocated span {@code span} into free pages, coalesced with free neighbours into one
     * run on its list.
     *
     * @throws io.dsmreg.CorruptFileException if the span is not allocated (a double free): nothing is changed.
     */
    void free(final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int page = spanPage(span);
        final int kind = buffer.getInt(segment.entry(page) + SPAN_KIND_OFFSET);
        int pages = buffer.getInt(segment.entry(page) + SPAN_PAGES_OFFSET);
        if ((kind != KIND_LARGE && kind != KIND_SUPERBLOCK) || pages <= 0 || page + pages > segment.pageCount)
        {
            throw errors.corrupt("the span at " + SpanList.describe(span) + " is to be freed, but it is not an allocated " +
                "span (kind " + kind + ", " + pages + " pages)");
        }
        int start = page;
        final int next = page + pages;
        if (next < segment.pageCount && buffer.getInt(segment.entry(next) + SPAN_KIND_OFFSET) == KIND_FREE)
        {
            final int nextPages = buffer.getInt(segment.entry(next) + SPAN_PAGES_OFFSET);
            list(nextPages).unlink(area, span(part, next));
            area.putInt(part, buffer, segment.entry(next) + SPAN_KIND_OFFSET, KIND_NONE);
            pages += nextPages;
        }
        if (page > 0)
        {
            final int previous = buffer.getInt(segment.pageMap(page - 1));
            if (previous >= 0 && previous < page)
            {
                final int previousEntry = segment.entry(previous);
                final int previousPages = buffer.getInt(previousEntry + SPAN_PAGES_OFFSET);
                if (buffer.getInt(previousEntry + SPAN_KIND_OFFSET) == KIND_FREE && previous + previousPages == page)
                {
                    list(previousPages).unlink(area, span(part, previous));
                    area.putInt(part, buffer, segment.entry(page) + SPAN_KIND_OFFSET, KIND_NONE);
                    start = previous;
                    pages += previousPages;
                }
            }
        }
        addRun(segment, start, pages);
    }

    /** Adds the pages of a new segment as one free run. */
    void add(final AreaSegment segment)
    {
        addRun(segment, 0, segment.pageCount);
    }

    /** Whether all pages of {@code segment} are one free run. */
    boolean isAllFree(final AreaSegment segment)
    {
        final int entry = segment.entry(0);
        return segment.buffer.getInt(entry + SPAN_KIND_OFFSET) == KIND_FREE &&
            segment.buffer.getInt(entry + SPAN_PAGES_OFFSET) == segment.pageCount;
    }

    /** Takes the one free run that all pages of {@code segment} form off its list, before the segment is given back. */
    void removeAll(final AreaSegment segment)
    {
        list(segment.pageCount).unlink(area, span(segment.number, 0));
    }

    /** Makes {@code pages} pages from page {@code start} of {@code segment}, on no list, one free run on its list. */
    private void addRun(final AreaSegment segment, final int start, final int pages)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final int part = segment.number;
        final int entry = segment.entry(start);
        area.putInt(part, buffer, entry + SPAN_KIND_OFFSET, KIND_FREE);
        area.putInt(part, buffer, entry + SPAN_PAGES_OFFSET, pages);
        area.putInt(part, buffer, segment.pageMap(start), start);
        area.putInt(part, buffer, segment.pageMap(start + pages - 1), start);
        list(pages).push(area, span(part, start));
    }

    private SpanList list(final int pages)
    {
        return lists[freeRunBucket(pages)];
    }
}
