package io.dsmreg.internal.kind;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.area.AreaKind;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.hash.HashKind;
import io.dsmreg.internal.queue.QueueKind;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;
import io.dsmreg.internal.segment.SegmentKind;
import io.dsmreg.internal.sharedlock.LockKind;

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
 * Every kind of entry by its type, for what the registry does with entries of any kind: list and
 * verify them. An entry of a type this code does not know (written by a newer minor version) is
 * shown and checked by its files alone: their total size, that they exist and belong to this user.
 */
public final class EntryKinds
{
    private EntryKinds()
    {
    }

    /** The kind of entries of {@code type}, or null for an unknown type. */
    public static EntryKind<?, ?> of(final EntryType type)
    {
        if (type == null)
        {
            return null;
        }
        return switch (type)
        {
            case SEGMENT -> SegmentKind.INSTANCE;
            case AREA -> AreaKind.INSTANCE;
            case HASH -> HashKind.INSTANCE;
            case LOCK -> LockKind.INSTANCE;
            case QUEUE -> QueueKind.INSTANCE;
        };
    }

    /**
     * The listing row of a published entry of any type. An entry whose files cannot be read lists
     * with no size (which listings flag as damaged), not as a failure of the whole listing: verify
     * says what is wrong with it.
     */
    public static RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        final EntryType type = EntryTypes.ofCode(ready.type());
        final EntryKind<?, ?> kind = of(type);
        if (kind != null)
        {
            try
            {
                return kind.inspect(directory, ready);
            }
            catch (final CorruptFileException ex)
            {
                return new RegistryEntry(
                    ready.name(), type, null, null, null, ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
            }
        }
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
        return new RegistryEntry(ready.name(), null, reserved, null, null, ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
    }

    /**
     * Checks a published entry of any type, as a tool that only looks ({@link EntryKind#verify}).
     *
     * @return one sentence per finding; empty when consistent.
     * @throws DsmRegistryException (usually {@link CorruptFileException}) naming the file and the problem.
     */
    public static List<String> verify(final Path directory, final SlotView ready)
    {
        final EntryKind<?, ?> kind = of(EntryTypes.ofCode(ready.type()));
        if (kind != null)
        {
            return kind.verify(directory, ready);
        }
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
        return List.of();
    }

    /** Repairs a published entry of any type ({@link EntryKind#repair}); an entry of an unknown type has nothing to repair. */
    public static List<String> repair(final OpenRegistry registry, final SlotView ready)
    {
        final EntryKind<?, ?> kind = of(EntryTypes.ofCode(ready.type()));
        return kind == null ? List.of() : kind.repair(registry, ready);
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
