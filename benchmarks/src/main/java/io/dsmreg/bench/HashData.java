package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** The data every hash benchmark uses: 1,000,000 random long keys, and where shared files go. */
final class HashData
{
    static final int ENTRIES = 1_000_000;

    private HashData()
    {
    }

    /** The same 1,000,000 distinct random keys in every run. */
    static long[] keys()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final java.util.HashSet<Long> seen = new java.util.HashSet<>();
        final long[] keys = new long[ENTRIES];
        for (int i = 0; i < ENTRIES; )
        {
            final long key = random.nextLong();
            if (seen.add(key))
            {
                keys[i++] = key;
            }
        }
        return keys;
    }

    static Long[] boxed(final long[] keys)
    {
        final Long[] boxed = new Long[keys.length];
        for (int i = 0; i < keys.length; i++)
        {
            boxed[i] = keys[i];
        }
        return boxed;
    }

    /**
     * A fresh directory for shared files: in /dev/shm where it exists, as the registry's default, or under the
     * directory {@code -Ddsmreg.bench.shm} names (a tmpfs mounted with {@code huge=always}, say).
     */
    static Path sharedDirectory(final String prefix)
    {
        try
        {
            final Path shm = Path.of(System.getProperty("dsmreg.bench.shm", "/dev/shm"));
            return Files.isDirectory(shm) ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static DsmRegistry registry(final Path directory)
    {
        return DsmRegistry.open("bench", RegistryOptions.defaults().root(directory));
    }

    static void delete(final Path directory)
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code count} keys drawn at random (with repeats) from {@code keys}, in the order drawn, with a seed of their own. */
    static long[] stream(final long[] keys, final int count)
    {
        final int[] state = {0x5DEE_CE66};
        final long[] stream = new long[count];
        for (int i = 0; i < count; i++)
        {
            stream[i] = keys[next(state)];
        }
        return stream;
    }

    /** A per-thread stream of indexes into the keys, uniformly random (xorshift). */
    static int next(final int[] state)
    {
        int x = state[0];
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        state[0] = x;
        return (int)(((x & 0xFFFF_FFFFL) * ENTRIES) >>> 32);
    }
}
