package io.dsmreg.internal.area;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.lock.UndoLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

import static io.dsmreg.internal.layout.AreaDescriptor.FREED_SEGMENT_COUNTER_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.GENERATION_COUNTER_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.MAX_SEGMENTS;
import static io.dsmreg.internal.layout.AreaDescriptor.POINTER_SEGMENT_SHIFT;
import static io.dsmreg.internal.layout.AreaDescriptor.RESERVED_BYTES_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENTS_CREATED_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENT_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENT_DATA_OFFSET_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENT_FILE_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENT_GENERATION_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SEGMENT_PAGE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerSegment;
import static io.dsmreg.internal.layout.AreaDescriptor.segmentEntryOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.spanPage;
import static io.dsmreg.internal.layout.AreaDescriptor.spanSegment;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.DATA_OFFSET_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.FILE_ID_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.FILE_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.GENERATION_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.HEADER_LENGTH;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.MAGIC;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.MAJOR_VERSION;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.MINOR_VERSION;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.PAGE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.READY_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SEGMENT_NUMBER_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_TABLE_OFFSET_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.dataOffset;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.pagesFor;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.spanTableOffset;

/*
 * The data segments of one area as this process maps them: dsa.c's segment maps
 * (get_segment_by_index, check_for_freed_segments), with the segment table of the control file and
 * the files behind it (make_new_segment, and giving an empty segment back).
 *
 * Invariants:
 * - A slot of the segment table whose file length is not 0 names a published segment file whose
 *   header records the same number, generation and length. Generations come from a counter in the
 *   control file, so a number reused for a new file never matches a mapping of the old one.
 * - This process uses a mapping only while it matches the table: emptying a slot bumps the
 *   freed-segment counter after the slot changed (atomically, never undone), and a lookup that finds
 *   the counter moved first drops the mappings that no longer match, before it could return one.
 * - A segment's file is deleted only after the operation that emptied its slot committed; a file
 *   that a rolled-back (or dead) creator left is deleted before its number is used again.
 *
 * Locks: lookups take none. create and empty write the table through the area's transaction: the
 * area lock must be held. committed and rolledBack are that transaction's outcome.
 */
final class SegmentMappings implements UndoLog.Parts, AreaTransaction.Outcome
{
    /** The segment files' kind: header prefix, ready word and the wording of their errors. */
    static final HeaderedFile FILE = new HeaderedFile("area segment file", MAGIC, MAJOR_VERSION, MINOR_VERSION,
        HEADER_LENGTH, READY_OFFSET, HeaderedFile.REMOVE_ENTRY);

    private final String name;
    private final Path directory;
    private final long fileId;
    private final UnsafeBuffer control;
    private final BooleanSupplier removed;
    private final AreaErrors errors;
    /** Whether segment files are mapped read-only: for tools that only look, which must never write. */
    private final boolean readOnly;
    private final AtomicReferenceArray<AreaSegment> mappings = new AtomicReferenceArray<>(MAX_SEGMENTS);
    private volatile long seenFreedSegments;
    /** The area lock must be held: the segment the current operation emptied, whose file goes once it commits. */
    private int emptiedSegment;

    SegmentMappings(
        final String name, final Path directory, final long fileId, final UnsafeBuffer control,
        final BooleanSupplier removed, final AreaErrors errors, final boolean readOnly)
    {
        this.readOnly = readOnly;
        this.name = name;
        this.directory = directory;
        this.fileId = fileId;
        this.control = control;
        this.removed = removed;
        this.errors = errors;
        this.seenFreedSegments = control.getLongVolatile(FREED_SEGMENT_COUNTER_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------
    // Lookups, without locks
    // ---------------------------------------------------------------------------------------------

    /** The current mapping of segment {@code number}, mapped on first use; null if the table has no such segment. */
    AreaSegment segment(final int number)
    {
        if (number <= 0 || number >= MAX_SEGMENTS)
        {
            return null;
        }
        // Volatile: pairs with the atomic increment made after a segment slot was emptied.
        final long freed = control.getLongVolatile(FREED_SEGMENT_COUNTER_OFFSET);
        if (freed != seenFreedSegments)
        {
            dropStaleMappings(freed);
        }
        final AreaSegment segment = mappings.get(number);
        return segment != null ? segment : map(number);
    }

    /**
     * The buffer of the segment holding {@code length} bytes at {@code pointer} if this process has it mapped
     * and no segment was given back since it looked; null otherwise, and for any pointer that is not valid
     * (no exception: for lock-free readers that then take the general path, {@link #userSegment}).
     */
    UnsafeBuffer mappedBufferOrNull(final long pointer, final int length)
    {
        final int number = pointerSegment(pointer);
        if (pointer <= 0 || number <= 0 || number >= MAX_SEGMENTS || length < 0 ||
            control.getLongVolatile(FREED_SEGMENT_COUNTER_OFFSET) != seenFreedSegments)
        {
            return null;
        }
        final AreaSegment segment = mappings.get(number);
        return segment != null && pointerOffset(pointer) + length <= segment.length ? segment.buffer : null;
    }

    /** A segment that metadata refers to, which must exist. */
    AreaSegment metadataSegment(final int number)
    {
        final AreaSegment segment = segment(number);
        if (segment == null)
        {
            throw errors.corrupt("its metadata refers to segment " + number + ", which does not exist");
        }
        return segment;
    }

    /** The segment of a span that metadata refers to, which must exist and hold the span's first page. */
    AreaSegment segmentOfSpan(final int span)
    {
        final AreaSegment segment = metadataSegment(spanSegment(span));
        if (spanPage(span) >= segment.pageCount)
        {
            throw errors.corrupt("its metadata refers to " + SpanList.describe(span) + ", past the segment's " +
                segment.pageCount + " pages");
        }
        return segment;
    }

    /**
     * The segment holding {@code length} bytes at a pointer a caller passed.
     *
     * @throws io.dsmreg.InvalidPointerException for 0, an unknown segment or bytes past its end.
     */
    AreaSegment userSegment(final long pointer, final int length)
    {
        if (pointer == 0)
        {
            throw errors.zeroPointer();
        }
        final int number = pointerSegment(pointer);
        if (pointer < 0 || number >= MAX_SEGMENTS)
        {
            throw errors.invalidPointer(pointer, "it names segment " + (pointer >>> POINTER_SEGMENT_SHIFT) +
                " but an area has segments 1 to " + (MAX_SEGMENTS - 1) + "; it is not a pointer of an area, or it was corrupted");
        }
        final AreaSegment segment = segment(number);
        if (segment == null)
        {
            throw errors.invalidPointer(pointer, "segment " + number + " does not exist: it was given back after all of " +
                "its memory was freed, or the pointer is not from this area");
        }
        final long offset = pointerOffset(pointer);
        if (length < 0 || offset + length > segment.length)
        {
            throw errors.invalidPointer(pointer, "offset " + offset + " + length " + length + " is past the end of segment " +
                number + ", which has " + segment.length + " bytes");
        }
        return segment;
    }

    /** The buffer of a part that an undo log names: 0 is the control file, n is segment n. */
    @Override
    public UnsafeBuffer part(final int part)
    {
        return part == 0 ? control : metadataSegment(part).buffer;
    }

    // ---------------------------------------------------------------------------------------------
    // The segment table: the area lock must be held
    // ---------------------------------------------------------------------------------------------

    /** The lowest segment number the table does not use, or {@code MAX_SEGMENTS} if it is full. */
    int unusedNumber()
    {
        int number = 1;
        while (number < MAX_SEGMENTS && control.getLong(segmentEntryOffset(number) + SEGMENT_FILE_LENGTH_OFFSET) != 0)
        {
            number++;
        }
        return number;
    }

    /**
     * Creates the file of segment {@code number} ({@code length} bytes, its span table all zero)
     * and records it in the table through the area's transaction.
     *
     * @throws io.dsmreg.OutOfSpaceException if the file system has no room for it.
     */
    AreaSegment create(final int number, final long length, final AreaTransaction area)
    {
        final Path file = EntryFiles.path(directory, fileId, number);
        // A file may be left from a dead process's create that was rolled back.
        MappedFiles.deleteQuietly(file);
        final UnsafeBuffer buffer = FILE.create(file, length, owner(number));
        final int pageCount = pagesFor(length);
        final int dataOffset = (int)dataOffset(pageCount);
        final int spanTable = spanTableOffset(pageCount);
        final long generation = control.getAndAddLong(GENERATION_COUNTER_OFFSET, 1) + 1;
        buffer.putInt(SEGMENT_NUMBER_OFFSET, number);
        buffer.putLong(FILE_ID_OFFSET, fileId);
        buffer.putLong(GENERATION_OFFSET, generation);
        buffer.putLong(FILE_LENGTH_OFFSET, length);
        buffer.putInt(PAGE_COUNT_OFFSET, pageCount);
        buffer.putInt(DATA_OFFSET_OFFSET, dataOffset);
        buffer.putInt(SPAN_TABLE_OFFSET_OFFSET, spanTable);
        // Published before the table names it: a process that maps the segment through the table sees its whole header.
        FILE.publish(buffer);
        final AreaSegment segment = new AreaSegment(number, generation, buffer, length, pageCount, dataOffset, spanTable);
        mappings.set(number, segment);

        final int entry = segmentEntryOffset(number);
        area.putLong(0, control, entry + SEGMENT_GENERATION_OFFSET, generation);
        area.putInt(0, control, entry + SEGMENT_PAGE_COUNT_OFFSET, pageCount);
        area.putInt(0, control, entry + SEGMENT_DATA_OFFSET_OFFSET, dataOffset);
        // The log's release store: a process that sees the length sees the generation, and maps a published file.
        area.putLong(0, control, entry + SEGMENT_FILE_LENGTH_OFFSET, length);
        area.putLong(0, control, RESERVED_BYTES_OFFSET, control.getLong(RESERVED_BYTES_OFFSET) + length);
        area.putLong(0, control, SEGMENT_COUNT_OFFSET, control.getLong(SEGMENT_COUNT_OFFSET) + 1);
        area.putLong(0, control, SEGMENTS_CREATED_OFFSET, control.getLong(SEGMENTS_CREATED_OFFSET) + 1);
        return segment;
    }

    /** Removes a segment whose pages are free and on no list from the table; its file goes when the operation commits. */
    void empty(final AreaSegment segment, final AreaTransaction area)
    {
        final int entry = segmentEntryOffset(segment.number);
        area.putLong(0, control, entry + SEGMENT_FILE_LENGTH_OFFSET, 0);
        area.putLong(0, control, RESERVED_BYTES_OFFSET, control.getLong(RESERVED_BYTES_OFFSET) - segment.length);
        area.putLong(0, control, SEGMENT_COUNT_OFFSET, control.getLong(SEGMENT_COUNT_OFFSET) - 1);
        // After the slot changed and never undone: every process drops its mapping before it could reuse the number.
        control.getAndAddLong(FREED_SEGMENT_COUNTER_OFFSET, 1);
        emptiedSegment = segment.number;
    }

    /** The area's operation committed: the file of a segment it emptied goes. */
    @Override
    public void committed()
    {
        final int emptied = emptiedSegment;
        if (emptied != 0)
        {
            emptiedSegment = 0;
            mappings.set(emptied, null);
            MappedFiles.deleteQuietly(EntryFiles.path(directory, fileId, emptied));
        }
    }

    /** The area's operation was undone: it may have added or emptied a segment slot, so mappings may be stale. */
    @Override
    public void rolledBack()
    {
        emptiedSegment = 0;
        // Atomic and never undone, as in empty: every process compares its mappings with the table again.
        control.getAndAddLong(FREED_SEGMENT_COUNTER_OFFSET, 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Mapping
    // ---------------------------------------------------------------------------------------------

    private synchronized void dropStaleMappings(final long freed)
    {
        for (int number = 1; number < MAX_SEGMENTS; number++)
        {
            final AreaSegment segment = mappings.get(number);
            if (segment != null && !isCurrent(segment))
            {
                mappings.set(number, null);
            }
        }
        seenFreedSegments = freed;
    }

    private boolean isCurrent(final AreaSegment segment)
    {
        final int entry = segmentEntryOffset(segment.number);
        return control.getLongVolatile(entry + SEGMENT_FILE_LENGTH_OFFSET) == segment.length &&
            control.getLongVolatile(entry + SEGMENT_GENERATION_OFFSET) == segment.generation;
    }

    private synchronized AreaSegment map(final int number)
    {
        final AreaSegment mapped = mappings.get(number);
        if (mapped != null)
        {
            return mapped;
        }
        final int entry = segmentEntryOffset(number);
        final long length = control.getLongVolatile(entry + SEGMENT_FILE_LENGTH_OFFSET);
        final long generation = control.getLongVolatile(entry + SEGMENT_GENERATION_OFFSET);
        if (length == 0)
        {
            return null;
        }
        final Path file = EntryFiles.path(directory, fileId, number);
        if (!Files.exists(file) && removed.getAsBoolean())
        {
            throw new DsmRegistryException("segment " + number + " of area \"" + name + "\" cannot be mapped: the area " +
                "was removed from its registry and its files deleted. Memory this process mapped before stays valid; " +
                "ask the registry for the area again");
        }
        final UnsafeBuffer buffer = FILE.attach(file, length, owner(number), readOnly);
        if (buffer.getInt(SEGMENT_NUMBER_OFFSET) != number || buffer.getLong(FILE_ID_OFFSET) != fileId ||
            buffer.getLong(GENERATION_OFFSET) != generation || buffer.getLong(FILE_LENGTH_OFFSET) != length)
        {
            throw FILE.corrupt(file, owner(number), "its header (segment " + buffer.getInt(SEGMENT_NUMBER_OFFSET) +
                ", file id " + buffer.getLong(FILE_ID_OFFSET) + ", generation " + buffer.getLong(GENERATION_OFFSET) +
                ", length " + buffer.getLong(FILE_LENGTH_OFFSET) + ") does not match the area's segment table (segment " +
                number + ", file id " + fileId + ", generation " + generation + ", length " + length + ")");
        }
        final int pageCount = buffer.getInt(PAGE_COUNT_OFFSET);
        final int dataOffset = buffer.getInt(DATA_OFFSET_OFFSET);
        final int spanTable = buffer.getInt(SPAN_TABLE_OFFSET_OFFSET);
        if (pageCount <= 0 || pageCount != pagesFor(length) || dataOffset != dataOffset(pageCount) || spanTable != spanTableOffset(pageCount))
        {
            throw FILE.corrupt(file, owner(number), "its header records " + pageCount + " pages from offset " + dataOffset +
                ", which does not fit a file of " + length + " bytes");
        }
        final AreaSegment segment = new AreaSegment(number, generation, buffer, length, pageCount, dataOffset, spanTable);
        mappings.set(number, segment);
        return segment;
    }

    private String owner(final int number)
    {
        return "segment " + number + " of area \"" + name + "\"";
    }
}
