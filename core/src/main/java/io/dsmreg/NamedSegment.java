package io.dsmreg;

import io.dsmreg.registry.RegistryTable;
import org.agrona.concurrent.AtomicBuffer;

/**
 * A named segment as one request returned it: the shared memory, and whether the request found
 * it already initialized.
 * <p>
 * The buffer stays valid as long as this handle is reachable, even after the entry is removed
 * from the registry (then it is simply no longer shared with processes that ask afresh).
 */
public final class NamedSegment extends CachedHandle
{
    private final long size;
    private final boolean found;
    private final AtomicBuffer buffer;
    private final RegistryTable table;

    NamedSegment(
        final String name, final long size, final boolean found, final AtomicBuffer buffer,
        final RegistryTable table, final int slot, final long generation)
    {
        super(name, slot, generation);
        this.size = size;
        this.found = found;
        this.buffer = buffer;
        this.table = table;
    }

    /** The same mapping, as seen by a later request that found it initialized. */
    NamedSegment asFound()
    {
        return found ? this : new NamedSegment(entryName, size, true, buffer, table, slot, generation);
    }

    public String name()
    {
        return entryName;
    }

    /** The requested size in bytes; {@code buffer().capacity()} equals it. */
    public long size()
    {
        return size;
    }

    /**
     * True when this request attached to a segment that was already initialized; false when this
     * request ran the initializer (including a retry after an earlier failed or crashed one).
     */
    public boolean found()
    {
        return found;
    }

    /** The shared memory. Index 0 is 128-byte aligned, so every naturally aligned atomic is aligned. */
    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /** Whether the entry has been removed from the registry since this handle was returned. */
    public boolean isRemoved()
    {
        return table.generation(slot) != generation;
    }

    @Override
    public String toString()
    {
        return "NamedSegment{name=\"" + entryName + "\", size=" + size + ", found=" + found + '}';
    }
}
