package io.dsmreg.internal.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names of the files behind registry entries: {@code <file id>_<part>.dsm}. Names come from the
 * registry's file-id counter, never from the entry's name, which is data and may hold anything.
 */
public final class EntryFiles
{
    private static final String SUFFIX = ".dsm";

    private EntryFiles()
    {
    }

    public static Path path(final Path directory, final long fileId, final int part)
    {
        return directory.resolve(fileId + "_" + part + SUFFIX);
    }

    /** A glob matching every file of the entry with {@code fileId}, for {@link Files#newDirectoryStream(Path, String)}. */
    public static String glob(final long fileId)
    {
        return fileId + "_*" + SUFFIX;
    }

    /** The file id in a file name of this scheme, or -1 for any other name. */
    public static long fileId(final String fileName)
    {
        final int separator = fileName.indexOf('_');
        if (separator <= 0 || !fileName.endsWith(SUFFIX) || !digits(fileName, 0, separator) ||
            !digits(fileName, separator + 1, fileName.length() - SUFFIX.length()) || separator > 18)
        {
            return -1;
        }
        return Long.parseLong(fileName, 0, separator, 10);
    }

    /** Deletes every file of the entry with {@code fileId}; mappings other processes hold stay valid. */
    public static void deleteAll(final Path directory, final long fileId)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, glob(fileId)))
        {
            for (final Path file : files)
            {
                MappedFiles.deleteQuietly(file);
            }
        }
        catch (final IOException ex)
        {
            // Stray files cost space, not correctness; a later remove or `dsmreg remove` clears them.
        }
    }

    private static boolean digits(final String text, final int from, final int to)
    {
        if (from >= to)
        {
            return false;
        }
        for (int i = from; i < to; i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }
}
