package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedArea;
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
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Allocate + free of one block, against the anchor {@code Unsafe.allocateMemory/freeMemory}
 * (glibc malloc) in the same run. Run with {@code -t 1} and {@code -t 2}: the threads share one
 * area (and its size-class lock), as threads of one process or of several would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class AreaBenchmark
{
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    @Param({"64", "4096"})
    public int size;

    private Path root;
    private DsmRegistry registry;
    private SharedArea area;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        root = Files.createTempDirectory(Path.of(System.getProperty("dsmreg.bench.dir", "/dev/shm")), "dsmreg-bench");
        registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(root));
        area = registry.area("area");
        area.free(area.allocate(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        registry.remove("area");
        registry.close();
        try (Stream<Path> files = Files.walk(root))
        {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Benchmark
    public long areaAllocateFree()
    {
        final long pointer = area.allocate(size);
        area.free(pointer);
        return pointer;
    }

    @Benchmark
    public long mallocFree()
    {
        final long address = UNSAFE.allocateMemory(size);
        UNSAFE.freeMemory(address);
        return address;
    }

    private static sun.misc.Unsafe unsafe()
    {
        try
        {
            final Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe)field.get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }
}
