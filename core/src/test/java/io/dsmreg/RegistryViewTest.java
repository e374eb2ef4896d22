package io.dsmreg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class RegistryViewTest
{
    @TempDir
    Path root;

    private RegistryOptions options()
    {
        return RegistryOptions.defaults().root(root);
    }

    @Test
    void lookingAtAMissingRegistryCreatesNothing() throws Exception
    {
        assertTrue(RegistryView.open("missing", options()).isEmpty());
        assertEquals(List.of(), RegistryView.registries(options()));
        assertFalse(DsmRegistry.removeRegistry("missing", options(), false));
        try (var files = Files.list(root))
        {
            assertEquals(0, files.count(), "not even the user's directory");
        }
    }

    @Test
    void aViewListsWhatTheRegistryListsWithoutAttaching()
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("b", 128);
            registry.segment("a", 64);
            final RegistryView view = RegistryView.open("shop", options()).orElseThrow();
            assertEquals(registry.entries(), view.entries());
            assertEquals(List.of("a", "b"), view.entries().stream().map(RegistryEntry::name).toList());
            assertEquals(List.of(ProcessHandle.current().pid()), view.attachedProcesses().stream().map(RegistryProcess::pid).toList());
            assertEquals(List.of("shop"), RegistryView.registries(options()));
            assertEquals(registry.directory(), view.directory());

            final long before = view.changeCount();
            assertEquals(before, view.changeCount(), "nothing changed");
            registry.segment("c", 8);
            final long created = view.changeCount();
            assertNotEquals(before, created);
            registry.segment("c", 8);
            assertEquals(created, view.changeCount(), "attaching changes nothing");
            registry.remove("c");
            assertNotEquals(created, view.changeCount());
        }
    }

    @Test
    void verifyReportsAMissingSegmentFileAndNamesIt() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
            final RegistryView view = RegistryView.open("shop", options()).orElseThrow();
            assertEquals(List.of(), view.verify());
            final Path file = registry.directory().resolve("1_0.dsm");
            Files.delete(file);
            final List<String> problems = view.verify();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains(file + " of segment \"a\" is missing"), problems.get(0));
        }
    }

    @Test
    void verifyBesideAWriterReportsNothingOfWhatTheWriterChangesMeanwhile() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("stays", 64);
            final RegistryView view = RegistryView.open("shop", options()).orElseThrow();
            final AtomicBoolean stop = new AtomicBoolean();
            // Entries created and removed all along: files appear before their slots are published and go after
            // their slots are removed, which an unlocked check must not take for damage.
            final CheckedThread writer = CheckedThread.start("writer", () ->
            {
                for (int i = 0; !stop.get(); i++)
                {
                    registry.segment("churn " + (i % 4), 64);
                    registry.remove("churn " + (i % 4));
                }
            });
            int overlapped = 0;
            try
            {
                for (int checks = 0; checks < 20_000 && overlapped < 100; checks++)
                {
                    final long before = view.changeCount();
                    assertEquals(List.of(), view.verify());
                    if (view.changeCount() != before)
                    {
                        overlapped++;
                    }
                }
            }
            finally
            {
                stop.set(true);
                writer.join();
            }
            assertEquals(100, overlapped, "checks the writer's changes overlapped");
            assertEquals(List.of(), view.verify());
        }
    }

    @Test
    void removingAWholeRegistryDeletesItsDirectoryButNotWhileThisProcessHasItOpen()
    {
        final Path directory;
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
            directory = registry.directory();
            final DsmRegistryException ex =
                assertThrows(DsmRegistryException.class, () -> DsmRegistry.removeRegistry("shop", options(), true));
            assertTrue(ex.getMessage().contains("this process has it open"), ex.getMessage());
        }
        assertTrue(DsmRegistry.removeRegistry("shop", options(), false));
        assertFalse(Files.exists(directory));
        try (DsmRegistry again = DsmRegistry.open("shop", options()))
        {
            assertEquals(List.of(), again.entries(), "a new, empty registry");
        }
    }

    @Test
    void aViewKnowsWhenItsRegistryWasRemovedEvenWhenItWasCreatedAnew()
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
        }
        final RegistryView view = RegistryView.open("shop", options()).orElseThrow();
        assertFalse(view.isRemoved());
        assertTrue(DsmRegistry.removeRegistry("shop", options(), false));
        assertTrue(view.isRemoved(), "its table was deleted");
        try (DsmRegistry again = DsmRegistry.open("shop", options()))
        {
            assertTrue(view.isRemoved(), "the registry's new table is not the one this view reads");
            assertEquals(1, view.entries().size(), "the view still reads the removed table");
            final RegistryView fresh = RegistryView.open("shop", options()).orElseThrow();
            assertFalse(fresh.isRemoved());
            assertEquals(List.of(), fresh.entries());
        }
    }
}
