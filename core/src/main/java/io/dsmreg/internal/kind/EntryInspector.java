package io.dsmreg.internal.kind;

import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.area.AreaInspector;
import io.dsmreg.internal.hash.HashInspector;
import io.dsmreg.internal.registry.SlotView;
import io.dsmreg.internal.segment.SegmentFiles;

import java.nio.file.Path;

/**
 * What listings, the MBeans and {@code dsmreg verify} learn about one kind of entry from its files:
 * read-only and without locks, so that watching a registry never slows or blocks the processes
 * using it. Each entry type plugs its own in through {@link #of(EntryType)}.
 */
public interface EntryInspector
{
    /** The listing row of a READY entry. */
    RegistryEntry describe(Path directory, SlotView ready);

    /**
     * Checks a READY entry's files against what the registry records.
     *
     * @throws DsmRegistryException (usually {@link CorruptFileException}) naming the file and the problem.
     */
    void verify(Path directory, SlotView ready);

    /** The inspector for entries of {@code type}; types without their own (or null, a newer code) get the files-only one. */
    static EntryInspector of(final EntryType type)
    {
        if (type == EntryType.SEGMENT)
        {
            return SegmentFiles.INSPECTOR;
        }
        if (type == EntryType.AREA)
        {
            return AreaInspector.INSTANCE;
        }
        return type == EntryType.HASH ? HashInspector.INSTANCE : FilesOnlyInspector.INSTANCE;
    }
}
