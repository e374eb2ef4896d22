package io.dsmreg.internal.file;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.PermissionException;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where registries live: {@code <root>/dsmreg-<user>/<registry>/}, each directory private to its
 * user (0700, owned by that user, not a symbolic link). A directory that fails those checks is
 * refused, never repaired: it may be another user's, or an attacker's link.
 * <p>
 * The root is, in order: the one given in the options, the system property {@code dsmreg.dir},
 * the environment variable {@code DSMREG_DIR}, {@code /dev/shm} where it exists, else
 * {@code java.io.tmpdir}. Messages about a root name the setting that chose it ({@link #anotherRoot}),
 * so that a user who gave the agent {@code dir=} is not told to set a system property.
 */
public final class Directories
{
    public static final String ROOT_PROPERTY = "dsmreg.dir";
    public static final String ROOT_ENVIRONMENT = "DSMREG_DIR";
    private static final String DEV_SHM = "/dev/shm";
    private static final String OWNER_ONLY_DIRECTORY = "rwx------";
    /**
     * Where Linux mounts the kernel's windows onto itself, which cannot hold shared memory files. Known
     * by their places rather than asked of the file system (which reads the mount table), and checked
     * through java.io.File: the agent checks its settings in premain, where the first use of
     * java.nio.file alone costs milliseconds.
     */
    private static final List<String> KERNEL_FILE_SYSTEMS = List.of("/proc", "/sys", "/dev/pts", "/dev/mqueue");
    /**
     * Roots given explicitly by a setting outside the API (the agent's dir=, the CLI's --dir), as absolute
     * paths, with that setting; strings, so that recording one in premain does not start java.nio.file.
     */
    private static final Map<String, String> NAMED_ROOTS = new ConcurrentHashMap<>();

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
        final Path devShm = Path.of(DEV_SHM);
        if (Files.isDirectory(devShm) && Files.isWritable(devShm))
        {
            return devShm;
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    /**
     * Records that {@code root} was chosen by {@code setting}, a setting outside the API such as the
     * agent's {@code dir=DIR}, so that messages about files under it name that setting.
     */
    public static void chosenBy(final String root, final String setting)
    {
        NAMED_ROOTS.put(new File(root).getAbsolutePath(), setting);
    }

    /** The end of a hint: how to choose another root than the one {@code path} lies under, naming the setting that chose it. */
    public static String anotherRoot(final Path path)
    {
        return "choose another root with " + rootSetting(path);
    }

    /**
     * The setting that chose the root {@code path} lies under, as the user writes it: one recorded by
     * {@link #chosenBy}, {@code -Ddsmreg.dir=DIR}, the environment variable, or, for the default root
     * and for roots given through the API, the ways to choose one.
     */
    public static String rootSetting(final Path path)
    {
        final Path absolute = path.toAbsolutePath().normalize();
        for (final Map.Entry<String, String> named : NAMED_ROOTS.entrySet())
        {
            if (absolute.startsWith(Path.of(named.getKey()).normalize()))
            {
                return named.getValue();
            }
        }
        final String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank() && absolute.startsWith(Path.of(property).toAbsolutePath().normalize()))
        {
            return "-D" + ROOT_PROPERTY + "=DIR";
        }
        final String environment = System.getenv(ROOT_ENVIRONMENT);
        if (environment != null && !environment.isBlank() && absolute.startsWith(Path.of(environment).toAbsolutePath().normalize()))
        {
            return "the environment variable " + ROOT_ENVIRONMENT + " (it chose " + environment + ")";
        }
        if (absolute.startsWith(root(null)))
        {
            return "-D" + ROOT_PROPERTY + "=DIR or the environment variable " + ROOT_ENVIRONMENT;
        }
        return "RegistryOptions.root(DIR)";
    }

    /**
     * What makes {@code root} unusable as a root, found cheaply: a few file attributes, nothing
     * created or opened. A root that does not exist is usable if it can be created.
     *
     * @return null if it is usable; else what was found there, for a message.
     */
    public static String rootProblem(final String root)
    {
        final File absolute = new File(root).getAbsoluteFile();
        File existing = absolute;
        while (existing != null && !existing.exists())
        {
            existing = existing.getParentFile();
        }
        if (existing == null)
        {
            return "neither it nor any directory above it exists";
        }
        final String where = existing.equals(absolute) ? existing.toString() : existing + " (on the path to " + root + ")";
        if (!existing.isDirectory())
        {
            return where + " is not a directory";
        }
        final String kernel = kernelFileSystem(existing);
        if (kernel != null)
        {
            return where + " is in the kernel's " + kernel + " file system, which cannot hold shared memory files";
        }
        // The user's own directory counts where the root is not writable (a shared root made by an administrator).
        if (!existing.canWrite() && !new File(existing, "dsmreg-" + FileOwnership.currentUserName()).isDirectory())
        {
            return where + " is not writable by this user";
        }
        return null;
    }

    /** Where the kernel's file system that {@code directory} lies in is mounted, or null for any other. */
    private static String kernelFileSystem(final File directory)
    {
        String path;
        try
        {
            path = directory.getCanonicalPath();
        }
        catch (final IOException ex)
        {
            path = directory.getAbsolutePath();
        }
        for (final String mount : KERNEL_FILE_SYSTEMS)
        {
            if (path.equals(mount) || path.startsWith(mount + "/"))
            {
                return mount;
            }
        }
        return null;
    }

    /**
     * Refuses, naming its owner, a registry {@code name} under {@code root} that exists in another
     * user's directory, as far as this user can see into it: dsmreg uses only its own user's
     * registries, so "there is none" would be the wrong answer. Reads directory entries only.
     *
     * @throws PermissionException if another user's directory under {@code root} holds the registry.
     */
    public static void checkNotAnotherUsersRegistry(final Path root, final String name)
    {
        for (final Path other : otherUserDirectories(root))
        {
            final Path registry = other.resolve(name);
            if (Files.isDirectory(registry, LinkOption.NOFOLLOW_LINKS))
            {
                final String owner = FileOwnership.describeOwner(registry);
                throw new PermissionException(
                    "registry \"" + name + "\" in " + root + " belongs to another user, " + owner + ": it is " + registry +
                    ", and this process runs as " + FileOwnership.describeCurrentUser() + ", whose registries are in " +
                    userDirectory(root) + ". dsmreg uses only its own user's registries, so only " + owner +
                    " can use it: run as that user");
            }
        }
    }

    /**
     * The directories of other users under {@code root} that this user cannot look into, each with
     * its owner ({@code /dev/shm/dsmreg-alice of user alice (uid 1001)}): where a registry this user
     * does not have may be, for messages.
     */
    public static List<String> unreadableOtherUserDirectories(final Path root)
    {
        final List<String> unreadable = new ArrayList<>();
        for (final Path other : otherUserDirectories(root))
        {
            if (!Files.isReadable(other) || !Files.isExecutable(other))
            {
                final String owner = FileOwnership.describeOwner(other);
                unreadable.add(other + (owner == null ? "" : " of user " + owner));
            }
        }
        return unreadable;
    }

    /** {@code <root>/dsmreg-*} directories (not links) other than this user's, sorted; none if the root cannot be listed. */
    private static List<Path> otherUserDirectories(final Path root)
    {
        final Path mine = userDirectory(root);
        final List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root, "dsmreg-*"))
        {
            for (final Path directory : directories)
            {
                if (!directory.equals(mine) && Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
                {
                    others.add(directory);
                }
            }
        }
        catch (final IOException | SecurityException ex)
        {
            // A root this user cannot list holds nothing it can be told about.
        }
        others.sort(null);
        return others;
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
                    "cannot create the root directory " + root + ": " + ex + "; create it, or " + anotherRoot(root), ex);
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
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY_DIRECTORY)));
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
                " exists and is writable, or " + anotherRoot(directory), ex);
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
                "shared memory elsewhere. Remove the link, or " + anotherRoot(directory));
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
        if (!attributes.permissions().equals(PosixFilePermissions.fromString(OWNER_ONLY_DIRECTORY)))
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
