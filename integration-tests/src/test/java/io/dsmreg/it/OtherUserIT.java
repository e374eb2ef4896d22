package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.PermissionException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Registries of two real OS users under one root: this test's user (root) and a user the test
 * creates for the purpose and deletes afterwards. Running as root is what makes the second user
 * possible; anywhere else the test is skipped, saying why.
 * <p>
 * Everything the other user runs lies in a directory both can read, since the build's own
 * directories may be private: a copy of dsmreg.jar and of the child's class, and the root, which is
 * shared the way /dev/shm is (mode 1777).
 */
class OtherUserIT
{
    private static String user;
    private static Path shared;
    private static Path root;

    @BeforeAll
    static void createTheOtherUser() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")),
            "skipped: creating a second OS user needs root, and this runs as " + System.getProperty("user.name"));
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/sbin/runuser")),
            "skipped: useradd and runuser (util-linux) are needed to run a process as a second user");
        user = "dsmregit" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
        final Jvm.Result added = command(List.of("/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
            "/usr/sbin/nologin", user));
        assertEquals(0, added.exitCode(), "useradd: " + added.output());
        shared = Files.createTempDirectory("dsmreg-other-user");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Jvm.agentJar(), shared.resolve("dsmreg.jar"));
        final Path classes = Files.createDirectories(shared.resolve("classes/io/dsmreg/it"));
        Files.copy(Path.of(VisibilityChild.class.getResource("VisibilityChild.class").toURI()),
            classes.resolve("VisibilityChild.class"));
        try (Stream<Path> tree = Files.walk(shared))
        {
            for (final Path path : tree.toList())
            {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        root = Files.createDirectory(shared.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(0, command(List.of("chmod", "1777", root.toString())).exitCode());
        final Jvm.Result java = asOtherUser("-version");
        assumeTrue(java.exitCode() == 0, "skipped: the JDK at " + Jvm.current() + " cannot be run by another user: " + java.output());
    }

    @AfterAll
    static void deleteTheOtherUser() throws Exception
    {
        if (shared != null)
        {
            try (Stream<Path> tree = Files.walk(shared))
            {
                for (final Path path : tree.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
        if (user != null)
        {
            final Jvm.Result deleted = command(List.of("/usr/sbin/userdel", user));
            assertEquals(0, deleted.exitCode(), "userdel: " + deleted.output());
        }
    }

    @Test
    void anotherUsersRegistryIsRefusedNamingItsOwnerByTheViewAndEveryCommand() throws Exception
    {
        final Jvm.Result created = asOtherUser(Jvm.AGRONA_FLAG, "-cp", shared.resolve("dsmreg.jar") + ":" + shared.resolve("classes"),
            VisibilityChild.class.getName(), root.toString(), "sec", "create", "segment:sec.state:64");
        assertEquals(0, created.exitCode(), created.output());
        final Path registry = root.resolve("dsmreg-" + user).resolve("sec");
        assertTrue(Files.isDirectory(registry), "the other user created " + registry);
        final String uid = Files.getAttribute(registry, "unix:uid").toString();
        final String owner = user + " (uid " + uid + ")";

        final PermissionException refused = assertThrows(PermissionException.class,
            () -> RegistryView.open("sec", RegistryOptions.defaults().root(root)));
        assertEquals("registry \"sec\" in " + root + " belongs to another user, " + owner + ": it is " + registry +
            ", and this process runs as root (uid 0), whose registries are in " + root.resolve("dsmreg-root") +
            ". dsmreg uses only its own user's registries, so only " + owner + " can use it: run as that user",
            refused.getMessage());

        for (final List<String> command : List.of(List.of("list", "sec"), List.of("stat", "sec", "--count", "1"),
            List.of("verify", "sec"), List.of("remove", "sec")))
        {
            final List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--dir", root.toString()));
            final Jvm.Result cli = Jvm.runJar(Jvm.current(), shared, shared.resolve("dsmreg.jar"), args.toArray(String[]::new));
            assertEquals(1, cli.exitCode(), cli.output());
            assertTrue(cli.output().contains(refused.getMessage()), command + ": " + cli.output());
            assertFalse(cli.output().contains("no registry"), cli.output());
        }
        assertFalse(Files.exists(root.resolve("dsmreg-root").resolve("sec")), "nothing created for this user");
        assertTrue(Files.exists(registry.resolve("registry.dat")), "nothing removed");
    }

    @Test
    void aRegistryThatMayBeInADirectoryThisUserCannotReadIsMentionedWithThatDirectorysOwner() throws Exception
    {
        try (DsmRegistry mine = DsmRegistry.open("mine", RegistryOptions.defaults().root(root)))
        {
            mine.segment("mine.state", 64);
        }
        final Jvm.Result list = asOtherUser("-jar", shared.resolve("dsmreg.jar").toString(), "list", "mine", "--dir", root.toString());
        assertEquals(1, list.exitCode(), list.output());
        assertEquals("dsmreg: no registry \"mine\" in " + root.resolve("dsmreg-" + user) + "\n" +
            "  the same root holds the registries of other users, which this user cannot look into: " +
            root.resolve("dsmreg-root") + " of user root (uid 0). If \"mine\" is one of theirs, only its user can use it: " +
            "run as that user\n", list.output());
    }

    /** Runs the current JDK's java as the other user, through runuser, to completion (bounded). */
    private static Jvm.Result asOtherUser(final String... javaArguments) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", user, "--",
            Jvm.current().resolve("bin").resolve("java").toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(javaArguments));
        return command(command);
    }

    private static Jvm.Result command(final List<String> command) throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile("dsmreg-other-user", ".out");
        try
        {
            final Process process = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            return Jvm.await(process, output, String.join(" ", command), 120);
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }
}
