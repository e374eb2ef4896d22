package io.dsmreg;

import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class DsmRegistryTest extends RegistryTestBase
{
    @Test
    void firstRequestInitializesAndLaterRequestsFindIt()
    {
        final AtomicInteger inits = new AtomicInteger();
        final NamedSegment first = registry.segment("a", 64, (buffer, arg) ->
        {
            inits.incrementAndGet();
            buffer.putLong(0, arg);
        }, 5432L);
        assertFalse(first.found());
        assertEquals(5432L, first.buffer().getLong(0));
        assertEquals(64, first.buffer().capacity());

        final NamedSegment second = registry.segment("a", 64, (buffer, arg) -> inits.incrementAndGet(), 0L);
        assertTrue(second.found());
        assertEquals(1, inits.get());
        second.buffer().putLong(8, 99);
        assertEquals(99, first.buffer().getLong(8), "same mapping");
    }

    @Test
    void secondRegistryHandleInTheSameJvmSharesTheMapping()
    {
        registry.segment("shared", 16).buffer().putLong(0, 42);
        try (DsmRegistry other = DsmRegistry.open("test", RegistryOptions.defaults().root(root)))
        {
            final NamedSegment segment = other.segment("shared", 16);
            assertTrue(segment.found());
            assertEquals(42, segment.buffer().getLong(0));
        }
        assertEquals(42, registry.segment("shared", 16).buffer().getLong(0), "closing one handle keeps the other working");
    }

    @Test
    void reopeningAfterCloseFindsTheEntries()
    {
        registry.segment("persisted", 8).buffer().putLong(0, 7);
        registry.close();
        registry = DsmRegistry.open("test", RegistryOptions.defaults().root(root));
        final NamedSegment segment = registry.segment("persisted", 8);
        assertTrue(segment.found());
        assertEquals(7, segment.buffer().getLong(0));
    }

    @Test
    void failedInitPublishesNothingAndTheNextCallerRetries()
    {
        final IllegalStateException failure = assertThrows(IllegalStateException.class, () ->
            registry.segment("flaky", 32, (buffer, arg) ->
            {
                buffer.putLong(0, 1);
                throw new IllegalStateException("init failed");
            }, null));
        assertEquals("init failed", failure.getMessage());
        assertTrue(registry.entries().isEmpty(), "a failed init leaves the registry unchanged");

        final NamedSegment retried = registry.segment("flaky", 32, (buffer, arg) -> buffer.putLong(8, 2), null);
        assertFalse(retried.found());
        assertEquals(0, retried.buffer().getLong(0), "memory of the failed attempt is gone");
        assertEquals(2, retried.buffer().getLong(8));
    }

    @Test
    void sizeMismatchNamesBothSizes()
    {
        registry.segment("orders.state", 8192);
        final EntryMismatchException ex = assertThrows(EntryMismatchException.class, () -> registry.segment("orders.state", 4096));
        assertEquals("requested segment \"orders.state\" has size 4096 but the existing one has 8192; ask for 8192, " +
            "or remove the entry first to create it with the new size", ex.getMessage());
    }

    @Test
    void badNamesAreRefusedWithTheirReason()
    {
        assertEquals("segment name cannot be null",
            assertThrows(InvalidNameException.class, () -> registry.segment(null, 8)).getMessage());
        assertEquals("segment name cannot be empty",
            assertThrows(InvalidNameException.class, () -> registry.segment("", 8)).getMessage());
        final String tooLong = "x".repeat(64);
        assertEquals("segment name too long: \"" + tooLong + "\" is 64 bytes in UTF-8, the limit is 63 (as in PostgreSQL); " +
            "choose a shorter name", assertThrows(InvalidNameException.class, () -> registry.segment(tooLong, 8)).getMessage());
        // 21 three-byte characters are 63 bytes: allowed; 22 are not.
        assertNotNull(registry.segment("€".repeat(21), 8));
        assertThrows(InvalidNameException.class, () -> registry.segment("€".repeat(22), 8));
        assertTrue(assertThrows(InvalidNameException.class, () -> registry.segment("bad\uD800", 8))
            .getMessage().contains("unpaired surrogate"));
        assertEquals(1, registry.entries().size(), "only the valid request created an entry");
    }

    @Test
    void badSizesAreRefusedWithTheLimit()
    {
        for (final long size : new long[] {0, -1, (1L << 31) - 4095, Long.MAX_VALUE})
        {
            final InvalidSizeException ex = assertThrows(InvalidSizeException.class, () -> registry.segment("s", size));
            assertEquals("requested segment \"s\" has size " + size + "; a segment's size must be between 1 and " +
                "2147479552 bytes (2 GiB - 4 KiB). For more, use several segments or an area", ex.getMessage());
        }
        assertTrue(registry.entries().isEmpty());
    }

    @Test
    void removeDeletesTheEntryAndOldHandlesStayValid()
    {
        final NamedSegment old = registry.segment("gone", 16, (buffer, arg) -> buffer.putLong(0, 1), null);
        assertTrue(registry.remove("gone"));
        assertTrue(old.isRemoved());
        assertEquals(1, old.buffer().getLong(0), "the old mapping still reads");
        old.buffer().putLong(0, 3);

        final NamedSegment fresh = registry.segment("gone", 32, (buffer, arg) -> buffer.putLong(0, 2), null);
        assertFalse(fresh.found(), "a removed name is created afresh, with any size");
        assertEquals(2, fresh.buffer().getLong(0));
        assertFalse(fresh.isRemoved());
        assertFalse(registry.remove("never-existed"));
    }

    @Test
    void entriesListsNameTypeSizeAndCreator()
    {
        registry.segment("one", 100);
        registry.segment("two", 200);
        final List<RegistryEntry> entries = new ArrayList<>(registry.entries());
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        assertEquals(2, entries.size());
        assertEquals("one", entries.get(0).name());
        assertEquals(EntryType.SEGMENT, entries.get(0).type());
        assertEquals(100L, entries.get(0).sizeBytes());
        assertEquals(100L, entries.get(0).usedBytes());
        assertNull(entries.get(0).entryCount());
        assertEquals(ProcessHandle.current().pid(), entries.get(0).creatorPid());
        assertTrue(entries.get(0).initialized());
        assertEquals(200L, entries.get(1).sizeBytes());
    }

    @Test
    void fullRegistrySaysItsCapacity()
    {
        try (DsmRegistry small = DsmRegistry.open("small", RegistryOptions.defaults().root(root).capacity(16)))
        {
            for (int i = 0; i < 16; i++)
            {
                small.segment("entry-" + i, 8);
            }
            final OutOfSpaceException ex = assertThrows(OutOfSpaceException.class, () -> small.segment("entry-16", 8));
            assertEquals("cannot create segment \"entry-16\": registry \"small\" is full, it holds 16 entries, its capacity. " +
                "Remove entries that are no longer needed, or create the registry with a larger RegistryOptions.capacity",
                ex.getMessage());
            assertTrue(small.remove("entry-3"));
            assertFalse(small.segment("entry-16", 8).found(), "a removed entry's slot is reused");
            for (int i = 0; i < 16; i++)
            {
                if (i != 3)
                {
                    assertTrue(small.segment("entry-" + i, 8).found(), "entry-" + i + " still found past the tombstone");
                }
            }
        }
    }

    @Test
    void holdsTenThousandEntries()
    {
        for (int i = 0; i < 10_000; i++)
        {
            registry.segment("entry-" + i, 8).buffer().putInt(0, i);
        }
        assertEquals(10_000, registry.entries().size());
        try (DsmRegistry other = DsmRegistry.open("test", RegistryOptions.defaults().root(root)))
        {
            assertEquals(1234, other.segment("entry-1234", 8).buffer().getInt(0));
        }
    }

    @Test
    void threadsRacingOnOneNameInitializeItOnce() throws Exception
    {
        final int threads = 8;
        final AtomicInteger inits = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<NamedSegment>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                results.add(pool.submit(() ->
                {
                    start.await();
                    return registry.segment("raced", 8, (buffer, arg) ->
                    {
                        inits.incrementAndGet();
                        buffer.putLong(0, 77);
                    }, null);
                }));
            }
            start.countDown();
            int notFound = 0;
            for (final Future<NamedSegment> result : results)
            {
                final NamedSegment segment = result.get(30, TimeUnit.SECONDS);
                assertEquals(77, segment.buffer().getLong(0));
                notFound += segment.found() ? 0 : 1;
            }
            assertEquals(1, inits.get());
            assertEquals(1, notFound, "exactly one caller ran the initializer");
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void initializerAskingForItselfIsRefusedInsteadOfDeadlocking()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () ->
            registry.segment("self", 8, (buffer, arg) -> registry.segment("self", 8), null));
        assertTrue(ex.getMessage().contains("requested from inside its own initializer"), ex.getMessage());
        assertTrue(registry.entries().isEmpty());
    }

    @Test
    void initializerMayCreateOtherEntries()
    {
        final NamedSegment outer = registry.segment("outer", 8, (buffer, arg) ->
            buffer.putLong(0, registry.segment("inner", 8, (inner, x) -> inner.putLong(0, 5), null).buffer().getLong(0)), null);
        assertEquals(5, outer.buffer().getLong(0));
        assertEquals(2, registry.entries().size());
    }

    @Test
    void closedRegistryRefusesCalls()
    {
        final AtomicBuffer buffer = registry.segment("kept", 8).buffer();
        registry.close();
        assertThrows(DsmRegistryException.class, () -> registry.segment("kept", 8));
        buffer.putLong(0, 1);
        assertEquals(1, buffer.getLong(0), "handles outlive the registry handle");
        registry = DsmRegistry.open("test", RegistryOptions.defaults().root(root));
    }

    @Test
    void badRegistryNamesAreRefused()
    {
        assertEquals("registry name cannot be empty",
            assertThrows(InvalidNameException.class, () -> DsmRegistry.open("", RegistryOptions.defaults().root(root))).getMessage());
        assertThrows(InvalidNameException.class, () -> DsmRegistry.open(null, RegistryOptions.defaults().root(root)));
        assertThrows(InvalidNameException.class, () -> DsmRegistry.open("..", RegistryOptions.defaults().root(root)));
        assertEquals("registry name \"a/b\" has the character '/' at index 1; use only letters, digits, '.', '_' and '-' " +
            "(it names a directory)",
            assertThrows(InvalidNameException.class, () -> DsmRegistry.open("a/b", RegistryOptions.defaults().root(root))).getMessage());
    }
}
