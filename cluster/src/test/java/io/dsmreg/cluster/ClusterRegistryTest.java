package io.dsmreg.cluster;

import io.dsmreg.Codec;
import io.dsmreg.CodecException;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.InvalidNameException;
import io.dsmreg.jmx.ClusterEntryInfo;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterRegistryTest
{
    private static HazelcastInstance member;

    @BeforeAll
    static void start()
    {
        member = LoopbackCluster.member();
    }

    @AfterAll
    static void stop()
    {
        member.shutdown();
    }

    @Test
    void namesTheImapAfterRegistryAndEntry()
    {
        final ClusterMap<String, Long> hits = ClusterRegistry.open("orders", member).map("hits", Codec.STRING, Codec.LONG);
        assertEquals("dsmreg.orders.hits", hits.structureName());
        assertEquals("dsmreg.orders.hits", ClusterRegistry.structureName("orders", "hits"));
        hits.put("GET /", 3L);
        assertTrue(member.getMap("dsmreg.orders.hits").containsKey(bytes(Codec.STRING, "GET /")));
    }

    @Test
    void storesTheCodecsBytes()
    {
        final ClusterMap<String, Long> map = ClusterRegistry.open("bytes", member).map("m", Codec.STRING, Codec.LONG);
        map.put("key", 0x0102030405060708L);
        final IMap<byte[], byte[]> raw = member.getMap("dsmreg.bytes.m");
        assertArrayEquals(bytes(Codec.LONG, 0x0102030405060708L), raw.get(bytes(Codec.STRING, "key")));
        assertEquals(0x0102030405060708L, map.get("key"));
    }

    @Test
    void keepsConcurrentMapsContract()
    {
        final ConcurrentMap<String, Long> map = ClusterRegistry.open("contract", member).map("m", Codec.STRING, Codec.LONG);
        assertNull(map.putIfAbsent("a", 1L));
        assertEquals(1L, map.putIfAbsent("a", 2L));
        assertFalse(map.replace("a", 2L, 3L), "replace compares the current value");
        assertTrue(map.replace("a", 1L, 3L));
        assertEquals(3L, map.get("a"));
        assertFalse(map.remove("a", 1L));
        assertEquals(8L, map.merge("a", 5L, Long::sum));
        assertNull(map.merge("a", 0L, (old, given) -> null), "merge to null removes");
        assertFalse(map.containsKey("a"));
        assertEquals(4L, map.compute("b", (key, old) -> old == null ? 4L : old + 1));
        assertEquals(5L, map.compute("b", (key, old) -> old == null ? 4L : old + 1));
        assertEquals(5L, map.computeIfAbsent("b", key -> 99L));
        assertNull(map.get(42), "a key of another type is absent, as in HashMap");
        assertEquals(Map.of("b", 5L), new HashMap<>(map));
        map.entrySet().removeIf(entry -> entry.getKey().equals("b"));
        assertTrue(map.isEmpty());
    }

    /**
     * The views' streams while another thread changes the map: their spliterators are of unknown size (a SIZED
     * one, sized by the live map apart from the snapshot the iteration walks, failed a stream whose count moved),
     * and the views answer as the map does: a key of another type is in none, removal writes through.
     */
    @Test
    void theViewsStreamWhileTheMapChangesAndWriteThrough() throws Exception
    {
        final ClusterMap<String, Long> map = ClusterRegistry.open("views", member).map("v", Codec.STRING, Codec.LONG);
        for (int k = 0; k < 200; k++)
        {
            map.put("stable " + k, (long)k);
        }
        for (final java.util.Spliterator<?> spliterator : List.of(
            map.keySet().spliterator(), map.values().spliterator(), map.entrySet().spliterator()))
        {
            assertFalse(spliterator.hasCharacteristics(java.util.Spliterator.SIZED), "not SIZED");
        }
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread writer = new Thread(() ->
        {
            try
            {
                for (long i = 0; !stop.get(); i++)
                {
                    map.put("moving " + i % 300, i);
                    map.remove("moving " + (i * 7) % 300);
                    writes.incrementAndGet();
                }
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        writer.start();
        int streamsDuringWrites = 0;
        try
        {
            for (int run = 0; run < 200 && streamsDuringWrites < 10; run++)
            {
                final long before = writes.get();
                final java.util.Set<Object> keys = new java.util.HashSet<>(List.of(map.keySet().stream().toArray()));
                assertTrue(map.values().stream().count() >= 200 && map.entrySet().stream().toArray().length >= 200);
                if (writes.get() != before)
                {
                    streamsDuringWrites++;
                }
                for (int k = 0; k < 200; k++)
                {
                    assertTrue(keys.contains("stable " + k), "the stream of keys saw stable " + k);
                }
            }
        }
        finally
        {
            stop.set(true);
            writer.join(60_000);
        }
        assertFalse(writer.isAlive(), "the writer ended");
        assertNull(failure.get(), () -> "the writer failed: " + failure.get());
        assertTrue(streamsDuringWrites > 0, "no stream ran while the writer wrote: the race did not happen");
        assertFalse(map.keySet().contains(42), "a key of another type is in no view");
        assertFalse(map.keySet().remove(42));
        assertTrue(map.keySet().remove("stable 0"));
        assertFalse(map.containsKey("stable 0"), "keySet().remove writes through");
        map.values().removeIf(value -> value == 1L);
        assertFalse(map.containsKey("stable 1"), "values().removeIf writes through");
        map.keySet().clear();
        assertTrue(map.isEmpty());
    }

    @Test
    void addAndGetRunsOnTheOwnerAndCountsExactly() throws Exception
    {
        final ClusterMap<String, Long> map = ClusterRegistry.open("counters", member).map("c", Codec.STRING, Codec.LONG);
        final int threads = 4;
        final int each = 500;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> workers = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < each; i++)
                    {
                        map.addAndGet("n", 1);
                        map.merge("m", 1L, Long::sum);
                    }
                }
                catch (final Throwable ex)
                {
                    synchronized (failures)
                    {
                        failures.add(ex);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(threads * each, map.get("n"));
        assertEquals(threads * each, map.get("m"));
        assertEquals(threads * each - 7, map.addAndGet("n", -7));
    }

    @Test
    void refusesAddAndGetOnOtherValueCodecs()
    {
        final ClusterMap<String, String> map = ClusterRegistry.open("strings", member).map("s", Codec.STRING, Codec.STRING);
        final UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class, () -> map.addAndGet("k", 1));
        assertTrue(refused.getMessage().contains("addAndGet needs the value codec"), refused.getMessage());
    }

    @Test
    void refusesBytesOfAnotherCodec()
    {
        final IMap<byte[], byte[]> raw = member.getMap("dsmreg.foreign.m");
        raw.put(bytes(Codec.STRING, "k"), new byte[3]);
        final ClusterMap<String, Long> map = ClusterRegistry.open("foreign", member).map("m", Codec.STRING, Codec.LONG);
        final CodecException wrong = assertThrows(CodecException.class, () -> map.get("k"));
        assertTrue(wrong.getMessage().contains("has 3 bytes, but its codec"), wrong.getMessage());
        final CodecException adding = assertThrows(CodecException.class, () -> map.addAndGet("k", 1));
        assertTrue(adding.getMessage().contains("every writer of the map must use Codec.LONG"), adding.getMessage());
    }

    @Test
    void givesOneMapPerNameAndRefusesOtherCodecs()
    {
        final ClusterRegistry registry = ClusterRegistry.open("same", member);
        final ClusterMap<String, Long> first = registry.map("m", Codec.STRING, Codec.LONG);
        assertSame(first, registry.map("m", Codec.STRING, Codec.LONG));
        final EntryMismatchException mismatch =
            assertThrows(EntryMismatchException.class, () -> registry.map("m", Codec.STRING, Codec.STRING));
        assertTrue(mismatch.getMessage().contains("is bound with"), mismatch.getMessage());
    }

    @Test
    void refusesNamesThatWouldBeAmbiguous()
    {
        final InvalidNameException dotted = assertThrows(InvalidNameException.class, () -> ClusterRegistry.open("a.b", member));
        assertTrue(dotted.getMessage().contains("a '.' would be ambiguous"), dotted.getMessage());
        final ClusterRegistry registry = ClusterRegistry.open("names", member);
        assertThrows(InvalidNameException.class, () -> registry.map("", Codec.STRING, Codec.LONG));
        assertThrows(InvalidNameException.class, () -> registry.map("x".repeat(64), Codec.STRING, Codec.LONG));
        final InvalidNameException unpaired = assertThrows(InvalidNameException.class,
            () -> registry.map("m\uD800", Codec.STRING, Codec.LONG));
        assertTrue(unpaired.getMessage().contains("unpaired surrogate"), unpaired.getMessage());
    }

    @Test
    void refusesAStringWithAnUnpairedSurrogateAsACodecFailureAndStoresNothing()
    {
        final ClusterMap<String, String> map = ClusterRegistry.open("unpaired", member).map("m", Codec.STRING, Codec.STRING);
        map.put("a?", "seven");
        for (final Executable operation : List.<Executable>of(() -> map.put("a\uD800", "v"), () -> map.get("a\uD800"),
            () -> map.containsKey("\uDC00"), () -> map.put("a?", "v\uD800")))
        {
            final CodecException refused = assertThrows(CodecException.class, operation);
            assertTrue(refused.getMessage().contains("unpaired surrogate"), refused.getMessage());
            assertTrue(refused.getMessage().contains("the map is unchanged"), refused.getMessage());
        }
        assertEquals(Map.of("a?", "seven"), new HashMap<>(map));
    }

    @Test
    void listsEntriesWithThisMembersShare()
    {
        final ClusterRegistry registry = ClusterRegistry.open("listed", member);
        final ClusterMap<String, Long> map = registry.map("hits", Codec.STRING, Codec.LONG);
        for (int i = 0; i < 10; i++)
        {
            map.put("k" + i, (long)i);
        }
        final ClusterEntryInfo row = registry.entries().get(0);
        assertEquals("listed", row.getRegistry());
        assertEquals("hits", row.getName());
        assertEquals("dsmreg.listed.hits", row.getStructureName());
        assertEquals(10, row.getEntryCount());
        assertEquals(10L, row.getOwnedEntryCount(), "one member owns every entry");
        assertTrue(row.getOwnedBytes() > 0);
        assertTrue(ClusterRegistry.list(member).stream().anyMatch(found -> found.getStructureName().equals("dsmreg.listed.hits")));
    }

    private static <T> byte[] bytes(final Codec<T> codec, final T value)
    {
        final byte[] bytes = new byte[codec.fixedSize() == Codec.VARIABLE_SIZE ? codec.size(value) : codec.fixedSize()];
        codec.encode(value, new UnsafeBuffer(bytes), 0);
        return bytes;
    }
}
