package io.dsmreg;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SharedAreaTest extends RegistryTestBase
{
    @Test
    void allocatesWritesFreesAndReusesSmallAndLargeBlocks()
    {
        final SharedArea area = registry.area("a");
        assertEquals(0, area.bytesInUse());
        assertEquals(0, area.segmentCount(), "no file until the first allocation");
        final long[] sizes = {1, 8, 9, 64, 100, 1000, 4096, 8192, 8193, 20_000, 300_000};
        final long[] pointers = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++)
        {
            pointers[i] = area.allocate(sizes[i]);
            assertNotEquals(0, pointers[i]);
            assertEquals(0, pointers[i] & 7, "8-byte aligned");
            final AtomicBuffer buffer = area.buffer(pointers[i], (int)sizes[i]);
            buffer.setMemory(0, (int)sizes[i], (byte)i);
        }
        for (int i = 0; i < sizes.length; i++)
        {
            final AtomicBuffer buffer = area.buffer(pointers[i], (int)sizes[i]);
            for (int b = 0; b < sizes[i]; b += 97)
            {
                assertEquals((byte)i, buffer.getByte(b), "block " + i + " intact");
            }
        }
        assertEquals(1, area.segmentCount());
        assertTrue(area.bytesInUse() >= 300_000 + 20_000);
        area.verify();
        for (final long pointer : pointers)
        {
            area.free(pointer);
        }
        assertEquals(0, area.bytesInUse());
        area.verify();
        assertEquals(pointers[3], area.allocate(64), "the freed block is reused");
        final long again = area.allocate(300_000);
        assertEquals(1, again >>> 40, "the freed pages are reused");
        assertEquals(1, area.segmentCount());
        area.verify();
    }

    @Test
    void zeroFlagZeroesReusedMemory()
    {
        final SharedArea area = registry.area("a");
        final long p = area.allocate(200);
        area.buffer(p, 200).setMemory(0, 200, (byte)0x5A);
        area.free(p);
        final long q = area.allocate(200, SharedArea.ZERO);
        assertEquals(p, q);
        final AtomicBuffer buffer = area.buffer(q, 200);
        for (int i = 0; i < 200; i++)
        {
            assertEquals(0, buffer.getByte(i));
        }
        final long large = area.allocate(50_000);
        area.buffer(large, 50_000).setMemory(0, 50_000, (byte)1);
        area.free(large);
        final long zeroed = area.allocate(50_000, SharedArea.ZERO);
        assertEquals(0, area.buffer(zeroed, 50_000).getByte(49_999));
    }

    @Test
    void wrapPointsAReusedBufferAtABlock()
    {
        final SharedArea area = registry.area("a");
        final long p = area.allocate(16);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        area.wrap(view, p, 16);
        view.putLong(8, 77);
        assertEquals(77, area.buffer(p, 16).getLong(8));
    }

    @Test
    void askingTwiceReturnsTheSameInstanceAndOptionsMustMatch()
    {
        final AreaOptions options = AreaOptions.defaults().sizeLimit(8 << 20);
        final SharedArea area = registry.area("a", options);
        assertSame(area, registry.area("a"));
        assertSame(area, registry.area("a", options));
        assertEquals(options, area.options());
        final EntryMismatchException ex = assertThrows(EntryMismatchException.class,
            () -> registry.area("a", AreaOptions.defaults().sizeLimit(4 << 20)));
        assertTrue(ex.getMessage().contains("requested area \"a\" with AreaOptions{initialSegmentSize=1048576, " +
            "maxSegmentSize=1073741824, sizeLimit=4194304} but the existing one has AreaOptions{initialSegmentSize=1048576, " +
            "maxSegmentSize=1073741824, sizeLimit=8388608}"), ex.getMessage());
        try (DsmRegistry second = DsmRegistry.open("test", RegistryOptions.defaults().root(root)))
        {
            assertSame(area, second.area("a"), "one instance per JVM");
        }
    }

    @Test
    void aNameOfAnotherTypeIsAMismatch()
    {
        registry.segment("s", 64);
        final EntryMismatchException ex = assertThrows(EntryMismatchException.class, () -> registry.area("s"));
        assertEquals("requested area \"s\" does not match the type of the existing entry, which is a segment; use " +
            "another name, or remove the existing entry first", ex.getMessage());
        registry.area("a");
        final EntryMismatchException other = assertThrows(EntryMismatchException.class, () -> registry.segment("a", 64));
        assertTrue(other.getMessage().contains("which is an area"), other.getMessage());
    }

    @Test
    void badSizesAreRejectedWithTheirReason()
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().sizeLimit(2 << 20));
        assertEquals("requested allocation of 0 bytes in area \"a\" is not possible: the size must be at least 1 byte",
            assertThrows(InvalidSizeException.class, () -> area.allocate(0)).getMessage());
        assertEquals("requested allocation of -5 bytes in area \"a\" is not possible: the size must be at least 1 byte",
            assertThrows(InvalidSizeException.class, () -> area.allocate(-5)).getMessage());
        assertEquals("requested allocation of 1073741824 bytes in area \"a\" is 1 GiB or more; pass SharedArea.HUGE if " +
            "that is intended", assertThrows(InvalidSizeException.class, () -> area.allocate(1L << 30)).getMessage());
        assertEquals("requested allocation of 3145728 bytes in area \"a\" is larger than the area's size limit of 2097152 " +
            "bytes; create the area with a larger AreaOptions.sizeLimit",
            assertThrows(InvalidSizeException.class, () -> area.allocate(3 << 20)).getMessage());
        final long tooLarge = SharedArea.MAX_ALLOCATION + 1;
        assertTrue(assertThrows(InvalidSizeException.class, () -> area.allocate(tooLarge, SharedArea.HUGE)).getMessage()
            .contains("is larger than the largest possible allocation"));
        assertTrue(assertThrows(DsmRegistryException.class, () -> area.allocate(8, 64)).getMessage().contains("unknown flags 0x40"));
        assertEquals(0, area.bytesInUse());
        assertEquals(0, area.segmentCount());
        area.verify();
    }

    @Test
    void hugeLiftsTheOneGibibyteCheckAndLeavesTheOthers()
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().sizeLimit(2 << 20));
        assertEquals("requested allocation of 1073741824 bytes in area \"a\" is larger than the area's size limit of 2097152 " +
            "bytes; create the area with a larger AreaOptions.sizeLimit",
            assertThrows(InvalidSizeException.class, () -> area.allocate(1L << 30, SharedArea.HUGE)).getMessage());
        final long p = area.allocate(1 << 20, SharedArea.HUGE | SharedArea.ZERO);
        assertEquals(0, area.buffer(p, 1 << 20).getLong((1 << 20) - Long.BYTES), "a HUGE allocation below 1 GiB is an ordinary one");
        area.free(p);
        assertEquals(0, area.bytesInUse());
        area.verify();
    }

    @Test
    void segmentsDoubleEveryTwoUpToTheMaximumSegmentSizeAndALargerRequestGetsItsOwn()
    {
        final long initial = AreaOptions.MIN_SEGMENT_SIZE;
        final long max = 2 * initial;
        final SharedArea area = registry.area("capped", AreaOptions.defaults().initialSegmentSize(initial).maxSegmentSize(max));
        assertEquals(max, area.options().maxSegmentSize());
        final List<Long> segmentLengths = new ArrayList<>();
        long reserved = area.reservedBytes();
        while (segmentLengths.size() < 6)
        {
            final long before = area.segmentCount();
            area.allocate(8000);
            if (area.segmentCount() != before)
            {
                segmentLengths.add(area.reservedBytes() - reserved);
                reserved = area.reservedBytes();
            }
        }
        assertEquals(List.of(initial, initial, max, max, max, max), segmentLengths);
        final long large = area.allocate(3 * max);
        assertTrue(area.reservedBytes() - reserved >= 3 * max, "a segment of the request's own size: " + area);
        area.buffer(large, (int)(3 * max)).putLong((int)(3 * max) - Long.BYTES, 1);
        area.verify();
        assertEquals(max, AreaOptions.defaults().maxSegmentSize(initial).initialSegmentSize(max).maxSegmentSize(),
            "an initial size above the maximum raises it");
        assertEquals(initial, AreaOptions.defaults().initialSegmentSize(max).maxSegmentSize(initial).initialSegmentSize(),
            "a maximum below the initial size lowers it");
        assertThrows(IllegalArgumentException.class, () -> AreaOptions.defaults().maxSegmentSize(initial - 1));
        assertThrows(IllegalArgumentException.class, () -> AreaOptions.defaults().maxSegmentSize(AreaOptions.MAX_SEGMENT_SIZE + 1));
    }

    @Test
    void theSizeLimitIsAnOutOfSpaceErrorOrTheInvalidPointerWithNoOom()
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().initialSegmentSize(256 << 10).sizeLimit(1 << 20));
        final List<Long> blocks = new ArrayList<>();
        long p;
        while ((p = area.allocate(64 << 10, SharedArea.NO_OOM)) != 0)
        {
            blocks.add(p);
        }
        assertTrue(area.reservedBytes() <= 1 << 20, "reserved " + area.reservedBytes());
        assertTrue(blocks.size() >= 10, "blocks " + blocks.size());
        final OutOfSpaceException ex = assertThrows(OutOfSpaceException.class, () -> area.allocate(64 << 10));
        assertTrue(ex.getMessage().startsWith("cannot allocate 65536 bytes in area \"a\": its size limit is 1048576 bytes and "),
            ex.getMessage());
        assertTrue(ex.getMessage().endsWith("pass SharedArea.NO_OOM to get the invalid pointer 0 instead of this exception"),
            ex.getMessage());
        area.verify();
        for (final long block : blocks)
        {
            area.free(block);
        }
        assertEquals(0, area.bytesInUse());
        area.verify();
        assertNotEquals(0, area.allocate(64 << 10), "space is reusable after freeing");
    }

    @Test
    void badPointersAreReportedNotFollowed()
    {
        final SharedArea area = registry.area("a");
        final long small = area.allocate(64);
        final long large = area.allocate(40_000);
        assertEquals("pointer 0 is the invalid pointer (allocate returns it with NO_OOM when area \"a\" is out of space); " +
            "pass a pointer that allocate returned", assertThrows(InvalidPointerException.class, () -> area.free(0)).getMessage());
        final long segment9 = (9L << 40) | 4096;
        assertEquals("pointer 0x" + Long.toHexString(segment9) + " is not valid in area \"a\": segment 9 does not exist: it was " +
            "given back after all of its memory was freed, or the pointer is not from this area",
            assertThrows(InvalidPointerException.class, () -> area.free(segment9)).getMessage());
        final long pastEnd = (small & ~((1L << 40) - 1)) | ((1L << 31) - 8);
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.buffer(pastEnd, 8)).getMessage()
            .contains("is past the end of segment 1"));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(small + 8)).getMessage()
            .contains("it is not the start of an allocation (objects of 64 bytes"));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(large + 4096)).getMessage()
            .contains("it is not the start of an allocation (the allocation of 40960 bytes"));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(1L << 40)).getMessage()
            .contains("is inside the header of segment 1"));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(-1)).getMessage()
            .contains("it is not a pointer of an area"));
        area.free(small);
        area.free(large);
        final String doubleFree = "it is not an allocated block (freed already, a double free, or never allocated)";
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(small)).getMessage().endsWith(doubleFree));
        assertTrue(assertThrows(InvalidPointerException.class, () -> area.free(large)).getMessage().endsWith(doubleFree));
        assertEquals(0, area.bytesInUse());
        area.verify();
    }

    @Test
    void segmentsGrowAndEmptyOnesAreGivenBack() throws Exception
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().initialSegmentSize(256 << 10));
        final List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            blocks.add(area.allocate(100_000));
        }
        final long huge = area.allocate(3 << 20);
        area.buffer(huge, 3 << 20).putLong((3 << 20) - 8, 1);
        final long segments = area.segmentCount();
        assertTrue(segments >= 4, "segments " + segments);
        assertEquals(segments + 1, dataFiles().count());
        area.verify();
        area.free(huge);
        assertEquals(segments - 1, area.segmentCount(), "the odd-sized segment is given back");
        for (final long block : blocks)
        {
            area.free(block);
        }
        area.verify();
        assertEquals(1, area.segmentCount(), "only segment 1 stays");
        assertEquals(2, dataFiles().count());
        area.trim();
        assertEquals(0, area.segmentCount());
        assertEquals(1, dataFiles().count(), "only the control file is left");
        area.verify();
        final long again = area.allocate(10);
        area.buffer(again, 10).putByte(9, (byte)1);
        area.verify();
    }

    @Test
    void trimGivesBackEmptySuperblocks()
    {
        final SharedArea area = registry.area("a");
        final List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            blocks.add(area.allocate(24));
        }
        for (final long block : blocks)
        {
            area.free(block);
        }
        area.verify();
        area.trim();
        area.verify();
        assertEquals(0, area.segmentCount());
    }

    @Test
    void listingReportsReservedAndUsedBytes()
    {
        final SharedArea area = registry.area("a");
        area.allocate(100_000);
        final RegistryEntry entry = registry.entries().stream().filter(e -> e.name().equals("a")).findFirst().orElseThrow();
        assertEquals(EntryType.AREA, entry.type());
        assertEquals(area.reservedBytes(), entry.sizeBytes());
        assertEquals(102_400L, entry.usedBytes());
        assertEquals(1, area.segmentCount());
        assertEquals(io.dsmreg.internal.layout.AreaDescriptor.CONTROL_LENGTH + (1 << 20), area.reservedBytes());
    }

    @Test
    void aRemovedAreaStaysValidForItsHoldersButCannotGrow() throws Exception
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().initialSegmentSize(256 << 10));
        final long p = area.allocate(1000);
        area.buffer(p, 8).putLong(0, 5);
        assertTrue(registry.remove("a"));
        assertTrue(area.isRemoved());
        assertEquals(0, dataFiles().count());
        assertEquals(5, area.buffer(p, 8).getLong(0), "mapped memory stays valid");
        final long q = area.allocate(1000);
        area.free(q);
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> area.allocate(1 << 20));
        assertTrue(ex.getMessage().contains("the area was removed from its registry and can no longer grow"), ex.getMessage());
        assertEquals(0, dataFiles().count(), "no file was created for the removed area");
        final SharedArea fresh = registry.area("a");
        assertNotSame(area, fresh);
        assertEquals(0, fresh.bytesInUse());
    }

    @Test
    void threadsAllocateAndFreeConcurrentlyWithoutOverlap() throws Exception
    {
        final SharedArea area = registry.area("a", AreaOptions.defaults().initialSegmentSize(256 << 10));
        final int threads = 4;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int seed = t;
            futures.add(pool.submit(() -> churn(area, seed, 20_000)));
        }
        for (final Future<?> future : futures)
        {
            future.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        area.verify();
        assertEquals(0, area.bytesInUse());
    }

    /** Random sizes 8 B..256 KB; each block carries a pattern checked before it is freed. */
    static void churn(final SharedArea area, final long seed, final int operations)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<Long, Integer> live = new HashMap<>();
        final List<Long> order = new ArrayList<>();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int i = 0; i < operations; i++)
        {
            if (order.size() < 200 && (order.isEmpty() || random.nextInt(100) < 55))
            {
                final int size = 8 + (int)Math.pow(2, random.nextDouble(3, 18)) - 8;
                final long p = area.allocate(size);
                area.wrap(view, p, size);
                final byte mark = (byte)(p * 31 + size);
                view.setMemory(0, size, mark);
                live.put(p, size);
                order.add(p);
            }
            else
            {
                final long p = order.remove(random.nextInt(order.size()));
                final int size = live.remove(p);
                area.wrap(view, p, size);
                final byte mark = (byte)(p * 31 + size);
                for (int b = 0; b < size; b += Math.max(1, size / 16))
                {
                    assertEquals(mark, view.getByte(b));
                }
                assertEquals(mark, view.getByte(size - 1));
                area.free(p);
            }
        }
        for (final long p : order)
        {
            area.free(p);
        }
    }

    private Stream<Path> dataFiles() throws Exception
    {
        return Files.list(registry.directory()).filter(file -> file.getFileName().toString().endsWith(".dsm")).toList().stream();
    }
}
