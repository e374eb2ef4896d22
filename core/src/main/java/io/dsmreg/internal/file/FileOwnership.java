package io.dsmreg.internal.file;

import io.dsmreg.PermissionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;

/**
 * Who this process is, as the file system sees it, and the check that a file or directory
 * belongs to it. On Linux the effective uid is read from {@code /proc/self} (it works for users
 * that have no name, as in many containers); elsewhere the user name is compared.
 */
final class FileOwnership
{
    private static final Integer CURRENT_UID = readCurrentUid();

    private FileOwnership()
    {
    }

    /** The user's name, made safe for a directory name. */
    static String currentUserName()
    {
        final String name = System.getProperty("user.name", "");
        if (name.isEmpty() || "?".equals(name))
        {
            return CURRENT_UID != null ? "uid" + CURRENT_UID : "unknown";
        }
        return Directories.sanitize(name);
    }

    static void checkOwnedByCurrentUser(final Path path, final PosixFileAttributes attributes)
    {
        if (CURRENT_UID != null)
        {
            final Object uid = unixUid(path);
            if (uid != null && !CURRENT_UID.equals(uid))
            {
                throw notOwned(path, attributes.owner(), "uid " + uid, "uid " + CURRENT_UID);
            }
            if (uid != null)
            {
                return;
            }
        }
        final String me = System.getProperty("user.name", "");
        if (!attributes.owner().getName().equals(me))
        {
            throw notOwned(path, attributes.owner(), attributes.owner().getName(), me);
        }
    }

    private static PermissionException notOwned(
        final Path path, final UserPrincipal owner, final String found, final String expected)
    {
        return new PermissionException(
            path + " belongs to " + owner.getName() + " (" + found + "), not to this process's user (" + expected +
            "); dsmreg only uses its own user's files. Run as that user, or " + Directories.anotherRoot(path));
    }

    /** Who owns {@code path}, for messages: {@code alice (uid 1001)}; null if that cannot be read. */
    static String describeOwner(final Path path)
    {
        try
        {
            final String name = Files.getOwner(path, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
            final Object uid = unixUid(path);
            return uid == null || String.valueOf(uid).equals(name) ? name : name + " (uid " + uid + ")";
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            return null;
        }
    }

    /** This process's user, for messages: {@code root (uid 0)}. */
    static String describeCurrentUser()
    {
        final String name = System.getProperty("user.name", "?");
        return CURRENT_UID == null ? name : name + " (uid " + CURRENT_UID + ")";
    }

    private static Object unixUid(final Path path)
    {
        try
        {
            return Files.getAttribute(path, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static Integer readCurrentUid()
    {
        try
        {
            final Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer ? (Integer)uid : null;
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException ex)
        {
            return null;
        }
    }
}
