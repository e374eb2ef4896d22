package io.dsmreg;

import io.dsmreg.internal.file.Directories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** RegistryOptions: the capacity's bounds and rounding, the capacity an existing registry keeps, and open(name) without options. */
class RegistryOptionsTest
{
    @TempDir
    Path root;

    @Test
    void theCapacityIsBoundedAndRoundedUpToAPowerOfTwo()
    {
        assertEquals(16_384, RegistryOptions.defaults().capacity());
        assertEquals(16, RegistryOptions.defaults().capacity(16).capacity());
        assertEquals(32, RegistryOptions.defaults().capacity(17).capacity());
        assertEquals(1024, RegistryOptions.defaults().capacity(1000).capacity());
        assertEquals(1024, RegistryOptions.defaults().capacity(1024).capacity());
        assertEquals(2048, RegistryOptions.defaults().capacity(1025).capacity());
        assertEquals(1 << 20, RegistryOptions.defaults().capacity((1 << 19) + 1).capacity());
        assertEquals(1 << 20, RegistryOptions.defaults().capacity(1 << 20).capacity());
        for (final int bad : new int[] {Integer.MIN_VALUE, -1, 0, 15, (1 << 20) + 1, Integer.MAX_VALUE})
        {
            assertEquals("capacity must be between 16 and 1048576 entries, was " + bad,
                assertThrows(IllegalArgumentException.class, () -> RegistryOptions.defaults().capacity(bad)).getMessage());
        }
        assertEquals(16_384, RegistryOptions.defaults().capacity(), "options are immutable: defaults() is unchanged");
    }

    @Test
    void aRoundedCapacityIsWhatTheRegistryHolds()
    {
        try (DsmRegistry registry = DsmRegistry.open("rounded", RegistryOptions.defaults().root(root).capacity(20)))
        {
            for (int i = 0; i < 32; i++)
            {
                registry.segment("entry-" + i, 8);
            }
            final OutOfSpaceException full = assertThrows(OutOfSpaceException.class, () -> registry.segment("entry-32", 8));
            assertTrue(full.getMessage().contains("it holds 32 entries, its capacity"), full.getMessage());
        }
    }

    @Test
    void anExistingRegistryKeepsTheCapacityItWasCreatedWith()
    {
        try (DsmRegistry created = DsmRegistry.open("kept", RegistryOptions.defaults().root(root).capacity(16)))
        {
            created.segment("first", 8);
        }
        try (DsmRegistry reopened = DsmRegistry.open("kept", RegistryOptions.defaults().root(root).capacity(4096)))
        {
            assertTrue(reopened.segment("first", 8).found(), "the same registry, its entries kept");
            for (int i = 1; i < 16; i++)
            {
                reopened.segment("entry-" + i, 8);
            }
            final OutOfSpaceException full = assertThrows(OutOfSpaceException.class, () -> reopened.segment("entry-16", 8));
            assertTrue(full.getMessage().contains("it holds 16 entries, its capacity"), full.getMessage());
            assertEquals(16, RegistryView.open("kept", RegistryOptions.defaults().root(root)).orElseThrow().capacity());
        }
        try (DsmRegistry smaller = DsmRegistry.open("kept", RegistryOptions.defaults().root(root).capacity(16)))
        {
            assertEquals(16, smaller.entries().size(), "a smaller request changes nothing either");
        }
    }

    @Test
    void openWithoutOptionsUsesTheRootOfTheSystemPropertyAndTheDefaultTimeout()
    {
        final String saved = System.getProperty(Directories.ROOT_PROPERTY);
        System.setProperty(Directories.ROOT_PROPERTY, root.toString());
        try (DsmRegistry registry = DsmRegistry.open("plain"))
        {
            assertEquals(Directories.userDirectory(root).resolve("plain"), registry.directory());
            assertFalse(registry.segment("s", 64).found());
        }
        finally
        {
            if (saved == null)
            {
                System.clearProperty(Directories.ROOT_PROPERTY);
            }
            else
            {
                System.setProperty(Directories.ROOT_PROPERTY, saved);
            }
        }
        try (DsmRegistry same = DsmRegistry.open("plain", RegistryOptions.defaults().root(root)))
        {
            assertTrue(same.segment("s", 64).found(), "open(name) created the registry under the property's root");
        }
    }
}
