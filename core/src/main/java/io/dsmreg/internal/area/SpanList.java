package io.dsmreg.internal.area;

import org.agrona.concurrent.UnsafeBuffer;

import static io.dsmreg.internal.layout.AreaDescriptor.spanPage;
import static io.dsmreg.internal.layout.AreaDescriptor.spanSegment;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PREV_OFFSET;

/*
 * A list of spans, doubly linked through the span table entries of their first pages, with its head
 * in the control file: a free-run list of PageRuns, or the partial list of a SizeClassPool (dsa.c's
 * span lists, kept as span references instead of pointers).
 *
 * Invariants, whenever the lock guarding the list is free:
 * - The head's prev is 0, and for every member s with a next n, n's prev is s; a span that is on no
 *   list has next and prev 0. A span is on at most one list.
 *
 * The lock guarding the list must be held (the area lock for free runs, the pool lock for a partial
 * list), and every write goes through the transaction the caller passes: that lock's, or the area's
 * for an operation that a pool runs inside the area's (see AreaTransaction).
 */
final class SpanList
{
    private final UnsafeBuffer control;
    private final int headOffset;
    private final SegmentMappings segments;
    private final AreaErrors errors;

    SpanList(final UnsafeBuffer control, final int headOffset, final SegmentMappings segments, final AreaErrors errors)
    {
        this.control = control;
        this.headOffset = headOffset;
        this.segments = segments;
        this.errors = errors;
    }

    /** The first span, 0 if the list is empty. */
    int head()
    {
        return control.getInt(headOffset);
    }

    /** The span after {@code span}, 0 at the end. */
    int next(final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        return segment.buffer.getInt(segment.entry(spanPage(span)) + SPAN_NEXT_OFFSET);
    }

    /**
     * A walk along this list that a damaged link closing a loop cannot keep going forever: Brent's
     * cycle detection, one comparison per step and no memory. Call {@link Walk#visit} with each span.
     */
    Walk walk()
    {
        return new Walk();
    }

    /** See {@link #walk()}. */
    final class Walk
    {
        private int mark;
        private long steps;
        private long nextMark = 1;

        /**
         * Records a step to {@code span}.
         *
         * @throws io.dsmreg.CorruptFileException if the walk came back to a span it passed: the list loops.
         */
        void visit(final int span)
        {
            if (span == mark)
            {
                throw errors.corrupt("the list whose head is at offset " + headOffset + " of the control file loops back " +
                    "to the span at " + describe(span) + " after " + steps + " steps");
            }
            // The mark moves at every power of two: once it is inside the loop and the gap exceeds the loop, it is met again.
            if (++steps == nextMark)
            {
                mark = span;
                nextMark <<= 1;
            }
        }
    }

    /** Puts {@code span}, which is on no list, at the head. */
    void push(final AreaTransaction transaction, final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        final int entry = segment.entry(spanPage(span));
        final int head = head();
        transaction.putInt(segment.number, segment.buffer, entry + SPAN_NEXT_OFFSET, head);
        transaction.putInt(segment.number, segment.buffer, entry + SPAN_PREV_OFFSET, 0);
        if (head != 0)
        {
            final AreaSegment headSegment = segments.segmentOfSpan(head);
            transaction.putInt(headSegment.number, headSegment.buffer, headSegment.entry(spanPage(head)) + SPAN_PREV_OFFSET, span);
        }
        transaction.putInt(0, control, headOffset, span);
    }

    /** Takes {@code span}, a member, off the list. */
    void unlink(final AreaTransaction transaction, final int span)
    {
        final AreaSegment segment = segments.segmentOfSpan(span);
        final int entry = segment.entry(spanPage(span));
        final int next = segment.buffer.getInt(entry + SPAN_NEXT_OFFSET);
        final int previous = segment.buffer.getInt(entry + SPAN_PREV_OFFSET);
        if (previous == 0)
        {
            if (head() != span)
            {
                throw errors.corrupt("span " + describe(span) + " has no predecessor but is not the head of its list");
            }
            transaction.putInt(0, control, headOffset, next);
        }
        else
        {
            final AreaSegment previousSegment = segments.segmentOfSpan(previous);
            transaction.putInt(previousSegment.number, previousSegment.buffer,
                previousSegment.entry(spanPage(previous)) + SPAN_NEXT_OFFSET, next);
        }
        if (next != 0)
        {
            final AreaSegment nextSegment = segments.segmentOfSpan(next);
            transaction.putInt(nextSegment.number, nextSegment.buffer, nextSegment.entry(spanPage(next)) + SPAN_PREV_OFFSET, previous);
        }
        transaction.putInt(segment.number, segment.buffer, entry + SPAN_NEXT_OFFSET, 0);
        transaction.putInt(segment.number, segment.buffer, entry + SPAN_PREV_OFFSET, 0);
    }

    /** A span reference in words, for messages: {@code segment 1 page 16}. */
    static String describe(final int span)
    {
        return "segment " + spanSegment(span) + " page " + spanPage(span);
    }
}
