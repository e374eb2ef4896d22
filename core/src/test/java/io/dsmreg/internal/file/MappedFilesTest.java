package io.dsmreg.internal.file;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.PermissionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MappedFilesTest
{
    @TempDir
    Path directory;

    @Test
    void aNewFileIsOwnerOnlyZeroedAndMappedWholeAndShared() throws IOException
    {
        final Path file = directory.resolve("1_0.dsm");
        final MappedByteBuffer mapping = MappedFiles.createAndMap(file, 10_000, "test");
        assertEquals(10_000, Files.size(file));
        assertEquals(10_000, mapping.capacity());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final byte[] zeros = new byte[10_000];
        assertArrayEquals(zeros, Files.readAllBytes(file));
        mapping.put(9_999, (byte)7);
        assertEquals(7, Files.readAllBytes(file)[9_999], "a shared mapping, not a private copy");
    }

    @Test
    void aNewFileIsReservedOnTheFileSystemNotLeftSparse() throws Exception
    {
        final Path file = directory.resolve("1_0.dsm");
        MappedFiles.createAndMap(file, 1 << 20, "test");
        // A sparse file would take its pages on first touch through the mapping: SIGBUS on a full file system.
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        final String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assumeTrue(stat.waitFor() == 0 && blocks.length == 2, "needs stat(1) to count a file's allocated blocks");
        assertTrue(Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]) >= 1 << 20, String.join(" x ", blocks) + " bytes allocated");
    }

    @Test
    void creatingAFileThatExistsIsRefusedAndTheFileIsLeftAlone() throws IOException
    {
        final Path file = Files.write(directory.resolve("1_0.dsm"), "another process's data".getBytes(StandardCharsets.US_ASCII));
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> MappedFiles.createAndMap(file, 4096, "test"));
        assertEquals("cannot create " + file + " for test: the file already exists", ex.getMessage());
        assertArrayEquals("another process's data".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file));
    }

    @Test
    void aLengthThatIsNotOneMappingIsRefusedBeforeAnyFileIsCreated()
    {
        final Path file = directory.resolve("1_0.dsm");
        for (final long length : new long[] {0, -1, Integer.MAX_VALUE + 1L})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> MappedFiles.createAndMap(file, length, "test"));
            assertEquals("cannot map " + length + " bytes of " + file + " in one mapping", ex.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void aFailureThatIsNotAFullFileSystemIsNotReportedAsOne()
    {
        final Path file = directory.resolve("missing").resolve("1_0.dsm");
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> MappedFiles.createAndMap(file, 4096, "test"));
        assertEquals(DsmRegistryException.class, ex.getClass());
        assertTrue(ex.getMessage().startsWith("cannot create " + file + " for test: java.nio.file.NoSuchFileException"),
            ex.getMessage());
    }

    @Test
    void anExistingFileIsMappedWholeWhenItIsAtLeastTheMinimum() throws IOException
    {
        final Path file = Files.write(directory.resolve("1_0.dsm"), new byte[5000]);
        assertEquals(5000, MappedFiles.mapExisting(file, 4096, "test").capacity());
        final MappedByteBuffer exact = MappedFiles.mapExisting(file, 5000, "test");
        exact.put(4999, (byte)1);
        assertEquals(1, Files.readAllBytes(file)[4999]);
        final MappedByteBuffer readOnly = MappedFiles.mapExistingReadOnly(file, 5000, "test");
        assertTrue(readOnly.isReadOnly());
        assertEquals(1, readOnly.get(4999));
    }

    @Test
    void aFileShorterThanItsLayoutNeedsIsCorruptAndNotMapped() throws IOException
    {
        final Path file = Files.write(directory.resolve("1_0.dsm"), new byte[4095]);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> MappedFiles.mapExisting(file, 4096, "test"));
        assertEquals("file " + file + " of test is 4095 bytes, shorter than the 4096 its layout needs: it was truncated or is " +
            "not a dsmreg file. Move it away or remove the entry", ex.getMessage());
        assertThrows(CorruptFileException.class, () -> MappedFiles.mapExistingReadOnly(file, 4096, "test"));
    }

    @Test
    void aMissingFileIsCorruptNamingIt()
    {
        final Path file = directory.resolve("1_0.dsm");
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> MappedFiles.mapExisting(file, 8, "test"));
        assertEquals("file " + file + " of test is missing: it was deleted from outside dsmreg", ex.getMessage());
    }

    @Test
    void aLinkOrADirectoryIsRefusedInsteadOfFollowed() throws IOException
    {
        final Path target = Files.write(directory.resolve("target"), new byte[4096]);
        final Path link = Files.createSymbolicLink(directory.resolve("1_0.dsm"), target);
        final PermissionException linked = assertThrows(PermissionException.class, () -> MappedFiles.mapExisting(link, 8, "test"));
        assertEquals(link + " is a symbolic link; dsmreg refuses links. Remove it", linked.getMessage());
        assertThrows(PermissionException.class, () -> MappedFiles.openLockFile(link));
        assertNull(MappedFiles.readQuietly(link, 0));
        final Path folder = Files.createDirectory(directory.resolve("2_0.dsm"));
        final PermissionException notAFile = assertThrows(PermissionException.class, () -> MappedFiles.mapExisting(folder, 8, "test"));
        assertEquals(folder + " is not a regular file; move it away", notAFile.getMessage());
    }

    @Test
    void anotherUsersFileIsRefused() throws IOException
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        final Path file = Files.write(directory.resolve("1_0.dsm"), new byte[4096]);
        final UserPrincipal nobody = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(file, nobody);
        final PermissionException ex = assertThrows(PermissionException.class, () -> MappedFiles.mapExisting(file, 8, "test"));
        assertTrue(ex.getMessage().startsWith(file + " belongs to nobody"), ex.getMessage());
        assertNull(MappedFiles.readQuietly(file, 0), "a listing skips it");
    }

    @Test
    void aLockFileIsCreatedOwnerOnlyAndOpenedAgainLater() throws IOException
    {
        final Path file = directory.resolve("registry.lock");
        MappedFiles.openLockFile(file).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (AsynchronousFileChannel again = MappedFiles.openLockFile(file))
        {
            assertTrue(again.isOpen());
        }
    }

    @Test
    void readQuietlyGivesTheBytesOrNullButNeverThrows() throws IOException
    {
        final Path file = Files.write(directory.resolve("registry.dat"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, MappedFiles.readQuietly(file, 3));
        assertNull(MappedFiles.readQuietly(file, 4), "shorter than asked");
        assertNull(MappedFiles.readQuietly(directory.resolve("missing"), 0));
        assertNull(MappedFiles.readQuietly(directory, 0), "a directory");
    }
}
