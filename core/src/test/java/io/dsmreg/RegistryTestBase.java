package io.dsmreg;

import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The registry "test" under a fresh temporary root, open for each test and closed after it, and the tools the
 * crash tests share for reaching into its files.
 */
abstract class RegistryTestBase
{
    @TempDir
    Path root;
    DsmRegistry registry;
    private final Duration timeout;

    /** A registry with the default lock timeout. */
    RegistryTestBase()
    {
        this(RegistryOptions.defaults().timeout());
    }

    /** A registry whose lock waits give up after {@code timeout}, for tests that wait on a held lock. */
    RegistryTestBase(final Duration timeout)
    {
        this.timeout = timeout;
    }

    /** Each test starts from an empty registry of its own. */
    @BeforeEach
    void openRegistry()
    {
        registry = DsmRegistry.open("test", RegistryOptions.defaults().root(root).timeout(timeout));
    }

    /** Closes the registry, so that no test leaves a mapping or an attachment behind. */
    @AfterEach
    void closeRegistry()
    {
        registry.close();
    }

    /** Maps the first file of part {@code part} in the registry directory, to write what a crashed process left. */
    final UnsafeBuffer mapPart(final int part, final long length)
    {
        try (var files = Files.list(registry.directory()))
        {
            final Path file = files.filter(f -> f.getFileName().toString().endsWith("_" + part + ".dsm")).findFirst().orElseThrow();
            return new UnsafeBuffer(MappedFiles.mapExisting(file, length, "test"));
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** The identity of a process that has exited, to stand in for one that died holding a lock. */
    static ProcessIdentity deadProcess() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return new ProcessIdentity(process.pid(), 12345);
    }
}
