package io.dsmreg.internal.file;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.PermissionException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where registries live: {@code <root>/dsmreg-<user>/<registry>/}, each directory private to its
 * user (0700, owned by that user, not a symbolic link). A directory that fails those checks is
 * refused, never repaired: it may be another user's, or an attacker's link.
 * <p>
 * The root is, in order: the one given in the options, the system property {@code dsmreg.dir},
 * the environment variable {@code DSMREG_DIR}, {@code /dev/shm} where it exists, else
 * {@code java.io.tmpdir}.
 */
public final class Directories
{
    public static final String ROOT_PROPERTY = "dsmreg.dir";
    public static final String ROOT_ENVIRONMENT = "DSMREG_DIR";
    private static final Path DEV_SHM = Path.of("/dev/shm");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private Directories()
    {
    }

    /** The root directory, from the explicit one if not null, else as the class comment says. */
    public static Path root(final Path explicit)
    {
        if (explicit != null)
        {
            return explicit.toAbsolutePath();
        }
        final String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank())
        {
            return Path.of(property).toAbsolutePath();
        }
        final String environment = System.getenv(ROOT_ENVIRONMENT);
        if (environment != null && !environment.isBlank())
        {
            return Path.of(environment).toAbsolutePath();
        }
        if (Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM))
        {
            return DEV_SHM;
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    /** {@code <root>/dsmreg-<user>}, not created. */
    public static Path userDirectory(final Path root)
    {
        return root.resolve("dsmreg-" + FileOwnership.currentUserName());
    }

    /** Creates the root (an ordinary directory, shared by users) if it is missing, and the user's private one in it. */
    public static Path ensureUserDirectory(final Path root)
    {
        if (!Files.isDirectory(root))
        {
            try
            {
                Files.createDirectories(root);
            }
            catch (final IOException ex)
            {
                throw new DsmRegistryException(
                    "cannot create the root directory " + root + ": " + ex + "; create it, or choose another root with -D" +
                    ROOT_PROPERTY + "=DIR", ex);
            }
        }
        return ensurePrivateDirectory(userDirectory(root));
    }

    /**
     * Creates {@code directory} with mode 0700 if it does not exist, then checks that it is a real
     * directory of this user that nobody else can read or enter.
     */
    public static Path ensurePrivateDirectory(final Path directory)
    {
        final boolean posix = isPosix(directory.getParent());
        try
        {
            if (posix)
            {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            }
            else
            {
                Files.createDirectory(directory);
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            // Created by another process, or a file or link in the way: the checks below decide.
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException(
                "cannot create directory " + directory + ": " + ex + "; check that " + directory.getParent() +
                " exists and is writable, or choose another root with -D" + ROOT_PROPERTY + "=DIR", ex);
        }
        checkPrivateDirectory(directory);
        return directory;
    }

    /** Checks an existing directory as {@link #ensurePrivateDirectory(Path)} does. */
    public static void checkPrivateDirectory(final Path directory)
    {
        if (Files.isSymbolicLink(directory))
        {
            throw new PermissionException(
                directory + " is a symbolic link; dsmreg refuses links in its directories so that nobody can redirect " +
                "shared memory elsewhere. Remove the link, or choose another root with -D" + ROOT_PROPERTY + "=DIR");
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new PermissionException(directory + " exists but is not a directory; move it away");
        }
        if (!isPosix(directory))
        {
            return;
        }
        final PosixFileAttributes attributes = posixAttributes(directory);
        FileOwnership.checkOwnedByCurrentUser(directory, attributes);
        if (!attributes.permissions().equals(OWNER_ONLY_DIRECTORY))
        {
            throw new PermissionException(
                directory + " has mode " + PosixFilePermissions.toString(attributes.permissions()) +
                " but must be rwx------ (0700) so that no other user can reach the shared memory; run: chmod 700 " + directory);
        }
    }

    static boolean isPosix(final Path path)
    {
        try
        {
            return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
        }
        catch (final IOException ex)
        {
            return path.getFileSystem().supportedFileAttributeViews().contains("posix");
        }
    }

    static PosixFileAttributes posixAttributes(final Path path)
    {
        try
        {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException("cannot read the attributes of " + path + ": " + ex, ex);
        }
    }

    /** A registry name is a directory name: letters, digits, '.', '_' and '-', not starting with '.'. */
    public static String registryNameProblem(final String name)
    {
        if (name == null)
        {
            return "registry name cannot be null";
        }
        if (name.isEmpty())
        {
            return "registry name cannot be empty";
        }
        if (name.length() > 63)
        {
            return "registry name too long: \"" + name.substring(0, 20) + "...\" has " + name.length() +
                " characters, the limit is 63";
        }
        if (name.charAt(0) == '.')
        {
            return "registry name \"" + name + "\" cannot start with '.'";
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
            if (!allowed)
            {
                return "registry name \"" + name + "\" has the character '" + c + "' at index " + i +
                    "; use only letters, digits, '.', '_' and '-' (it names a directory)";
            }
        }
        return null;
    }

    static String sanitize(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final boolean safe = (c < 128 && Character.isLetterOrDigit(c)) || c == '_' || c == '-' || (c == '.' && i > 0);
            out.append(safe ? c : '_');
        }
        return out.length() == 0 ? "unknown" : out.toString();
    }
}
