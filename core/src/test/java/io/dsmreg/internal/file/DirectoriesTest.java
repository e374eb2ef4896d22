package io.dsmreg.internal.file;

import io.dsmreg.PermissionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the registry suites leave out: the root's sources, a missing root, a file in the way, names, sanitizing. */
class DirectoriesTest
{
    @TempDir
    Path directory;

    @Test
    void anExplicitRootWinsOverTheSystemPropertyWhichWinsUnlessBlank()
    {
        final String saved = System.getProperty(Directories.ROOT_PROPERTY);
        try
        {
            System.setProperty(Directories.ROOT_PROPERTY, directory.resolve("from-property").toString());
            assertEquals(Path.of("relative").toAbsolutePath(), Directories.root(Path.of("relative")));
            assertEquals(directory.resolve("from-property"), Directories.root(null));
            System.setProperty(Directories.ROOT_PROPERTY, " ");
            assertNotEquals(Path.of(" ").toAbsolutePath(), Directories.root(null), "a blank property is ignored");
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
    }

    @Test
    void aMissingRootIsCreatedWithTheUsersPrivateDirectoryInIt() throws IOException
    {
        final Path root = directory.resolve("a").resolve("b");
        final Path user = Directories.ensureUserDirectory(root);
        assertEquals(root.resolve("dsmreg-" + FileOwnership.currentUserName()), user);
        assertEquals(Directories.userDirectory(root), user);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(user)));
        assertEquals(user, Directories.ensureUserDirectory(root), "and found the next time");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefused() throws IOException
    {
        final Path file = Files.createFile(directory.resolve("orders"));
        final PermissionException ex = assertThrows(PermissionException.class, () -> Directories.ensurePrivateDirectory(file));
        assertEquals(file + " exists but is not a directory; move it away", ex.getMessage());
        assertTrue(Files.isRegularFile(file), "left as it was");
    }

    @Test
    void registryNamesAreDirectoryNamesThatCannotLeaveTheirParent()
    {
        assertNull(Directories.registryNameProblem("orders-2.v1_a"));
        assertNull(Directories.registryNameProblem("x".repeat(63)));
        assertEquals("registry name cannot be null", Directories.registryNameProblem(null));
        assertEquals("registry name \"..\" cannot start with '.'", Directories.registryNameProblem(".."));
        assertEquals("registry name \".hidden\" cannot start with '.'", Directories.registryNameProblem(".hidden"));
        assertEquals("registry name too long: \"xxxxxxxxxxxxxxxxxxxx...\" has 64 characters, the limit is 63",
            Directories.registryNameProblem("x".repeat(64)));
        assertEquals("registry name \"a\\b\" has the character '\\' at index 1; use only letters, digits, '.', '_' and '-' " +
            "(it names a directory)", Directories.registryNameProblem("a\\b"));
        assertEquals("registry name \"é\" has the character 'é' at index 0; use only letters, digits, '.', '_' and '-' " +
            "(it names a directory)", Directories.registryNameProblem("é"));
    }

    @Test
    void aUserNameIsSanitizedIntoOneSafeDirectoryName()
    {
        assertEquals("alice_1.x-y", Directories.sanitize("alice_1.x-y"));
        assertEquals("_etc_passwd", Directories.sanitize("/etc/passwd"));
        assertEquals("_.", Directories.sanitize(".."), "never a name that starts with '.'");
        assertEquals("J_r_me", Directories.sanitize("Jérôme"));
        assertEquals("unknown", Directories.sanitize(""));
    }

    @Test
    void aRootProblemSaysWhatWasFoundWithoutCreatingAnything() throws IOException
    {
        assertNull(Directories.rootProblem(directory.toString()));
        assertNull(Directories.rootProblem(directory.resolve("a").resolve("b").toString()), "missing, but it can be created");
        assertFalse(Files.exists(directory.resolve("a")), "and it was not");
        final Path file = Files.writeString(directory.resolve("file"), "x");
        assertEquals(file + " is not a directory", Directories.rootProblem(file.toString()));
        assertEquals(file + " (on the path to " + file.resolve("sub") + ") is not a directory",
            Directories.rootProblem(file.resolve("sub").toString()));
        assertEquals("/proc is in the kernel's /proc file system, which cannot hold shared memory files",
            Directories.rootProblem("/proc"));
    }

    @Test
    void hintsNameTheSettingThatChoseTheRoot()
    {
        final Path named = directory.resolve("named");
        Directories.chosenBy(named.toString(), "the agent argument dir=DIR");
        assertEquals("choose another root with the agent argument dir=DIR",
            Directories.anotherRoot(named.resolve("dsmreg-me").resolve("orders").resolve("1_0.dsm")));
        assertEquals("RegistryOptions.root(DIR)", Directories.rootSetting(directory.resolve("elsewhere")),
            "a root given through the API");
        final String saved = System.getProperty(Directories.ROOT_PROPERTY);
        try
        {
            System.setProperty(Directories.ROOT_PROPERTY, directory.resolve("from-property").toString());
            assertEquals("-D" + Directories.ROOT_PROPERTY + "=DIR",
                Directories.rootSetting(directory.resolve("from-property").resolve("dsmreg-me")));
            System.clearProperty(Directories.ROOT_PROPERTY);
            if (System.getenv(Directories.ROOT_ENVIRONMENT) == null)
            {
                assertEquals("-D" + Directories.ROOT_PROPERTY + "=DIR or the environment variable " + Directories.ROOT_ENVIRONMENT,
                    Directories.rootSetting(Directories.root(null).resolve("dsmreg-me")), "the default root");
            }
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
    }
}
