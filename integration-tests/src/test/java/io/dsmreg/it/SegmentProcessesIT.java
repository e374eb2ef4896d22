package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Named segments shared by real JVM processes, including ones killed at the worst moment. */
class SegmentProcessesIT
{
    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void eightProcessesRacingOnTwentyNamesInitializeEachOnce(final Path jdk) throws Exception
    {
        final int processes = 8;
        final int names = 20;
        final Path barrier = work.resolve("barrier");
        final Path log = work.resolve("init.log");
        final List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            children.add(Jvm.startChild(jdk, work, "race-" + i, Child.class, root(), "race", barrier.toString(),
                Integer.toString(processes), log.toString(), Integer.toString(names)));
        }

        final List<Jvm.Result> results = new ArrayList<>();
        final Set<String> contents = new HashSet<>();
        int initialized = 0;
        for (int i = 0; i < processes; i++)
        {
            final Jvm.Result result = Jvm.finishChild(children.get(i), work, "race-" + i, 120);
            results.add(result);
            contents.add(result.value("contents"));
            initialized += Integer.parseInt(result.value("initialized"));
        }
        StartBarrier.assertOverlapped(results, "segment race");

        final List<String> initLines = Files.readAllLines(log);
        final Set<String> initializedNames = new HashSet<>();
        for (final String line : initLines)
        {
            assertTrue(initializedNames.add(line.split(" ")[0]), "initialized twice: " + line + " in\n" + initLines);
        }
        assertEquals(names, initLines.size(), "one init per name:\n" + initLines);
        assertEquals(names, initialized, "found == false exactly once per name");
        assertEquals(1, contents.size(), "every process read the same contents: " + contents);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void initializerKilledMidwayIsCompletedByTheNextCaller(final Path jdk) throws Exception
    {
        final Process hanging = Jvm.startHangingInInit(jdk, work, root(), "victim");
        hanging.destroyForcibly();
        assertTrue(hanging.waitFor(30, TimeUnit.SECONDS));

        final Jvm.Result next = Jvm.run(jdk, work, root().toString(), "get", "victim", "4096", "value:42", "30000");
        assertEquals(0, next.exitCode(), next.output());
        assertEquals("false", next.value("found"), "the next caller initializes");
        assertEquals("42", next.value("word0"), "nothing of the killed initializer's work survives");

        final Jvm.Result later = Jvm.run(jdk, work, root().toString(), "get", "victim", "4096", "value:99", "30000");
        assertEquals(0, later.exitCode(), later.output());
        assertEquals("true", later.value("found"));
        assertEquals("42", later.value("word0"));
        assertEquals("1", later.value("entries"));
        try (var files = Files.list(registryDirectory("crash")))
        {
            assertEquals(3, files.count(), "the lock file, the table and one segment file: nothing left by the killed process");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void initializerThatThrowsLetsTheNextCallerInitialize(final Path jdk) throws Exception
    {
        final Jvm.Result failed = Jvm.run(jdk, work, root().toString(), "get", "flaky", "64", "fail", "30000");
        assertEquals(3, failed.exitCode());
        assertEquals("java.lang.IllegalStateException: initializer failed on purpose", failed.value("error"));

        final Jvm.Result retried = Jvm.run(jdk, work, root().toString(), "get", "flaky", "64", "value:7", "30000");
        assertEquals(0, retried.exitCode(), retried.output());
        assertEquals("false", retried.value("found"));
        assertEquals("7", retried.value("word0"));
        assertEquals("1", retried.value("entries"));

        final Jvm.Result attached = Jvm.run(jdk, work, root().toString(), "get", "flaky", "64", "value:8", "30000");
        assertEquals(0, attached.exitCode(), attached.output());
        assertEquals("true", attached.value("found"));
        assertEquals("7", attached.value("word0"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void waitingForAStuckInitializerTimesOutNamingItsPid(final Path jdk) throws Exception
    {
        final Process hanging = Jvm.startHangingInInit(jdk, work, root(), "stuck");
        try
        {
            final Jvm.Result waiter = Jvm.run(jdk, work, root().toString(), "get", "stuck", "4096", "value:1", "500");
            assertEquals(3, waiter.exitCode(), waiter.output());
            final String error = waiter.value("error");
            assertTrue(error.startsWith("io.dsmreg.LockTimeoutException: timed out after 500 ms waiting for \"stuck\" in " +
                "registry \"crash\", which process " + hanging.pid() + " is initializing or removing"), error);
        }
        finally
        {
            hanging.destroyForcibly().waitFor();
        }
        final Jvm.Result after = Jvm.run(jdk, work, root().toString(), "get", "stuck", "4096", "value:5", "30000");
        assertEquals(0, after.exitCode(), after.output());
        assertEquals("false", after.value("found"));
        assertEquals("5", after.value("word0"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void sizeMismatchAcrossProcessesNamesBothSizes(final Path jdk) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("crash", RegistryOptions.defaults().root(root())))
        {
            registry.segment("orders.state", 8192);
            final Jvm.Result child = Jvm.run(jdk, work, root().toString(), "get", "orders.state", "4096", "value:1", "30000");
            assertEquals(3, child.exitCode(), child.output());
            assertEquals("io.dsmreg.EntryMismatchException: requested segment \"orders.state\" has size 4096 but the existing " +
                "one has 8192; ask for 8192, or remove the entry first to create it with the new size", child.value("error"));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void removedInAnotherProcessOldHandleStaysValid(final Path jdk) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("crash", RegistryOptions.defaults().root(root())))
        {
            final NamedSegment old = registry.segment("doomed", 64, (buffer, arg) -> buffer.putLong(0, 11), null);
            final Jvm.Result removal = Jvm.run(jdk, work, root().toString(), "remove", "doomed");
            assertEquals(0, removal.exitCode(), removal.output());
            assertEquals("true", removal.value("removed"), removal.output());
            assertTrue(old.isRemoved());
            assertEquals(11, old.buffer().getLong(0));
            old.buffer().putLong(0, 12);

            final NamedSegment fresh = registry.segment("doomed", 64, (buffer, arg) -> buffer.putLong(0, 21), null);
            assertFalse(fresh.found(), "a removed name is created afresh");
            final Jvm.Result child = Jvm.run(jdk, work, root().toString(), "get", "doomed", "64", "value:99", "30000");
            assertEquals(0, child.exitCode(), child.output());
            assertEquals("true", child.value("found"));
            assertEquals("21", child.value("word0"), "other processes see the new entry, not the removed one");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void corruptRegistryFileIsRefusedWithoutACrash(final Path jdk) throws Exception
    {
        final Path table = registryDirectory("crash").resolve("registry.dat");
        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        final byte[] before = Files.readAllBytes(table);
        final Jvm.Result child = Jvm.run(jdk, work, root().toString(), "get", "any", "64", "value:1", "30000");
        assertEquals(3, child.exitCode(), "a clean error exit, not a crash: " + child.output());
        assertTrue(child.value("error").startsWith("io.dsmreg.CorruptFileException: file " + table +
            " of registry \"crash\" cannot be used: its magic number is 0x0807060504030201"), child.output());
        assertFalse(child.output().contains("SIGBUS") || child.output().contains("hs_err"), child.output());
        assertArrayEquals(before, Files.readAllBytes(table));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void missingAgronaFlagNamesTheFlagToAdd(final Path jdk) throws Exception
    {
        final Jvm.Result child = Jvm.run(jdk, work, List.of(), root().toString(), "get", "any", "64", "value:1", "30000");
        assertEquals(3, child.exitCode(), child.output());
        assertTrue(child.value("error").startsWith("io.dsmreg.DsmRegistryException: dsmreg needs the JVM option " +
            "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), child.output());
    }

    private Path registryDirectory(final String name)
    {
        try (DsmRegistry registry = DsmRegistry.open(name, RegistryOptions.defaults().root(root())))
        {
            return registry.directory();
        }
    }
}
