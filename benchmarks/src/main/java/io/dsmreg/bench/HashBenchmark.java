package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Get and put (an update of a present key) on maps of 1,000,000 random Long keys to Long values,
 * random keys, same data for every map: SharedMap boxed and primitive, ConcurrentHashMap, and
 * Chronicle Map persisted to /dev/shm (the shared-memory anchor). Run with -t 1 and -t 2.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    // The heap committed and touched before measuring: boxed gets and puts allocate the Long they
    // return, and without this their first iterations page-faulted while G1 grew the heap.
    "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class HashBenchmark
{
    @State(Scope.Benchmark)
    public static class Keys
    {
        final long[] keys = HashData.keys();
        final Long[] boxed = HashData.boxed(keys);
    }

    @State(Scope.Thread)
    public static class Cursor
    {
        final int[] state = {(int)System.nanoTime() | 1};
    }

    @State(Scope.Benchmark)
    public static class Shared
    {
        Path directory;
        DsmRegistry registry;
        SharedMap<Long, Long> map;

        @Setup(Level.Trial)
        public void setUp(final Keys keys)
        {
            directory = HashData.sharedDirectory("dsmreg-bench");
            registry = HashData.registry(directory);
            map = registry.map("bench", Codec.LONG, Codec.LONG);
            for (final long key : keys.keys)
            {
                map.putLong(key, key);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            registry.close();
            HashData.delete(directory);
        }
    }

    @State(Scope.Benchmark)
    public static class Chm
    {
        ConcurrentHashMap<Long, Long> map;

        @Setup(Level.Trial)
        public void setUp(final Keys keys)
        {
            map = new ConcurrentHashMap<>();
            for (final Long key : keys.boxed)
            {
                map.put(key, key);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Chronicle
    {
        Path directory;
        ChronicleMap<Long, Long> map;

        @Setup(Level.Trial)
        public void setUp(final Keys keys) throws IOException
        {
            directory = HashData.sharedDirectory("chronicle-bench");
            map = ChronicleMap.of(Long.class, Long.class).name("bench").entries(HashData.ENTRIES)
                .createPersistedTo(directory.resolve("bench.dat").toFile());
            for (final Long key : keys.boxed)
            {
                map.put(key, key);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            map.close();
            HashData.delete(directory);
        }
    }

    @Benchmark
    public Long sharedMapGet(final Shared shared, final Keys keys, final Cursor cursor)
    {
        return shared.map.get(keys.boxed[HashData.next(cursor.state)]);
    }

    @Benchmark
    public long sharedMapGetLong(final Shared shared, final Keys keys, final Cursor cursor)
    {
        return shared.map.getLong(keys.keys[HashData.next(cursor.state)], -1);
    }

    @Benchmark
    public Long concurrentHashMapGet(final Chm chm, final Keys keys, final Cursor cursor)
    {
        return chm.map.get(keys.boxed[HashData.next(cursor.state)]);
    }

    @Benchmark
    public Long chronicleMapGet(final Chronicle chronicle, final Keys keys, final Cursor cursor)
    {
        return chronicle.map.get(keys.boxed[HashData.next(cursor.state)]);
    }

    @Benchmark
    public Long sharedMapPut(final Shared shared, final Keys keys, final Cursor cursor)
    {
        final int i = HashData.next(cursor.state);
        return shared.map.put(keys.boxed[i], cursor.state[0] & 0xFFFFL);
    }

    @Benchmark
    public void sharedMapPutLong(final Shared shared, final Keys keys, final Cursor cursor)
    {
        final int i = HashData.next(cursor.state);
        shared.map.putLong(keys.keys[i], cursor.state[0]);
    }

    @Benchmark
    public Long concurrentHashMapPut(final Chm chm, final Keys keys, final Cursor cursor)
    {
        final int i = HashData.next(cursor.state);
        return chm.map.put(keys.boxed[i], cursor.state[0] & 0xFFFFL);
    }

    @Benchmark
    public Long chronicleMapPut(final Chronicle chronicle, final Keys keys, final Cursor cursor)
    {
        final int i = HashData.next(cursor.state);
        return chronicle.map.put(keys.boxed[i], cursor.state[0] & 0xFFFFL);
    }
}
