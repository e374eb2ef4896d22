package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Looking up an already attached segment by name, against {@code ConcurrentHashMap.get} on a map of
 * the same size with the same keys: the registry's hot path is one map lookup plus one volatile
 * read of the entry's generation, which proves the entry was not removed by another process.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class SegmentLookupBenchmark
{
    private static final int SEGMENT_SIZE = 64;

    @Param({"1000"})
    int segments;

    private Path root;
    private DsmRegistry registry;
    private ConcurrentHashMap<String, NamedSegment> map;
    private String[] names;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        root = Files.createTempDirectory(Path.of(System.getProperty("dsmreg.bench.dir", "/dev/shm")), "dsmreg-bench");
        registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(root));
        map = new ConcurrentHashMap<>();
        names = new String[segments];
        for (int i = 0; i < segments; i++)
        {
            names[i] = "segment-" + i;
            map.put(names[i], registry.segment(names[i], SEGMENT_SIZE));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        registry.close();
        try (Stream<Path> files = Files.walk(root))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private String nextName()
    {
        final int index = next;
        next = index + 1 == segments ? 0 : index + 1;
        return names[index];
    }

    @Benchmark
    public NamedSegment registrySegment()
    {
        return registry.segment(nextName(), SEGMENT_SIZE);
    }

    @Benchmark
    public NamedSegment concurrentHashMapGet()
    {
        return map.get(nextName());
    }
}
