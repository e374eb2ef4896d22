package io.dsmreg.internal.registry;

/**
 * What every handle a registry caches carries to prove, cheaply, that its entry is still the one
 * the registry holds: its name, the slot and the slot's generation at publication, and the table's
 * removal epoch when the handle was last validated. Kept in the handle itself so that a cached
 * lookup touches one object.
 */
public abstract class CachedHandle
{
    public final String entryName;
    public final int slot;
    public final long generation;
    /** Written when a handle is (re)validated; a stale read only costs one extra validation. */
    volatile long removalEpoch = -1;

    public CachedHandle(final String entryName, final int slot, final long generation)
    {
        this.entryName = entryName;
        this.slot = slot;
        this.generation = generation;
    }
}
