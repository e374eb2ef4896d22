package io.dsmreg.cli;

import io.dsmreg.DsmRegistry;
import io.dsmreg.HashParams;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class MainTest
{
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    Path root;

    record Run(int status, String out, String err)
    {
    }

    private Run run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> withDir = new ArrayList<>(List.of(args));
        if (args.length > 0 && !args[0].equals("help") && !args[0].startsWith("-"))
        {
            withDir.add("--dir");
            withDir.add(root.toString());
        }
        final int status = Main.run(withDir.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void createEntries()
    {
        try (DsmRegistry registry = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            registry.segment("orders.state", 4096);
            registry.segment("orders.flags", 64);
            registry.segment("line\nbreak", 8);
        }
    }

    /** Every timestamp, in the command line's one format wherever it appears. */
    private static String withoutTimestamps(final String text)
    {
        assertFalse(Pattern.compile("\\d\\d:\\d\\d:\\d\\d(?!\\.\\d{3}Z)").matcher(text.replaceAll(TIME, "")).find(),
            "a time in another format: " + text);
        return text.replaceAll(TIME, "<time>");
    }

    @Test
    void listPrintsTheEntriesAsPsqlPrintsTheViewInEightyColumnsWithSizesForPeople()
    {
        createEntries();
        final Run run = run("list", "orders");
        assertEquals(0, run.status(), run.err());
        assertEquals(String.join("\n",
            "      name       |  type   |  size   |  used   | entries",
            "-----------------+---------+---------+---------+---------",
            " line\\u000abreak | segment |     8 B |     8 B |",
            " orders.flags    | segment |    64 B |    64 B |",
            " orders.state    | segment | 4.0 KiB | 4.0 KiB |",
            "(3 rows; --wide shows creator pid, created at)", ""), run.out());
    }

    @Test
    void listWideAndInBytesShowsEveryColumnInFull()
    {
        createEntries();
        final Run run = run("list", "orders", "--wide", "--bytes");
        assertEquals(0, run.status(), run.err());
        final long pid = ProcessHandle.current().pid();
        final String pidColumn = String.format("%11d", pid);
        assertEquals(String.join("\n",
            "      name       |  type   | size | used | entries | creator pid |        created at",
            "-----------------+---------+------+------+---------+-------------+--------------------------",
            " line\\u000abreak | segment |    8 |    8 |         | " + pidColumn + " | <time>",
            " orders.flags    | segment |   64 |   64 |         | " + pidColumn + " | <time>",
            " orders.state    | segment | 4096 | 4096 |         | " + pidColumn + " | <time>",
            "(3 rows)", ""), withoutTimestamps(run.out()));
        assertEquals(run.out().lines().mapToInt(String::length).max().orElseThrow(), 92, "wider than 80 columns");
    }

    @Test
    void aLongNameIsCutToFitEightyColumnsAfterTheOptionalColumnsAreLeftOut()
    {
        final String longName = "orders.by-customer.".repeat(3) + "flags";
        try (DsmRegistry registry = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            registry.segment(longName, 1_200_000);
        }
        final Run run = run("list", "orders");
        assertEquals(0, run.status(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(62, longName.length());
        assertEquals(" ".repeat(28) + "name" + " ".repeat(28) + "|  type   |  size", lines.get(0));
        assertEquals(" " + longName.substring(0, 55) + "... | segment | 1.1 MiB", lines.get(2));
        assertEquals("(1 row; --wide shows creator pid, created at, entries, used)", lines.get(3));
        assertTrue(lines.stream().allMatch(line -> line.length() <= 80), run.out());
        assertTrue(run("list", "orders", "--wide").out().contains(" " + longName + " | segment | 1.1 MiB | 1.1 MiB |"));
    }

    @Test
    void listShowsALocksModeAndHolders()
    {
        try (DsmRegistry registry = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            registry.segment("orders.state", 64);
            final SharedLock lock = registry.lock("orders.lock");
            try (SharedLock.Held held = lock.exclusive())
            {
                final long pid = ProcessHandle.current().pid();
                final Run run = run("list", "orders");
                assertEquals(0, run.status(), run.err());
                final String text = withoutTimestamps(run.out());
                assertTrue(text.contains(" orders.lock  | lock    | 1.1 KiB | exclusive by pid " + pid + " since <time>, 0 waiting"),
                    "names are not cut below 20 characters to fit the lock: " + text);
                final String wide = withoutTimestamps(run("list", "orders", "--wide", "--bytes").out());
                assertTrue(wide.contains(" orders.lock  | lock    | 1152 | 1024 |"), wide);
                assertTrue(wide.contains("| exclusive by pid " + pid + " since <time>, 0 waiting"), wide);
                final String json = run("list", "orders", "--json").out();
                assertTrue(json.contains("\"lock\": {\"mode\": \"exclusive\", \"holderPids\": [" + pid + "], \"heldSince\": \""), json);
            }
        }
    }

    @Test
    void listJsonHasAStableShape()
    {
        createEntries();
        final Run run = run("list", "orders", "--json");
        assertEquals(0, run.status(), run.err());
        final long pid = ProcessHandle.current().pid();
        final String directory = root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("orders").toString();
        assertEquals(String.join("\n",
            "{",
            "  \"registry\": \"orders\",",
            "  \"directory\": \"" + directory + "\",",
            "  \"capacity\": 16384,",
            "  \"createdAt\": \"<time>\",",
            "  \"attachedProcesses\": [],",
            "  \"allocations\": [",
            "    {\"name\": \"line\\nbreak\", \"type\": \"segment\", \"sizeBytes\": 8, \"usedBytes\": 8, \"entryCount\": null, " +
                "\"creatorPid\": " + pid + ", \"createdAt\": \"<time>\", \"state\": \"ready\"},",
            "    {\"name\": \"orders.flags\", \"type\": \"segment\", \"sizeBytes\": 64, \"usedBytes\": 64, \"entryCount\": null, " +
                "\"creatorPid\": " + pid + ", \"createdAt\": \"<time>\", \"state\": \"ready\"},",
            "    {\"name\": \"orders.state\", \"type\": \"segment\", \"sizeBytes\": 4096, \"usedBytes\": 4096, \"entryCount\": null, " +
                "\"creatorPid\": " + pid + ", \"createdAt\": \"<time>\", \"state\": \"ready\"}",
            "  ]",
            "}", ""), withoutTimestamps(run.out()));
    }

    @Test
    void listWithoutARegistryListsTheRegistries()
    {
        createEntries();
        try (DsmRegistry other = DsmRegistry.open("empty", RegistryOptions.defaults().root(root)))
        {
            final Run run = run("list");
            assertEquals(0, run.status(), run.err());
            assertEquals(String.join("\n",
                " registry | entries |  size   |  used   | attached pids",
                "----------+---------+---------+---------+---------------",
                " empty    |       0 |     0 B |     0 B | " + ProcessHandle.current().pid(),
                " orders   |       3 | 4.1 KiB | 4.1 KiB |",
                "(2 rows)", ""), run.out());
            assertTrue(run("list", "--bytes").out().contains(" orders   |       3 | 4168 | 4168 |"));
            final Run json = run("list", "--json");
            assertTrue(json.out().contains(
                "{\"name\": \"orders\", \"allocations\": 3, \"totalBytes\": 4168, \"usedBytes\": 4168, \"attachedPids\": [], " +
                "\"problem\": null}"), json.out());
        }
    }

    @Test
    void aMissingRegistryIsReportedAndNotCreated()
    {
        for (final String command : List.of("list", "stat", "verify", "remove", "repair"))
        {
            final Run run = run(command, "missing");
            assertEquals(1, run.status(), command);
            assertTrue(run.err().contains("no registry \"missing\""), run.err());
        }
        assertFalse(Files.exists(root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("missing")));
    }

    @Test
    void removeRefusesWhileTheRegistryIsOpenAndNamesTheProcess()
    {
        createEntries();
        final String pid = Long.toString(ProcessHandle.current().pid());
        try (DsmRegistry open = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            final Run entry = run("remove", "orders", "orders.flags");
            assertEquals(1, entry.status());
            assertTrue(entry.err().contains("in use by process " + pid), entry.err());
            final Run whole = run("remove", "orders", "--force");
            assertEquals(1, whole.status());
            assertTrue(whole.err().contains("this process has it open"), whole.err());
            assertEquals(3, open.entries().size(), "nothing removed");

            final Run forced = run("remove", "orders", "orders.flags", "--force");
            assertEquals(0, forced.status(), forced.err());
            assertEquals(2, open.entries().size());
        }
        assertEquals(0, run("remove", "orders", "orders.state").status());
        assertEquals(1, run("remove", "orders", "orders.state").status(), "already gone");
        final Run whole = run("remove", "orders");
        assertEquals(0, whole.status(), whole.err());
        assertFalse(Files.exists(root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("orders")));
    }

    @Test
    void verifyReportsDamagedAndStrayFiles() throws IOException
    {
        createEntries();
        final Run healthy = run("verify", "orders");
        assertEquals(0, healthy.status(), healthy.out());
        assertTrue(healthy.out().contains("3 entries checked"), healthy.out());
        assertTrue(healthy.out().endsWith("ok: no problems found\n"), healthy.out());

        final Path directory = root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("orders");
        final Path segmentFile = directory.resolve("1_0.dsm");
        try (RandomAccessFile file = new RandomAccessFile(segmentFile.toFile(), "rw"))
        {
            file.writeLong(0x0123456789L);
        }
        Files.write(directory.resolve("99_0.dsm"), new byte[16]);
        final Run damaged = run("verify", "orders");
        assertEquals(1, damaged.status(), damaged.out());
        assertTrue(damaged.out().contains("file " + segmentFile + " of segment"), damaged.out());
        assertTrue(damaged.out().contains("magic number"), damaged.out());
        assertTrue(damaged.out().contains("99_0.dsm belongs to no entry"), damaged.out());
        assertTrue(damaged.out().endsWith("2 problems found\n"), damaged.out());
    }

    @Test
    void verifyChecksEveryRegistryNamedAndFailsIfAnyHasAProblem() throws IOException
    {
        createEntries();
        try (DsmRegistry other = DsmRegistry.open("other", RegistryOptions.defaults().root(root)))
        {
            other.segment("s", 64);
        }
        final Run both = run("verify", "orders", "other");
        assertEquals(0, both.status(), both.out());
        assertTrue(both.out().contains("registry orders at ") && both.out().contains("registry other at "), both.out());
        Files.write(root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("other").resolve("9_0.dsm"), new byte[8]);
        final Run oneBad = run("verify", "orders", "other");
        assertEquals(1, oneBad.status(), oneBad.out());
        assertTrue(oneBad.out().contains("9_0.dsm belongs to no entry"), oneBad.out());
    }

    @Test
    void repairSaysWhatItRepairedAndThatNothingElseNeededIt() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            registry.area("blobs").allocate(100);
        }
        final Path directory = root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("orders");
        // A process that died holding the lock of size class 16 B: its pid, any start time.
        final Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        try (RandomAccessFile control = new RandomAccessFile(directory.resolve("1_0.dsm").toFile(), "rw"))
        {
            control.seek(io.dsmreg.internal.layout.AreaDescriptor.classBlockOffset(1));
            control.writeLong(Long.reverseBytes((dead.pid() << 32) | 12345));
        }
        final Run found = run("verify", "orders");
        assertEquals(1, found.status(), found.out());
        assertTrue(found.out().contains("held by pid " + dead.pid() + " (no longer running)") && found.out().contains("repairable"),
            found.out());

        final Run repaired = run("repair", "orders");
        assertEquals(0, repaired.status(), repaired.err());
        assertEquals("repaired: entry \"blobs\": undid the unfinished operation (0 writes) a dead process left under the lock " +
            "of size class 16 B\n1 repair made\n", repaired.out());
        assertEquals(0, run("verify", "orders").status());
        final Run again = run("repair", "orders", "blobs");
        assertEquals("ok: nothing needed repair in entry \"blobs\" of registry orders\n", again.out());
        final Run missing = run("repair", "orders", "nothing");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("cannot repair entry \"nothing\": registry \"orders\" has no such entry"), missing.err());
    }

    @Test
    void statPrintsAFramePerRefresh()
    {
        createEntries();
        final Run run = run("stat", "orders", "--interval-ms", "10", "--count", "2");
        assertEquals(0, run.status(), run.err());
        assertEquals(2, run.out().split("dsmreg stat - registry orders", -1).length - 1, run.out());
        assertEquals(2, run.out().split("\\(3 rows", -1).length - 1, run.out());
        final Run all = run("stat", "--count=1");
        assertTrue(all.out().contains(" orders   |       3 |"), all.out());
    }

    @Test
    void usageErrorsExitWithTwoAndHelpWithZero()
    {
        assertEquals(2, run().status());
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run("list", "--bogus").status());
        assertEquals(2, run("list", "a", "b").status());
        assertEquals(2, run("remove").status());
        assertEquals(2, run("stat", "--count", "0").status());
        assertEquals(2, run("stat", "--interval-ms").status());
        final Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: dsmreg <command> [arguments]\n"), help.out());
        assertTrue(help.out().contains("java -jar dsmreg.jar <command> [arguments] is the same"), help.out());
        final Run listHelp = run("list", "--help");
        assertEquals(0, listHelp.status());
        assertTrue(listHelp.out().contains("--json"), listHelp.out());
        assertTrue(listHelp.out().contains("--bytes") && listHelp.out().contains("--wide"), listHelp.out());
        assertEquals(2, run("verify", "orders", "--wide").status(), "verify prints no table");
        assertEquals(0, run("help", "verify").status());
        assertEquals(2, run("help", "nothing").status());
    }

    /** dsmreg.jar alone, as here, has neither the cluster module nor Hazelcast: say which class path is needed. */
    @Test
    void listingAClusterWithoutTheClusterJarsNamesTheClassPathNeeded()
    {
        final Run listed = run("list", "orders", "--cluster", "client.yaml");
        assertEquals(Main.PROBLEM, listed.status(), listed.err());
        assertTrue(listed.err().contains("--cluster needs dsmreg-cluster.jar and hazelcast.jar on the class path"), listed.err());
        assertTrue(listed.err().contains("-cp dsmreg.jar:dsmreg-cluster.jar:hazelcast.jar io.dsmreg.cli.Main list --cluster " +
            "client.yaml"), listed.err());
    }

    @Test
    void versionComesFromTheJarManifestAndSaysSoWhenThereIsNone()
    {
        final Run run = run("--version");
        assertEquals(0, run.status(), run.err());
        assertEquals("dsmreg (version unknown: not run from dsmreg.jar)\n", run.out(), "the test runs from classes");
    }

    @Test
    void anInitializedEntryWhoseFilesCannotBeReadIsFlaggedDamagedInListAndVerify() throws IOException
    {
        try (DsmRegistry registry = DsmRegistry.open("orders", RegistryOptions.defaults().root(root)))
        {
            registry.segment("orders.state", 64);
            try (SharedHash.Entry entry = registry.hash("orders.by-id", HashParams.of(8, 16)).findOrInsert(42L))
            {
                entry.buffer().putLong(8, 7);
            }
        }
        final Path directory = root.resolve("dsmreg-" + System.getProperty("user.name")).resolve("orders");
        final Run healthy = run("list", "orders");
        assertFalse(healthy.out().contains("|  state"), "no state column while every entry is ready: " + healthy.out());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "2_*.dsm"))
        {
            for (final Path file : files)
            {
                Files.write(file, new byte[(int)Files.size(file)]);
            }
        }
        final Run list = run("list", "orders");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().contains("| entries |  state"), list.out());
        assertTrue(list.out().contains(" orders.by-id | hash    |      |      |         | damaged"), list.out());
        assertTrue(list.out().contains(" orders.state | segment | 64 B | 64 B |         |\n"), list.out());
        assertTrue(run("list", "orders", "--json").out().contains("\"state\": \"damaged\""));

        final Run verify = run("verify", "orders");
        assertEquals(1, verify.status(), verify.out());
        assertTrue(verify.out().contains("  problem: entry \"orders.by-id\" (hash) is damaged: "), verify.out());
    }

    @Test
    void statFramesUseTheOneTimestampFormat()
    {
        createEntries();
        final Run run = run("stat", "orders", "--interval-ms", "10", "--count", "2");
        final String text = withoutTimestamps(run.out());
        assertEquals(2, text.split(" - <time>\n3 entries, 4.1 KiB reserved, 4.1 KiB in use; attached: none", -1).length - 1, text);
        final Run all = withoutTimestampsRun(run("stat", "--count=1", "--bytes"));
        assertTrue(all.out().startsWith("dsmreg stat - registries in "), all.out());
        assertTrue(all.out().contains(" - <time>\n"), all.out());
    }

    @Test
    void hintsNameTheDirOptionAsTheWayToChooseAnotherRoot() throws IOException
    {
        final Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("dsmreg-" + System.getProperty("user.name")), elsewhere);
        final Run run = run("list");
        assertEquals(1, run.status(), run.out());
        assertTrue(run.err().endsWith(" is a symbolic link; dsmreg refuses links in its directories so that nobody can redirect " +
            "shared memory elsewhere. Remove the link, or choose another root with --dir DIR\n"), run.err());
    }

    private static Run withoutTimestampsRun(final Run run)
    {
        return new Run(run.status(), withoutTimestamps(run.out()), run.err());
    }
}
