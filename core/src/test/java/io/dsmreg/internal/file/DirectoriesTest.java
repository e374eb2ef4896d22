package io.dsmreg.internal.file;

import io.dsmreg.PermissionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
