package io.dsmreg.internal.kind;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.registry.SlotView;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inspector for entry types that have none of their own: the size is what the entry's files
 * reserve on disk, as PostgreSQL reports for areas and hashes; bytes in use and entry counts need
 * the type's own header and stay unknown (null). {@code verify} checks that the files exist and
 * are this user's regular files.
 */
public final class FilesOnlyInspector implements EntryInspector
{
    static final FilesOnlyInspector INSTANCE = new FilesOnlyInspector();

    private FilesOnlyInspector()
    {
    }

    @Override
    public RegistryEntry describe(final Path directory, final SlotView ready)
    {
        long reserved = 0;
        for (final Path file : files(directory, ready))
        {
            try
            {
                reserved += Files.size(file);
            }
            catch (final NoSuchFileException ex)
            {
                // Deleted meanwhile by a remove: the entry is going away and its size with it.
            }
            catch (final IOException ex)
            {
                throw new DsmRegistryException("cannot read the size of " + file + ": " + ex, ex);
            }
        }
        return new RegistryEntry(ready.name(), EntryTypes.ofCode(ready.type()), reserved, null, null, ready.ownerPid(),
            Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public void verify(final Path directory, final SlotView ready)
    {
        final Path first = EntryFiles.path(directory, ready.fileId(), 0);
        if (!Files.exists(first, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CorruptFileException(
                "file " + first + " of entry \"" + ready.name() + "\" is missing: it was deleted from outside dsmreg");
        }
        for (final Path file : files(directory, ready))
        {
            MappedFiles.checkRegularFileOfThisUser(file);
        }
    }

    private static List<Path> files(final Path directory, final SlotView ready)
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, EntryFiles.glob(ready.fileId())))
        {
            stream.forEach(files::add);
            return files;
        }
        catch (final IOException ex)
        {
            throw new DsmRegistryException(
                "cannot list the files of entry \"" + ready.name() + "\" in " + directory + ": " + ex, ex);
        }
    }
}
