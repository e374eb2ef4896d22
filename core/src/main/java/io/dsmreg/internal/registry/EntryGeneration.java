package io.dsmreg.internal.registry;

import java.util.function.BooleanSupplier;

/**
 * The registry slot generation a handle was published with: the entry was removed (or removed and
 * created again) once the slot's generation differs. Known only after publication for a handle
 * this process created, hence set once then.
 */
public final class EntryGeneration implements BooleanSupplier
{
    private final RegistryTable table;
    private final int slot;
    private volatile long generation;

    public EntryGeneration(final RegistryTable table, final int slot, final long generation)
    {
        this.table = table;
        this.slot = slot;
        this.generation = generation;
    }

    public void published(final long generation)
    {
        this.generation = generation;
    }

    /** Whether the entry is no longer the registry's. */
    @Override
    public boolean getAsBoolean()
    {
        return table.generation(slot) != generation;
    }
}
