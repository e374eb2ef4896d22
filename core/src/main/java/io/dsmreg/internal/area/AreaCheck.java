package io.dsmreg.internal.area;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import static io.dsmreg.internal.layout.AreaDescriptor.*;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_FREE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_LARGE;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.KIND_SUPERBLOCK;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_FREE_HEAD_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_KIND_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_NEXT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PAGES_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_PREV_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_SIZE_CLASS_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SPAN_UNTOUCHED_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.SUPERBLOCK_PAGES;

/**
 * Walks every piece of an area's metadata, with all of its locks held, and lists what is
 * inconsistent: the span tiling of each segment, page map tags, superblock bitmaps against free
 * lists and counts, the free-run and partial lists (links, membership, no cycles), the
 * statistics counters against what the walk found, and the magazines. Reads only; bounded on any input.
 */
final class AreaCheck
{
    private static final int MAX_PROBLEMS = 20;

    private final UnsafeBuffer control;
    private final IntFunction<AreaSegment> segments;
    private final List<String> problems = new ArrayList<>();
    private final Set<Integer> freeRuns = new HashSet<>();
    private final List<Set<Integer>> partial = new ArrayList<>();
    private final long[] classBytes = new long[SizeClasses.COUNT];
    private long largeBytes;

    AreaCheck(final UnsafeBuffer control, final IntFunction<AreaSegment> segments)
    {
        this.control = control;
        this.segments = segments;
        for (int c = 0; c < SizeClasses.COUNT; c++)
        {
            partial.add(new HashSet<>());
        }
    }

    List<String> run()
    {
        if (control.getInt(AREA_LOG_COUNT_OFFSET) != 0)
        {
            problem("the area undo log holds " + control.getInt(AREA_LOG_COUNT_OFFSET) + " entries outside an operation");
        }
        long reserved = CONTROL_LENGTH;
        long count = 0;
        for (int number = 1; number < MAX_SEGMENTS && problems.size() < MAX_PROBLEMS; number++)
        {
            final long length = control.getLong(segmentEntryOffset(number) + SEGMENT_FILE_LENGTH_OFFSET);
            if (length == 0)
            {
                continue;
            }
            reserved += length;
            count++;
            final AreaSegment segment;
            try
            {
                segment = segments.apply(number);
            }
            catch (final RuntimeException ex)
            {
                problem("segment " + number + " cannot be mapped: " + ex.getMessage());
                continue;
            }
            if (segment == null)
            {
                problem("segment " + number + " is in the table but cannot be found");
                continue;
            }
            checkSegment(segment);
        }
        checkCounter("reserved bytes", control.getLong(RESERVED_BYTES_OFFSET), reserved);
        checkCounter("segment count", control.getLong(SEGMENT_COUNT_OFFSET), count);
        checkCounter("large bytes in use", control.getLong(LARGE_BYTES_IN_USE_OFFSET), largeBytes);
        for (int bucket = 0; bucket < FREE_RUN_BUCKETS; bucket++)
        {
            checkList("free-run list " + bucket, freeRunHeadOffset(bucket), freeRuns, bucket);
        }
        for (final int run : freeRuns)
        {
            problem("free run at " + SpanList.describe(run) + " is on no free-run list");
        }
        for (int c = 0; c < SizeClasses.COUNT; c++)
        {
            final int block = classBlockOffset(c);
            if (control.getInt(block + CLASS_LOG_COUNT_OFFSET) != 0)
            {
                problem("the undo log of size class " + SizeClasses.size(c) + " holds entries outside an operation");
            }
            checkCounter("bytes in use of size class " + SizeClasses.size(c), control.getLong(block + CLASS_BYTES_IN_USE_OFFSET),
                classBytes[c]);
            checkList("partial list of size class " + SizeClasses.size(c), block + CLASS_PARTIAL_HEAD_OFFSET, partial.get(c), -1);
            for (final int span : partial.get(c))
            {
                problem("superblock at " + SpanList.describe(span) + " has free objects but is on no partial list");
            }
        }
        checkMagazines();
        return problems;
    }

    /**
     * Every object below a magazine's count must be an allocated object of its class, and in no
     * other magazine. Live threads push and pop without locks meanwhile, but every entry they can
     * make visible is such an object, and bitmaps cannot change while the check holds the class
     * locks; only "in two magazines" can be seen in passing (popped here, freed into another
     * magazine there), so it is reported only if both entries still hold it when read again.
     */
    private void checkMagazines()
    {
        final Map<Long, Integer> cached = new HashMap<>();
        for (int s = 0; s < MAGAZINE_SLOTS && problems.size() < MAX_PROBLEMS; s++)
        {
            final int slot = magazineOffset(s);
            for (int c = 0; c < MAGAZINE_CLASSES; c++)
            {
                final int countOffset = magazineCountOffset(slot, c);
                // Counts before the owner: a slot is freed only after its counts are 0, and emptying one needs the pool lock.
                final int count = control.getIntVolatile(countOffset);
                final String where = "magazine slot " + s + ", class " + SizeClasses.size(c) + " B";
                if (count < 0 || count > MAGAZINE_CAPACITY)
                {
                    problem(where + " counts " + count + " objects, outside 0.." + MAGAZINE_CAPACITY);
                    continue;
                }
                if (count > 0 && control.getLongVolatile(slot + MAGAZINE_OWNER_OFFSET) == 0)
                {
                    problem(where + " holds " + count + " objects but the slot has no owner");
                }
                for (int i = 0; i < count; i++)
                {
                    final int entry = magazineEntryOffset(slot, c, i);
                    final long pointer = control.getLongVolatile(entry);
                    final String object = checkCachedObject(pointer, c);
                    if (object != null)
                    {
                        problem(where + " holds pointer 0x" + Long.toHexString(pointer) + ", which " + object);
                        continue;
                    }
                    final Integer other = cached.put(pointer, entry);
                    if (other != null && control.getLongVolatile(other) == pointer && control.getLongVolatile(entry) == pointer &&
                        control.getIntVolatile(countOffset) > i)
                    {
                        problem(where + " holds pointer 0x" + Long.toHexString(pointer) + ", which another magazine entry holds too");
                    }
                }
            }
        }
    }

    /** Null if {@code pointer} is an allocated object of {@code sizeClass}, else what it is. */
    private String checkCachedObject(final long pointer, final int sizeClass)
    {
        final int number = pointerSegment(pointer);
        final AreaSegment segment = pointer > 0 && number < MAX_SEGMENTS &&
            control.getLong(segmentEntryOffset(number) + SEGMENT_FILE_LENGTH_OFFSET) != 0 ? segments.apply(number) : null;
        if (segment == null)
        {
            return "names no segment";
        }
        final long offset = pointerOffset(pointer);
        if (offset < segment.dataOffset || offset >= segment.length)
        {
            return "is outside the pages of segment " + number;
        }
        final int page = (int)((offset - segment.dataOffset) >>> PAGE_SHIFT);
        final int start = segment.buffer.getInt(segment.pageMap(page));
        final int entry = start >= 0 && start <= page ? segment.entry(start) : -1;
        if (entry < 0 || page >= start + SUPERBLOCK_PAGES || segment.buffer.getInt(entry + SPAN_KIND_OFFSET) != KIND_SUPERBLOCK ||
            segment.buffer.getInt(entry + SPAN_SIZE_CLASS_OFFSET) != sizeClass)
        {
            return "is not in a superblock of its class";
        }
        final int relative = (int)offset - segment.pageOffset(start) - SizeClasses.bitmapLength(sizeClass);
        final int index = relative / SizeClasses.size(sizeClass);
        if (relative < 0 || relative % SizeClasses.size(sizeClass) != 0 || index >= SizeClasses.capacity(sizeClass))
        {
            return "is not the start of an object";
        }
        if ((segment.buffer.getLong(segment.pageOffset(start) + ((index >>> 6) << 3)) & (1L << index)) == 0)
        {
            return "is free in its superblock";
        }
        return null;
    }

    private void checkSegment(final AreaSegment segment)
    {
        final UnsafeBuffer buffer = segment.buffer;
        boolean previousFree = false;
        int page = 0;
        while (page < segment.pageCount && problems.size() < MAX_PROBLEMS)
        {
            final int entry = segment.entry(page);
            final int kind = buffer.getInt(entry + SPAN_KIND_OFFSET);
            final int pages = buffer.getInt(entry + SPAN_PAGES_OFFSET);
            final String where = "span at segment " + segment.number + " page " + page;
            if (pages <= 0 || page + pages > segment.pageCount)
            {
                problem(where + " has " + pages + " pages, outside the segment's " + segment.pageCount);
                return;
            }
            if (kind == KIND_FREE)
            {
                if (previousFree)
                {
                    problem(where + " is a free run next to another one: they were not coalesced");
                }
                if (buffer.getInt(segment.pageMap(page)) != page || buffer.getInt(segment.pageMap(page + pages - 1)) != page)
                {
                    problem(where + ": the page map does not tag the free run's first and last page");
                }
                freeRuns.add(span(segment.number, page));
            }
            else if (kind == KIND_LARGE || kind == KIND_SUPERBLOCK)
            {
                for (int p = page; p < page + pages; p++)
                {
                    if (buffer.getInt(segment.pageMap(p)) != page)
                    {
                        problem(where + ": the page map entry of page " + p + " is " + buffer.getInt(segment.pageMap(p)));
                        break;
                    }
                }
                if (kind == KIND_LARGE)
                {
                    largeBytes += (long)pages << PAGE_SHIFT;
                }
                else
                {
                    checkSuperblock(segment, page, pages, where);
                }
            }
            else
            {
                problem(where + " has kind " + kind + ", which is not a span's");
                return;
            }
            previousFree = kind == KIND_FREE;
            page += pages;
        }
        if (page == segment.pageCount && segment.number != 1 && previousFree && freeRuns.contains(span(segment.number, 0)) &&
            buffer.getInt(segment.entry(0) + SPAN_PAGES_OFFSET) == segment.pageCount)
        {
            problem("segment " + segment.number + " is entirely free but was not given back");
        }
    }

    private void checkSuperblock(final AreaSegment segment, final int page, final int pages, final String where)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final int entry = segment.entry(page);
        final int sizeClass = buffer.getInt(entry + SPAN_SIZE_CLASS_OFFSET);
        if (pages != SUPERBLOCK_PAGES || sizeClass < 0 || sizeClass >= SizeClasses.COUNT)
        {
            problem(where + " is a superblock of " + pages + " pages and size class " + sizeClass);
            return;
        }
        final int capacity = SizeClasses.capacity(sizeClass);
        final int objectSize = SizeClasses.size(sizeClass);
        final int free = buffer.getInt(entry + SPAN_FREE_COUNT_OFFSET);
        final int untouched = buffer.getInt(entry + SPAN_UNTOUCHED_OFFSET);
        if (free < 0 || free > capacity || untouched < 0 || untouched > capacity)
        {
            problem(where + " records " + free + " free and " + untouched + " touched objects of " + capacity);
            return;
        }
        final int bitmap = segment.pageOffset(page);
        int allocated = 0;
        for (int index = 0; index < capacity; index++)
        {
            if ((buffer.getLong(bitmap + ((index >>> 6) << 3)) & (1L << index)) != 0)
            {
                allocated++;
                if (index >= untouched)
                {
                    problem(where + ": object " + index + " is allocated but was never handed out");
                    return;
                }
            }
        }
        if (allocated != capacity - free)
        {
            problem(where + ": its bitmap shows " + allocated + " allocated objects but its count says " + (capacity - free));
        }
        final int objects = bitmap + SizeClasses.bitmapLength(sizeClass);
        final Set<Integer> seen = new HashSet<>();
        int head = buffer.getInt(entry + SPAN_FREE_HEAD_OFFSET);
        while (head != 0)
        {
            final int index = head - 1;
            if (index < 0 || index >= untouched || !seen.add(index) ||
                (buffer.getLong(bitmap + ((index >>> 6) << 3)) & (1L << index)) != 0)
            {
                problem(where + ": its free list holds object " + index + ", which is allocated, untouched or listed twice");
                return;
            }
            head = buffer.getInt(objects + index * objectSize);
        }
        if (seen.size() + capacity - untouched != free)
        {
            problem(where + ": " + seen.size() + " freed + " + (capacity - untouched) + " untouched objects, but its count says " + free);
        }
        classBytes[sizeClass] += (long)(capacity - free) * objectSize;
        if (free > 0)
        {
            partial.get(sizeClass).add(span(segment.number, page));
        }
    }

    /** Walks a list, removing its members from {@code expected} (so a cycle shows as a member listed twice); bucket -1: not checked. */
    private void checkList(final String what, final int headOffset, final Set<Integer> expected, final int bucket)
    {
        int previous = 0;
        int span = control.getInt(headOffset);
        while (span != 0 && problems.size() < MAX_PROBLEMS)
        {
            if (!expected.remove(span))
            {
                problem(what + " holds " + SpanList.describe(span) + ", which does not belong there (or is listed twice)");
                return;
            }
            final AreaSegment segment = segments.apply(spanSegment(span));
            final int entry = segment.entry(spanPage(span));
            if (segment.buffer.getInt(entry + SPAN_PREV_OFFSET) != previous)
            {
                problem(what + ": the back link of " + SpanList.describe(span) + " is wrong");
            }
            if (bucket >= 0 && freeRunBucket(segment.buffer.getInt(entry + SPAN_PAGES_OFFSET)) != bucket)
            {
                problem(what + " holds a run of " + segment.buffer.getInt(entry + SPAN_PAGES_OFFSET) + " pages");
            }
            previous = span;
            span = segment.buffer.getInt(entry + SPAN_NEXT_OFFSET);
        }
    }

    private void checkCounter(final String what, final long recorded, final long found)
    {
        if (recorded != found)
        {
            problem(what + " is recorded as " + recorded + " but the metadata adds up to " + found);
        }
    }

    private void problem(final String problem)
    {
        if (problems.size() < MAX_PROBLEMS)
        {
            problems.add(problem);
        }
    }
}
