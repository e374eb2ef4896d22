package io.dsmreg.internal.registry;

/**
 * What every handle a registry caches carries to prove, cheaply, that its entry is still the one
 * the registry holds: its name, its {@link EntryGeneration}, and the table's removal epoch when the
 * handle was last validated. Kept in the handle itself so that a cached lookup touches one object.
 */
public abstract class CachedHandle
{
    protected final String entryName;
    private final EntryGeneration entry;
    /** Written when a handle is (re)validated; a stale read only costs one extra validation. */
    volatile long removalEpoch = -1;

    protected CachedHandle(final String entryName, final EntryGeneration entry)
    {
        this.entryName = entryName;
        this.entry = entry;
    }

    /** Whether the entry has been removed from the registry since this handle was made. */
    public final boolean isRemoved()
    {
        return entry.getAsBoolean();
    }

    /** The entry's incarnation, for the registry and for engine units that must notice a removal. */
    protected final EntryGeneration entry()
    {
        return entry;
    }
}
