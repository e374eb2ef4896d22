package io.dsmreg.internal.area;

import org.agrona.concurrent.UnsafeBuffer;

import static io.dsmreg.internal.layout.AreaDescriptor.PAGE_SHIFT;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.PAGE_MAP_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_ENTRY_LENGTH;

/** This process's mapping of one data segment of an area, as the segment table described it when mapped. */
final class AreaSegment
{
    final int number;
    final long generation;
    final UnsafeBuffer buffer;
    final long length;
    final int pageCount;
    final int dataOffset;
    final int spanTableOffset;

    AreaSegment(
        final int number, final long generation, final UnsafeBuffer buffer, final long length,
        final int pageCount, final int dataOffset, final int spanTableOffset)
    {
        this.number = number;
        this.generation = generation;
        this.buffer = buffer;
        this.length = length;
        this.pageCount = pageCount;
        this.dataOffset = dataOffset;
        this.spanTableOffset = spanTableOffset;
    }

    /** Offset of the span table entry of {@code page}. */
    int entry(final int page)
    {
        return spanTableOffset + page * SPAN_ENTRY_LENGTH;
    }

    /** Offset of the page map slot of {@code page}. */
    int pageMap(final int page)
    {
        return PAGE_MAP_OFFSET + page * Integer.BYTES;
    }

    /** Offset of the first byte of {@code page}. */
    int pageOffset(final int page)
    {
        return dataOffset + (page << PAGE_SHIFT);
    }
}
