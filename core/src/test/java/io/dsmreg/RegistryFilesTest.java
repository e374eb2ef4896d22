package io.dsmreg;

import io.dsmreg.internal.layout.FileHeaderDescriptor;
import io.dsmreg.internal.layout.RegistryDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The registry's files on disk: permissions, links, corrupt and foreign files, a full file system. */
class RegistryFilesTest
{
    @TempDir
    Path root;

    private RegistryOptions options()
    {
        return RegistryOptions.defaults().root(root);
    }

    private Path registryDirectory(final String name)
    {
        try (DsmRegistry registry = DsmRegistry.open(name, options()))
        {
            return registry.directory();
        }
    }

    @Test
    void directoriesAreOwnerOnlyAndFilesAre0600() throws IOException
    {
        try (DsmRegistry registry = DsmRegistry.open("perm", options()))
        {
            registry.segment("s", 8);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(registry.directory())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(registry.directory().getParent())));
            try (var files = Files.list(registry.directory()))
            {
                files.forEach(file ->
                {
                    try
                    {
                        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
                    }
                    catch (final IOException ex)
                    {
                        throw new AssertionError(ex);
                    }
                });
            }
            try (var files = Files.list(registry.directory()))
            {
                assertTrue(files.noneMatch(file -> file.getFileName().toString().contains("\"s\"")), "files are named by id");
            }
        }
    }

    @Test
    void aDirectoryOthersCanReadIsRefused() throws IOException
    {
        final Path directory = registryDirectory("open");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        final PermissionException ex = assertThrows(PermissionException.class, () -> DsmRegistry.open("open", options()));
        assertEquals(directory + " has mode rwxr-xr-x but must be rwx------ (0700) so that no other user can reach the " +
            "shared memory; run: chmod 700 " + directory, ex.getMessage());
    }

    @Test
    void aSymbolicLinkIsRefused() throws IOException
    {
        final Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        final Path user = registryDirectory("real").getParent();
        Files.createSymbolicLink(user.resolve("linked"), elsewhere);
        final PermissionException ex = assertThrows(PermissionException.class, () -> DsmRegistry.open("linked", options()));
        assertTrue(ex.getMessage().startsWith(user.resolve("linked") + " is a symbolic link"), ex.getMessage());
    }

    @Test
    void anotherUsersDirectoryIsRefused() throws IOException
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        final Path directory = registryDirectory("foreign");
        final UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(directory, nobody);
        final PermissionException ex = assertThrows(PermissionException.class, () -> DsmRegistry.open("foreign", options()));
        assertTrue(ex.getMessage().startsWith(directory + " belongs to nobody"), ex.getMessage());
    }

    @Test
    void aTableFileWithAWrongMagicIsRefusedAndLeftAlone() throws IOException
    {
        final Path table = registryDirectory("magic").resolve("registry.dat");
        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.write("NOTDSMRG".getBytes());
        }
        final byte[] before = Files.readAllBytes(table);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> DsmRegistry.open("magic", options()));
        assertEquals("file " + table + " of registry \"magic\" cannot be used: its magic number is \"NOTDSMRG\", not \"dsmregTB\": it is " +
            "not a dsmreg registry table. Nothing was changed; move the registry directory away, or delete it if its " +
            "contents are expendable", ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(table), "a corrupt file is never modified");
    }

    @Test
    void aTableFileOfAnotherLayoutVersionIsRefused() throws IOException
    {
        final Path table = registryDirectory("version").resolve("registry.dat");
        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.seek(FileHeaderDescriptor.MAJOR_VERSION_OFFSET);
            file.write(new byte[] {9, 0, 0, 0});
        }
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> DsmRegistry.open("version", options()));
        assertTrue(ex.getMessage().contains("it has layout version 9.0 but this dsmreg reads version 1.x"), ex.getMessage());
    }

    @Test
    void aTruncatedTableFileIsRefusedWithoutMappingPastItsEnd() throws IOException
    {
        final Path table = registryDirectory("short").resolve("registry.dat");
        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.setLength(RegistryDescriptor.HEADER_LENGTH + 100);
        }
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> DsmRegistry.open("short", options()));
        assertTrue(ex.getMessage().contains("it is 4196 bytes and records"), ex.getMessage());

        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.setLength(10);
        }
        final CorruptFileException tiny = assertThrows(CorruptFileException.class, () -> DsmRegistry.open("short", options()));
        assertTrue(tiny.getMessage().contains("is 10 bytes, shorter than the 4096 its layout needs"), tiny.getMessage());
    }

    @Test
    void aTableFileWhoseCreatorDiedBeforePublishingIsRecreated() throws IOException
    {
        final Path directory = registryDirectory("unfinished");
        final Path table = directory.resolve("registry.dat");
        try (RandomAccessFile file = new RandomAccessFile(table.toFile(), "rw"))
        {
            file.seek(RegistryDescriptor.READY_OFFSET);
            file.write(new byte[8]);
        }
        try (DsmRegistry registry = DsmRegistry.open("unfinished", options()))
        {
            assertFalse(registry.segment("s", 8).found());
        }
    }

    @Test
    void aTruncatedSegmentFileIsACorruptFileNotACrash() throws IOException
    {
        try (DsmRegistry registry = DsmRegistry.open("seg", options()))
        {
            registry.segment("victim", 4096);
        }
        final Path segmentFile;
        try (var files = Files.list(registryDirectory("seg")))
        {
            segmentFile = files.filter(file -> file.getFileName().toString().endsWith(".dsm")).findFirst().orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(segmentFile.toFile(), "rw"))
        {
            file.setLength(1000);
        }
        try (DsmRegistry registry = DsmRegistry.open("seg", options()))
        {
            final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> registry.segment("victim", 4096));
            assertTrue(ex.getMessage().contains(segmentFile + " of segment \"victim\" is 1000 bytes, shorter than the 4224"),
                ex.getMessage());
            assertTrue(registry.remove("victim"), "a corrupt entry can be removed");
            assertFalse(registry.segment("victim", 4096).found());
        }
    }

    @Test
    void aFullFileSystemIsAnOutOfSpaceErrorAndLeavesNothingBehind() throws Exception
    {
        final Path mount = Files.createDirectory(root.resolve("small-tmpfs"));
        assumeTrue(mountTmpfs(mount, "2m"), "mounting a small tmpfs needs root (CI runs as root)");
        try
        {
            try (DsmRegistry registry = DsmRegistry.open("full", RegistryOptions.defaults().root(mount).capacity(64)))
            {
                final NamedSegment fits = registry.segment("fits", 512 * 1024);
                fits.buffer().putLong(0, 1);
                final OutOfSpaceException ex = assertThrows(OutOfSpaceException.class, () -> registry.segment("too-big", 4 << 20));
                assertTrue(ex.getMessage().startsWith("could not reserve 4194432 bytes for segment \"too-big\" in "), ex.getMessage());
                assertTrue(ex.getMessage().contains("--shm-size"), ex.getMessage());

                // Fill what is left with segments until the file system itself reports ENOSPC.
                OutOfSpaceException last = null;
                for (int i = 0; i < 64 && last == null; i++)
                {
                    try
                    {
                        registry.segment("filler-" + i, 256 * 1024);
                    }
                    catch (final OutOfSpaceException full)
                    {
                        last = full;
                    }
                }
                assertNotNull(last, "a 2 MB file system cannot hold 64 x 256 KB");
                assertEquals(1, fits.buffer().getLong(0), "existing memory is untouched");
                for (final RegistryEntry entry : registry.entries())
                {
                    assertTrue(entry.initialized(), "no half-created entry is left: " + entry);
                }
                try (var files = Files.list(registry.directory()))
                {
                    assertEquals(registry.entries().size() + 2, files.count(), "no stray file is left");
                }
            }
        }
        finally
        {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFileSystemThatFillsWhileAnAreaAndAMapGrowIsAnOutOfSpaceErrorThatLosesNothing() throws Exception
    {
        final Path mount = Files.createDirectory(root.resolve("growing-tmpfs"));
        assumeTrue(mountTmpfs(mount, "4m"), "mounting a small tmpfs needs root (CI runs as root)");
        try
        {
            try (DsmRegistry registry = DsmRegistry.open("full", RegistryOptions.defaults().root(mount).capacity(64)))
            {
                // The map grows past its first segment, then the area takes what is left of the file system.
                final SharedMap<Long, String> map = registry.map("map", Codec.LONG, Codec.STRING);
                final String value = "v".repeat(900);
                long put = 0;
                final long firstSegment = map.reservedBytes();
                while (map.reservedBytes() <= 2 * firstSegment)
                {
                    map.put(put, put + value);
                    put++;
                }
                final SharedArea area = registry.area("area", AreaOptions.defaults().initialSegmentSize(AreaOptions.MIN_SEGMENT_SIZE));
                final List<Long> blocks = new ArrayList<>();
                OutOfSpaceException areaFull = null;
                for (int i = 0; i < 1000 && areaFull == null; i++)
                {
                    try
                    {
                        final long p = area.allocate(16 * 1024);
                        area.buffer(p, 16 * 1024).putLong(0, i);
                        blocks.add(p);
                    }
                    catch (final OutOfSpaceException full)
                    {
                        areaFull = full;
                    }
                }
                assertNotNull(areaFull, "a 4 MB file system cannot hold 1000 x 16 KB");
                assertTrue(blocks.size() > 1, "the area grew before the file system filled: " + blocks.size() + " blocks");
                for (int i = 0; i < blocks.size(); i++)
                {
                    assertEquals(i, area.buffer(blocks.get(i), 16 * 1024).getLong(0), "block " + i);
                }
                area.verify();

                OutOfSpaceException mapFull = null;
                final long grown = put;
                for (; put < 100_000 && mapFull == null; put++)
                {
                    try
                    {
                        map.put(put, put + value);
                    }
                    catch (final OutOfSpaceException full)
                    {
                        mapFull = full;
                    }
                }
                assertNotNull(mapFull, "the map cannot grow past the full file system");
                final long failed = put - 1;
                assertTrue(failed > grown, "the map filled its last segment before it needed another");
                assertNull(map.get(failed), "the put that failed left nothing");
                assertEquals(failed, map.size());
                for (long key = 0; key < failed; key++)
                {
                    assertEquals(key + value, map.get(key), "key " + key);
                }
                map.verify();

                // Still full, still refused cleanly; space freed inside the map or the area is used again.
                assertThrows(OutOfSpaceException.class, () -> map.put(failed, failed + value));
                assertNull(map.get(failed));
                assertEquals(0 + value, map.remove(0L));
                map.put(failed, failed + value);
                assertEquals(failed + value, map.get(failed));
                map.verify();
                for (final long p : blocks)
                {
                    area.free(p);
                }
                final long reused = area.allocate(16 * 1024);
                area.buffer(reused, 16 * 1024).putLong(0, -1);
                area.free(reused);
                area.verify();
            }
        }
        finally
        {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static boolean mountTmpfs(final Path mount, final String size) throws InterruptedException
    {
        try
        {
            final Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs",
                mount.toString()).redirectErrorStream(true).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
