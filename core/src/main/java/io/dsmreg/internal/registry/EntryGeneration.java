package io.dsmreg.internal.registry;

import java.util.function.BooleanSupplier;

/**
 * Which incarnation of a registry slot a handle belongs to: the slot and its generation at
 * publication. The entry was removed (or removed and created again) once the slot's generation
 * differs. Made by the registry for every create and attach; for an entry this process creates,
 * the generation is known only after publication, and the registry sets it then, before the
 * handle is cached or returned.
 */
public final class EntryGeneration implements BooleanSupplier
{
    private final RegistryTable table;
    private final int slot;
    private volatile long generation;

    EntryGeneration(final RegistryTable table, final int slot, final long generation)
    {
        this.table = table;
        this.slot = slot;
        this.generation = generation;
    }

    void published(final long generation)
    {
        this.generation = generation;
    }

    int slot()
    {
        return slot;
    }

    long generation()
    {
        return generation;
    }

    /** Whether the entry is no longer the registry's. */
    @Override
    public boolean getAsBoolean()
    {
        return table.generation(slot) != generation;
    }
}
