package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Uncontended lock and unlock by one thread: a {@link SharedLock} in each mode against the JDK's
 * {@link ReentrantLock} and {@link ReentrantReadWriteLock}, which only exclude threads of one JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class LockBenchmark
{
    private Path root;
    private DsmRegistry registry;
    private Lock sharedExclusive;
    private Lock sharedShared;
    private final Lock reentrant = new ReentrantLock();
    private final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        root = Files.createTempDirectory(Path.of(System.getProperty("dsmreg.bench.dir", "/dev/shm")), "dsmreg-bench");
        registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(root));
        final SharedLock lock = registry.lock("bench.lock");
        sharedExclusive = lock.writeLock();
        sharedShared = lock.readLock();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        registry.close();
        try (Stream<Path> files = Files.walk(root))
        {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private long lockAndUnlock(final Lock lock)
    {
        lock.lock();
        try
        {
            return ++counter;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Benchmark
    public long sharedLockExclusive()
    {
        return lockAndUnlock(sharedExclusive);
    }

    @Benchmark
    public long sharedLockShared()
    {
        return lockAndUnlock(sharedShared);
    }

    @Benchmark
    public long reentrantLock()
    {
        return lockAndUnlock(reentrant);
    }

    @Benchmark
    public long reentrantReadWriteLockWrite()
    {
        return lockAndUnlock(readWrite.writeLock());
    }

    @Benchmark
    public long reentrantReadWriteLockRead()
    {
        return lockAndUnlock(readWrite.readLock());
    }
}
