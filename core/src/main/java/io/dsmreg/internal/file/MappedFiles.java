package io.dsmreg.internal.file;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.OutOfSpaceException;
import io.dsmreg.PermissionException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates and maps shared files so that a bad file can never crash the JVM.
 * <ul>
 * <li>A new file is <em>reserved</em> by writing zeros through a {@link FileChannel} before it is
 * mapped: on a full file system (a 64 MB {@code /dev/shm} in a container) the write fails with
 * ENOSPC, which becomes an {@link OutOfSpaceException}, instead of a sparse file whose first touch
 * through the mapping would kill the process with SIGBUS.</li>
 * <li>An existing file is measured before it is mapped, and never mapped past its end.</li>
 * <li>Mapped files are never truncated; files are 0600, owned by this user, and never links.</li>
 * <li>Mappings are never unmapped explicitly: a mapping lives as long as a buffer refers to it
 * (the garbage collector unmaps it), so a stale handle reads valid memory instead of crashing.</li>
 * </ul>
 */
public final class MappedFiles
{
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final int ZERO_CHUNK = 1 << 20;

    private MappedFiles()
    {
    }

    /**
     * Creates {@code file} (which must not exist), reserves {@code length} zeroed bytes and maps
     * them read-write. On any failure the file is removed again.
     *
     * @param what what the file is for, for error messages (e.g. {@code segment "orders.state"}).
     */
    public static MappedByteBuffer createAndMap(final Path file, final long length, final String what)
    {
        checkMappable(file, length);
        checkUsableSpace(file, length, what);
        boolean created = false;
        boolean done = false;
        try (FileChannel channel = openNew(file))
        {
            created = true;
            reserve(channel, length);
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            done = true;
            return mapping;
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new DsmRegistryException("cannot create " + file + " for " + what + ": the file already exists", ex);
        }
        catch (final IOException ex)
        {
            throw spaceOrIoFailure(file, length, what, ex);
        }
        finally
        {
            // Only a file this call created: one that already existed belongs to someone else.
            if (created && !done)
            {
                deleteQuietly(file);
            }
        }
    }

    /**
     * Whether {@code file} is a regular file (not a link) of 0 bytes: what {@link #createAndMap} leaves when its
     * process dies between creating and sizing the file. False for any other, which mapping then checks.
     */
    public static boolean isEmptyRegularFile(final Path file)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() && attributes.size() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Maps an existing file read-write, after checking that it is this user's regular file and at
     * least {@code minimumLength} bytes long.
     */
    public static MappedByteBuffer mapExisting(final Path file, final long minimumLength, final String what)
    {
        return map(file, minimumLength, what, false);
    }

    /** As {@link #mapExisting(Path, long, String)}, read-only: for tools that inspect a registry. */
    public static MappedByteBuffer mapExistingReadOnly(final Path file, final long minimumLength, final String what)
    {
        return map(file, minimumLength, what, true);
    }

    private static MappedByteBuffer map(final Path file, final long minimumLength, final String what, final boolean readOnly)
    {
        checkRegularFileOfThisUser(file);
        final OpenOption[] options = readOnly ?
            new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS} :
            new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};
        try (FileChannel channel = FileChannel.open(file, options))
        {
            final long size = channel.size();
            if (size < minimumLength)
            {
                throw new CorruptFileException(
                    "file " + file + " of " + what + " is " + size + " bytes, shorter than the " + minimumLength +
                    " its layout needs: it was truncated or is not a dsmreg file. Move it away or remove the entry");
            }
            if (size > Integer.MAX_VALUE)
            {
                throw new CorruptFileException(
                    "file " + file + " of " + what + " is " + size + " bytes, longer than any dsmreg file");
            }
            return channel.map(readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, size);
        }
        catch (final NoSuchFileException ex)
        {
            throw new CorruptFileException("file " + file + " of " + what + " is missing: it was deleted from outside dsmreg", ex);
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot map " + file + " of " + what + ": " + ex, ex);
        }
    }

    /** Opens (creating if needed, 0600) a file that is only ever locked, never mapped. */
    public static AsynchronousFileChannel openLockFile(final Path file)
    {
        checkRegularFileOfThisUser(file);
        try
        {
            return AsynchronousFileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                null,
                fileAttributes(file));
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot open lock file " + file + ": " + ex, ex);
        }
    }

    /**
     * The bytes of a small file, read rather than mapped, for listings that must never block or
     * fail the processes using it: null when it is missing, not this user's regular file, shorter
     * than {@code minimumLength} or unreadable.
     */
    public static byte[] readQuietly(final Path file, final int minimumLength)
    {
        try
        {
            checkRegularFileOfThisUser(file);
            final byte[] bytes = Files.readAllBytes(file);
            return bytes.length < minimumLength ? null : bytes;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    public static void checkRegularFileOfThisUser(final Path file)
    {
        if (Files.isSymbolicLink(file))
        {
            throw new PermissionException(file + " is a symbolic link; dsmreg refuses links. Remove it");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new PermissionException(file + " is not a regular file; move it away");
        }
        if (Directories.isPosix(file))
        {
            final PosixFileAttributes attributes = Directories.posixAttributes(file);
            FileOwnership.checkOwnedByCurrentUser(file, attributes);
        }
    }

    public static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // Left for the next remove; a stray file costs space, never correctness.
        }
    }

    static FileAttribute<?>[] fileAttributes(final Path file)
    {
        return Directories.isPosix(file.getParent()) ?
            new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)} :
            new FileAttribute<?>[0];
    }

    private static FileChannel openNew(final Path file) throws IOException
    {
        return FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            fileAttributes(file));
    }

    private static void reserve(final FileChannel channel, final long length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect((int)Math.min(ZERO_CHUNK, Math.max(length, 1)));
        long position = 0;
        while (position < length)
        {
            zeros.clear().limit((int)Math.min(zeros.capacity(), length - position));
            while (zeros.hasRemaining())
            {
                position += channel.write(zeros, position);
            }
        }
    }

    private static void checkMappable(final Path file, final long length)
    {
        if (length <= 0 || length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("cannot map " + length + " bytes of " + file + " in one mapping");
        }
    }

    private static void checkUsableSpace(final Path file, final long length, final String what)
    {
        final long usable;
        try
        {
            usable = Files.getFileStore(file.getParent()).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return;
        }
        if (usable < length)
        {
            throw outOfSpace(file, length, what, usable + " bytes are free");
        }
    }

    private static DsmRegistryException spaceOrIoFailure(
        final Path file, final long length, final String what, final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        if (message.contains("No space left") || message.contains("quota") || message.contains("File too large"))
        {
            final OutOfSpaceException outOfSpace = outOfSpace(file, length, what, message);
            outOfSpace.initCause(ex);
            return outOfSpace;
        }
        return new DsmRegistryException("cannot create " + file + " for " + what + ": " + ex, ex);
    }

    private static OutOfSpaceException outOfSpace(final Path file, final long length, final String what, final String found)
    {
        return new OutOfSpaceException(
            "could not reserve " + length + " bytes for " + what + " in " + file.getParent() + ": " + found +
            ". Free space there (a container's /dev/shm is often 64 MB: raise it with --shm-size), ask for less, " +
            "or " + Directories.anotherRoot(file));
    }
}
