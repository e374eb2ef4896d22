package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.HashParams;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryProcess;
import io.dsmreg.RegistryView;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Entries another process holds: removed under it, and the list of attached processes when a holder is killed with -9. */
class HeldEntriesIT
{
    private static final String REGISTRY = "held";

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private RegistryOptions options()
    {
        return RegistryOptions.defaults().root(root());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anAreaAHashAndAMapRemovedWhileAnotherProcessHoldsThemStayUsableThereAndAreCreatedAfreshHere(final Path jdk)
        throws Exception
    {
        final Process holder = Children.hold(jdk, work, List.of(), root(), REGISTRY, "holder",
            "area:held.area:4096", "hash:held.hash:100", "map:held.map:100");
        final Path output = work.resolve("holder.out");
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options()))
        {
            Children.touch(holder, output, 1);
            for (final String name : List.of("held.area", "held.hash", "held.map"))
            {
                assertTrue(registry.remove(name), name + " existed");
            }
            assertTrue(registry.entries().isEmpty(), registry.entries().toString());
            // The files are gone; the holder's memory is not: it reads each mark and writes the next one.
            Children.touch(holder, output, 2);
            assertEquals(2, Files.readAllLines(output).stream().filter("touched=3"::equals).count(), Files.readString(output));

            final SharedArea area = registry.area("held.area");
            assertEquals(0, area.bytesInUse(), "a new area, not the holder's");
            final SharedMap<Long, Long> map = registry.map("held.map", Codec.LONG, Codec.LONG);
            assertTrue(map.isEmpty(), "a new map, not the holder's");
            assertNull(registry.hash("held.hash", HashParams.of(8, 16)).find(0L, false), "a new hash, not the holder's");
            Children.touch(holder, output, 3);
            Children.stop(holder);
        }
        finally
        {
            holder.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void theAttachedProcessListLeavesOutAHolderKilledWithKill9(final Path jdk) throws Exception
    {
        final Process killed = Children.hold(jdk, work, List.of(), root(), REGISTRY, "killed", "segment:held.state:64");
        final Process kept = Children.hold(jdk, work, List.of(), root(), REGISTRY, "kept");
        try
        {
            assertEquals(Set.of(killed.pid(), kept.pid()), attachedPids());
            killed.destroyForcibly().waitFor();
            assertEquals(Set.of(kept.pid()), attachedPids(), "a process killed with -9 never detached, and is left out");
            try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options()))
            {
                assertEquals(Set.of(kept.pid(), ProcessHandle.current().pid()), attachedPids(), "this process attached beside it");
                assertTrue(registry.segment("held.state", 64).found(), "what it created stays");
            }
            Children.stop(kept);
            assertEquals(Set.of(), attachedPids());
        }
        finally
        {
            killed.destroyForcibly().waitFor();
            kept.destroyForcibly().waitFor();
        }
    }

    private Set<Long> attachedPids()
    {
        return RegistryView.open(REGISTRY, options()).orElseThrow().attachedProcesses().stream()
            .map(RegistryProcess::pid).collect(Collectors.toSet());
    }
}
