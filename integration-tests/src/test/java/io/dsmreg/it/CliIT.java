package io.dsmreg.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The dsmreg command line, run as a shell user runs it, against registries that other JVMs are using. */
class CliIT
{
    private static final String REGISTRY = "shop";

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private Path registryDirectory(final String registry)
    {
        return root().resolve("dsmreg-" + System.getProperty("user.name")).resolve(registry);
    }

    private Jvm.Result cli(final Path jdk, final String... args) throws Exception
    {
        final List<String> withDir = new ArrayList<>(List.of(args));
        withDir.add("--dir");
        withDir.add(root().toString());
        return Jvm.runJar(jdk, work, Jvm.agentJar(), withDir.toArray(String[]::new));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void listShowsEveryProcessesEntriesAsATableAndAsJsonWithoutAttaching(final Path jdk) throws Exception
    {
        final Process holder = Children.hold(jdk, work, List.of(), root(), REGISTRY, "holder", "segment:shop.state:4096");
        try
        {
            final Jvm.Result created = Children.run(jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "create",
                "segment:shop.flags:64", "segment:shop.log:65536");
            assertEquals(0, created.exitCode(), created.output());
            final String creator = created.value("pid");
            final String holderPid = Long.toString(holder.pid());

            final Jvm.Result table = cli(jdk, "list", REGISTRY, "--wide", "--bytes");
            assertEquals(0, table.exitCode(), table.output());
            final String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
            assertLines(table.output(),
                "^ +name +\\| +type +\\| size +\\| used +\\| entries \\| creator pid \\| +created at$",
                "^-+\\+-+\\+-+\\+-+\\+-+\\+-+\\+-+$",
                "^ shop\\.flags \\| segment \\|    64 \\|    64 \\|         \\| +" + creator + " \\| " + time + "$",
                "^ shop\\.log   \\| segment \\| 65536 \\| 65536 \\|         \\| +" + creator + " \\| " + time + "$",
                "^ shop\\.state \\| segment \\|  4096 \\|  4096 \\|         \\| +" + holderPid + " \\| " + time + "$",
                "^\\(3 rows\\)$");

            final Jvm.Result json = cli(jdk, "list", REGISTRY, "--json");
            assertEquals(0, json.exitCode(), json.output());
            final String output = json.output();
            assertTrue(output.startsWith("{\n  \"registry\": \"shop\",\n  \"directory\": \""), output);
            assertTrue(Pattern.compile("\"attachedProcesses\": \\[\n    \\{\"pid\": " + holderPid + ", \"startedAt\": \"[^\"]+\", " +
                "\"attachedAt\": \"[^\"]+\"}\n  ],").matcher(output).find(), "only the holder is attached, not the CLI:\n" + output);
            assertTrue(output.contains("{\"name\": \"shop.flags\", \"type\": \"segment\", \"sizeBytes\": 64, \"usedBytes\": 64, " +
                "\"entryCount\": null, \"creatorPid\": " + creator + ", \"createdAt\": \""), output);
            assertTrue(output.contains("{\"name\": \"shop.log\", \"type\": \"segment\", \"sizeBytes\": 65536, "), output);
            assertTrue(output.contains("{\"name\": \"shop.state\", \"type\": \"segment\", \"sizeBytes\": 4096, "), output);

            final Jvm.Result narrow = cli(jdk, "list", REGISTRY);
            assertEquals(0, narrow.exitCode(), narrow.output());
            assertLines(narrow.output(),
                "^ +name +\\| +type +\\| +size +\\| +used +\\| entries$",
                "^-+\\+-+\\+-+\\+-+\\+-+$",
                "^ shop\\.flags \\| segment \\|     64 B \\|     64 B \\|$",
                "^ shop\\.log   \\| segment \\| 64\\.0 KiB \\| 64\\.0 KiB \\|$",
                "^ shop\\.state \\| segment \\|  4\\.0 KiB \\|  4\\.0 KiB \\|$",
                "^\\(3 rows; --wide shows creator pid, created at\\)$");

            final Jvm.Result registries = cli(jdk, "list", "--bytes");
            assertEquals(0, registries.exitCode(), registries.output());
            assertLines(registries.output(),
                "^ registry \\| entries \\| +size +\\| +used +\\| attached pids$",
                "^-+\\+-+\\+-+\\+-+\\+-+$",
                "^ shop +\\| +3 \\| 69696 \\| 69696 \\| " + holderPid + "$",
                "^\\(1 row\\)$");

            final Jvm.Result verify = cli(jdk, "verify", REGISTRY);
            assertEquals(0, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("3 entries checked\nok: no problems found"), verify.output());

            final Jvm.Result stat = cli(jdk, "stat", REGISTRY, "--interval-ms", "50", "--count", "2");
            assertEquals(0, stat.exitCode(), stat.output());
            assertEquals(2, stat.output().split("\\(3 rows", -1).length - 1, stat.output());
            assertTrue(stat.output().contains("3 entries, 68.1 KiB reserved, 68.1 KiB in use; attached: " + holderPid),
                stat.output());

            final Jvm.Result missing = cli(jdk, "list", "nothing");
            assertEquals(1, missing.exitCode(), missing.output());
            assertFalse(Files.exists(registryDirectory("nothing")), "list does not create a registry");
        }
        finally
        {
            Children.stop(holder);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void listShowsAnEntryStillInitializingWithoutASizeAndWithoutWaitingForIt(final Path jdk) throws Exception
    {
        final Process hanging = Jvm.startHangingInInit(jdk, work, root(), "stuck");
        try
        {
            final Jvm.Result table = cli(jdk, "list", "crash", "--wide");
            assertEquals(0, table.exitCode(), table.output());
            assertLines(table.output(),
                "^ +name +\\| +type +\\| size \\| used \\| entries \\| creator pid \\| created at \\|    state$",
                "^-+\\+-+\\+-+\\+-+\\+-+\\+-+\\+-+\\+-+$",
                "^ stuck \\| segment \\|      \\|      \\|         \\| +" + hanging.pid() + " \\|            \\| initializing$",
                "^\\(1 row\\)$");
        }
        finally
        {
            hanging.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void removeRefusesWhileProcessesAreAttachedNamesThemAndWorksForcedOrOnceTheyExit(final Path jdk) throws Exception
    {
        final Process first = Children.hold(jdk, work, List.of(), root(), REGISTRY, "first", "segment:shop.a:64", "segment:shop.b:64");
        final Process second = Children.hold(jdk, work, List.of(), root(), REGISTRY, "second");
        try
        {
            final Jvm.Result whole = cli(jdk, "remove", REGISTRY);
            assertEquals(1, whole.exitCode(), whole.output());
            assertTrue(whole.output().contains("is in use by processes "), whole.output());
            assertTrue(whole.output().contains("pid " + first.pid() + ","), whole.output());
            assertTrue(whole.output().contains("pid " + second.pid() + ","), whole.output());
            final Jvm.Result entry = cli(jdk, "remove", REGISTRY, "shop.a");
            assertEquals(1, entry.exitCode(), entry.output());
            assertTrue(entry.output().contains(Long.toString(first.pid())) && entry.output().contains(Long.toString(second.pid())),
                entry.output());
            assertEquals(2, countRows(cli(jdk, "list", REGISTRY)), "nothing was removed");

            final Jvm.Result forced = cli(jdk, "remove", REGISTRY, "shop.a", "--force");
            assertEquals(0, forced.exitCode(), forced.output());
            assertEquals(1, countRows(cli(jdk, "list", REGISTRY)));

            Children.stop(second);
            final Jvm.Result stillFirst = cli(jdk, "remove", REGISTRY);
            assertEquals(1, stillFirst.exitCode(), stillFirst.output());
            assertTrue(stillFirst.output().contains("in use by process " + first.pid() + ";"), stillFirst.output());

            Children.stop(first);
            final Jvm.Result removed = cli(jdk, "remove", REGISTRY);
            assertEquals(0, removed.exitCode(), removed.output());
            assertFalse(Files.exists(registryDirectory(REGISTRY)));
            assertEquals(1, cli(jdk, "remove", REGISTRY).exitCode(), "no such registry any more");
        }
        finally
        {
            first.destroyForcibly().waitFor();
            second.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aForcedRemovalLeavesAttachedProcessesRunningWithTheirMemory(final Path jdk) throws Exception
    {
        final Process holder = Children.hold(jdk, work, List.of(), root(), "doomed", "holder", "segment:kept:64");
        try
        {
            Children.touch(holder, work.resolve("holder.out"), 1);
            final Jvm.Result removed = cli(jdk, "remove", "doomed", "--force");
            assertEquals(0, removed.exitCode(), removed.output());
            assertFalse(Files.exists(registryDirectory("doomed")));
            // The files are gone; the holder's mapping is not: it reads its mark and writes the next one.
            Children.touch(holder, work.resolve("holder.out"), 2);
            assertEquals(2, Files.readAllLines(work.resolve("holder.out")).stream().filter("touched=1"::equals).count(),
                "the holder touched its one segment before and after the removal");
            Children.stop(holder);
            assertEquals(0, holder.exitValue(), "the holder closed its registry cleanly: " +
                Files.readString(work.resolve("holder.out")));
        }
        finally
        {
            holder.destroyForcibly().waitFor();
        }
    }

    /**
     * The launcher beside dsmreg.jar, as a shell user runs it: through a symbolic link from another
     * directory, with JAVA_HOME or with java on the PATH, and saying so when there is neither.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void theLauncherFindsItsJarThroughALinkAndRunsTheJavaOfJavaHomeOrThePath(final Path jdk) throws Exception
    {
        final Path launcher = Jvm.agentJar().resolveSibling("dsmreg");
        assertTrue(Files.isExecutable(launcher), "the build puts an executable launcher beside dsmreg.jar: " + launcher);
        final Path bin = Files.createDirectories(work.resolve("bin"));
        final Path link = Files.createSymbolicLink(bin.resolve("dsmreg"), launcher.toAbsolutePath());
        // The tools the launcher runs, and no java: /usr/bin may have one.
        final Path tools = Files.createDirectories(work.resolve("tools"));
        for (final String tool : List.of("dirname", "readlink"))
        {
            Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool));
        }

        final Jvm.Result version = shell(List.of(link.toString(), "--version"), jdk.toString(), tools.toString());
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(Pattern.compile("^dsmreg \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n$").matcher(version.output()).matches(),
            "the version from the jar's manifest: " + version.output());

        final Path javaOnPath = Files.createDirectories(work.resolve("java-on-path"));
        Files.createSymbolicLink(javaOnPath.resolve("java"), jdk.resolve("bin").resolve("java"));
        final Jvm.Result onPath = shell(List.of(link.toString(), "list", "--dir", root().toString()), null,
            javaOnPath + ":" + tools);
        assertEquals(0, onPath.exitCode(), onPath.output());
        assertEquals(" registry | entries | size | used | attached pids\n" +
            "----------+---------+------+------+---------------\n(0 rows)\n", onPath.output());

        final Jvm.Result noJava = shell(List.of(link.toString(), "--version"), null, tools.toString());
        assertEquals(127, noJava.exitCode(), noJava.output());
        assertEquals("dsmreg: no java found: set JAVA_HOME, or put java (17 or later) on the PATH\n", noJava.output());
        final Jvm.Result badJavaHome = shell(List.of(link.toString(), "--version"), work.toString(), tools.toString());
        assertEquals(127, badJavaHome.exitCode(), badJavaHome.output());
        assertTrue(badJavaHome.output().startsWith("dsmreg: JAVA_HOME is " + work + ", but " + work + "/bin/java is not an executable"),
            badJavaHome.output());
    }

    /** Runs {@code command} with only JAVA_HOME (when not null) and PATH set, as a login shell would give them. */
    private Jvm.Result shell(final List<String> command, final String javaHome, final String path) throws Exception
    {
        final Path output = Files.createTempFile(work, "launcher", ".out");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", path);
        if (javaHome != null)
        {
            builder.environment().put("JAVA_HOME", javaHome);
        }
        return Jvm.await(builder.start(), output, String.join(" ", command), 120);
    }

    private static int countRows(final Jvm.Result list)
    {
        assertEquals(0, list.exitCode(), list.output());
        final String[] lines = list.output().split("\n");
        final String footer = lines[lines.length - 1];
        return Integer.parseInt(footer.substring(1, footer.indexOf(' ')));
    }

    /** Each line of {@code output} matches the pattern at the same position, and there are no more lines. */
    private static void assertLines(final String output, final String... patterns)
    {
        final String[] lines = output.split("\n");
        assertEquals(patterns.length, lines.length, output);
        for (int i = 0; i < patterns.length; i++)
        {
            assertTrue(Pattern.compile(patterns[i]).matcher(lines[i]).find(), "line " + i + " /" + patterns[i] + "/ in:\n" + output);
        }
    }
}
