package io.dsmreg.file;

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

    /** Deletes every file of the entry with {@code fileId}; mappings other processes hold stay valid. */
    public static void deleteAll(final Path directory, final long fileId)
    {
        final String prefix = fileId + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*" + SUFFIX))
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
}
