package io.dsmreg.internal.registry;

import io.dsmreg.CheckedThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class HandleCacheTest
{
    private static final class Handle extends CachedHandle
    {
        Handle(final String name, final int slot)
        {
            super(name, new EntryGeneration(null, slot, 0));
        }
    }

    @Test
    void findsEveryHandleByEqualNameAcrossGrowthAndRemovals()
    {
        final HandleCache cache = new HandleCache();
        final int count = 5_000;
        for (int i = 0; i < count; i++)
        {
            cache.put(new Handle("orders-" + i, i));
        }
        for (int i = 0; i < count; i++)
        {
            final CachedHandle found = cache.get(new String("orders-" + i));
            assertNotNull(found, "orders-" + i);
            assertEquals(i, found.entry().slot());
        }
        assertNull(cache.get("orders-" + count));

        for (int i = 0; i < count; i += 2)
        {
            cache.remove("orders-" + i, null);
        }
        for (int i = 0; i < count; i++)
        {
            assertEquals(i % 2 == 1, cache.get("orders-" + i) != null, "orders-" + i);
        }
    }

    @Test
    void putReplacesAndRemoveOnlyRemovesTheExpectedHandle()
    {
        final HandleCache cache = new HandleCache();
        final Handle first = new Handle("a", 1);
        final Handle second = new Handle("a", 2);
        cache.put(first);
        cache.put(second);
        assertSame(second, cache.get("a"));
        cache.remove("a", first);
        assertSame(second, cache.get("a"), "a stale expected handle removes nothing");
        cache.remove("a", second);
        assertNull(cache.get("a"));
    }

    @Test
    void readersRacingWritersOnlyEverSeeHandlesOfTheNameTheyAskFor() throws InterruptedException
    {
        final HandleCache cache = new HandleCache();
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch reading = new CountDownLatch(1);
        final AtomicLong foundWhileWriting = new AtomicLong();
        final CheckedThread reader = CheckedThread.start("reader", () ->
        {
            reading.countDown();
            while (!stop.get())
            {
                for (int i = 0; i < 200; i++)
                {
                    final String name = "n" + i;
                    final CachedHandle found = cache.get(name);
                    if (found != null)
                    {
                        assertEquals(name, found.entryName, "asked for " + name);
                        foundWhileWriting.incrementAndGet();
                    }
                }
            }
        });
        assertTrue(reading.await(60, TimeUnit.SECONDS), "the reader started");
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                cache.put(new Handle("n" + i, round));
            }
            for (int i = 0; i < 200; i += 3)
            {
                cache.remove("n" + i, null);
            }
        }
        stop.set(true);
        reader.join();
        assertTrue(foundWhileWriting.get() > 0, "the reader found handles while the cache was being changed");
    }
}
