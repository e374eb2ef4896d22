package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tools that only look (issue 12): while another JVM holds a hash partition's lock and an area size
 * class's lock, {@code dsmreg verify}, {@code list} and {@code stat} (each in its own JVM),
 * RegistryView and the MBeans finish without waiting for it, name the holder, and leave every byte of
 * the registry's files as it was. After the holder is killed with -9, verify reports its half-done
 * work as repairable, and {@code dsmreg repair} repairs it and says what it did.
 */
class ReadOnlyToolsIT
{
    private static final String REGISTRY = "held";
    private static final Pattern ROW_A = Pattern.compile("(?m)^ a +\\| area +\\| ");
    private static final Pattern ROW_H = Pattern.compile("(?m)^ h +\\| hash +\\| ");

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private Path directory()
    {
        return root().resolve("dsmreg-" + System.getProperty("user.name")).resolve(REGISTRY);
    }

    @Test
    void toolsThatOnlyLookReportHeldLocksWithTheirHolderAndWriteNothing() throws Exception
    {
        final Process holder = startHolder();
        try
        {
            final long pid = holder.pid();
            final Map<Path, byte[]> before = snapshot(true);

            final Jvm.Result verify = cli("verify", REGISTRY);
            assertEquals(1, verify.exitCode(), "a check that could not look at everything is not a success:\n" + verify.output());
            assertTrue(Pattern.compile("partition [01] is locked by pid " + pid + " \\(running, started [^)]+\\) for the whole " +
                "check \\(10 attempts\\); it was not checked").matcher(verify.output()).find(), verify.output());
            assertTrue(verify.output().contains("area \"a\" (") && verify.output().contains("the lock of size class 16 B is " +
                "held by pid " + pid + " (running"), verify.output());
            assertEquals(2, verify.output().lines().filter(line -> line.startsWith("  problem: ")).count(),
                "the other partition was checked and found consistent:\n" + verify.output());

            final Jvm.Result list = cli("list", REGISTRY);
            assertEquals(0, list.exitCode(), list.output());
            assertTrue(ROW_A.matcher(list.output()).find() && ROW_H.matcher(list.output()).find(), list.output());
            final Jvm.Result stat = cli("stat", REGISTRY, "--count", "1");
            assertEquals(0, stat.exitCode(), stat.output());
            assertTrue(ROW_A.matcher(stat.output()).find() && ROW_H.matcher(stat.output()).find(), stat.output());

            final RegistryView view = RegistryView.open(REGISTRY, RegistryOptions.defaults().root(root())).orElseThrow();
            assertEquals(2, view.entries().size());
            final List<String> problems = view.verify();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.stream().anyMatch(problem -> problem.contains("is locked by pid " + pid)), problems.toString());

            assertSameBytes(before, snapshot(true), "verify, list, stat and RegistryView");

            // The MBeans belong to a process that opens the registry, which records it in the table: compare the entries' files.
            final Map<Path, byte[]> entries = snapshot(false);
            try (DsmRegistry registry = DsmRegistry.open(REGISTRY, RegistryOptions.defaults().root(root()));
                 DsmRegistry.MBeans ignored = registry.registerMBeans())
            {
                final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                final List<ObjectName> names = new ArrayList<>(server.queryNames(new ObjectName("io.dsmreg:*,registry=" + REGISTRY), null));
                names.addAll(server.queryNames(new ObjectName("io.dsmreg:type=Registry,name=" + REGISTRY), null));
                assertEquals(3, names.size(), names.toString());
                for (final ObjectName name : names)
                {
                    for (final MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes())
                    {
                        server.getAttribute(name, attribute.getName());
                    }
                }
            }
            assertSameBytes(entries, snapshot(false), "the MBeans");
            assertTrue(holder.isAlive(), "the holder held its locks throughout");
        }
        finally
        {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void repairFixesWhatAHolderKilledWithItsLocksLeftAndSaysWhat() throws Exception
    {
        final Process holder = startHolder();
        final long pid = holder.pid();
        // SIGKILL: the holder dies holding both locks, which the marker says it had taken.
        holder.destroyForcibly().waitFor();

        final Jvm.Result found = cli("verify", REGISTRY);
        assertEquals(1, found.exitCode(), found.output());
        assertTrue(Pattern.compile("partition [01] is locked by pid " + pid + " \\(no longer running\\), which died inside a " +
            "write; repairable").matcher(found.output()).find(), "the kill landed while the partition was held:\n" + found.output());
        assertTrue(found.output().contains("the lock of size class 16 B is held by pid " + pid + " (no longer running), which " +
            "died inside an operation"), "the kill landed while the size class was held:\n" + found.output());

        final Jvm.Result repaired = cli("repair", REGISTRY);
        assertEquals(0, repaired.exitCode(), repaired.output());
        assertTrue(Pattern.compile("repaired: entry \"h\": took over the lock of a dead process and repaired partition [01] " +
            "\\(recounted \\d+ entries, freed 0 unlinked blocks\\)").matcher(repaired.output()).find(), repaired.output());
        assertTrue(repaired.output().contains("repaired: entry \"a\": undid the unfinished operation (0 writes) a dead process " +
            "left under the lock of size class 16 B"), repaired.output());

        final Jvm.Result clean = cli("verify", REGISTRY);
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().contains("ok: no problems found"), clean.output());
        final Jvm.Result again = cli("repair", REGISTRY, "h");
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("ok: nothing needed repair in entry \"h\" of registry " + REGISTRY), again.output());
    }

    private Process startHolder() throws Exception
    {
        final Path marker = work.resolve("holding");
        final Process holder = Jvm.startChild(Jvm.current(), work, "holder", HoldingChild.class, root(), REGISTRY, marker.toString());
        try
        {
            Jvm.awaitFile(marker, holder, work.resolve("holder.out"));
        }
        catch (final Exception | AssertionError ex)
        {
            holder.destroyForcibly().waitFor();
            throw ex;
        }
        assertTrue(Files.readString(marker).contains("pid=" + holder.pid()), Files.readString(marker));
        return holder;
    }

    private Jvm.Result cli(final String... args) throws Exception
    {
        final List<String> withDir = new ArrayList<>(List.of(args));
        withDir.addAll(List.of("--dir", root().toString()));
        return Jvm.runJar(Jvm.current(), work, Jvm.agentJar(), withDir.toArray(String[]::new));
    }

    /** Every file of the registry but its lock file (never mapped); {@code withTable}: registry.dat too. */
    private Map<Path, byte[]> snapshot(final boolean withTable) throws Exception
    {
        final Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> listing = Files.list(directory()))
        {
            for (final Path file : listing.toList())
            {
                final String name = file.getFileName().toString();
                if (!name.equals("registry.lock") && (withTable || !name.equals("registry.dat")))
                {
                    files.put(file, Files.readAllBytes(file));
                }
            }
        }
        return files;
    }

    private static void assertSameBytes(final Map<Path, byte[]> before, final Map<Path, byte[]> after, final String what)
    {
        assertEquals(before.keySet(), after.keySet(), what + " created or deleted files");
        for (final Map.Entry<Path, byte[]> file : before.entrySet())
        {
            assertTrue(Arrays.equals(file.getValue(), after.get(file.getKey())), what + " changed " + file.getKey());
        }
    }
}
