package io.dsmreg.internal.registry;

/**
 * The handles this JVM attached, by entry name: an open-addressing table read without locks and
 * written under this object's monitor. A lookup is one array read and one comparison of the
 * handle's own name, so the hot path of {@code registry.segment(name, size)} touches the table and
 * the handle and nothing else.
 * <p>
 * Readers may race a writer: they then see the table before or after a change, or miss an entry
 * that is being moved, and a miss only sends the caller down the slow path, which is always
 * correct. A handle found is always one for that name (its fields are final, so safely published);
 * whether it is still current is the caller's check (the removal epoch).
 */
public final class HandleCache
{
    private static final int INITIAL_CAPACITY = 64;

    private volatile CachedHandle[] table = new CachedHandle[INITIAL_CAPACITY];
    private int size;

    CachedHandle get(final String name)
    {
        final CachedHandle[] handles = table;
        final int mask = handles.length - 1;
        int index = home(name, handles.length);
        CachedHandle handle;
        while ((handle = handles[index]) != null)
        {
            if (handle.entryName == name || handle.entryName.equals(name))
            {
                return handle;
            }
            index = (index + 1) & mask;
        }
        return null;
    }

    synchronized void put(final CachedHandle handle)
    {
        final CachedHandle[] handles = table;
        final int index = indexOf(handles, handle.entryName);
        if (handles[index] != null)
        {
            handles[index] = handle;
            return;
        }
        if (2 * (size + 1) > handles.length)
        {
            final CachedHandle[] grown = new CachedHandle[handles.length * 2];
            for (final CachedHandle existing : handles)
            {
                if (existing != null)
                {
                    grown[indexOf(grown, existing.entryName)] = existing;
                }
            }
            grown[indexOf(grown, handle.entryName)] = handle;
            table = grown;
        }
        else
        {
            handles[index] = handle;
        }
        size++;
    }

    /** Removes the handle for {@code name} if it is {@code expected}, or any handle when expected is null. */
    synchronized void remove(final String name, final CachedHandle expected)
    {
        final CachedHandle[] handles = table;
        final int index = indexOf(handles, name);
        if (handles[index] == null || (expected != null && handles[index] != expected))
        {
            return;
        }
        // Rebuild rather than shift in place, so that a concurrent reader never probes a half-moved run.
        final CachedHandle[] rebuilt = new CachedHandle[handles.length];
        for (final CachedHandle existing : handles)
        {
            if (existing != null && existing != handles[index])
            {
                rebuilt[indexOf(rebuilt, existing.entryName)] = existing;
            }
        }
        table = rebuilt;
        size--;
    }

    private static int indexOf(final CachedHandle[] handles, final String name)
    {
        final int mask = handles.length - 1;
        int index = home(name, handles.length);
        while (handles[index] != null && !handles[index].entryName.equals(name))
        {
            index = (index + 1) & mask;
        }
        return index;
    }

    /**
     * Fibonacci hashing: the top bits of the hash times 2^32/phi. String hashes of names like
     * "orders-1", "orders-2", ... are nearly consecutive, and their low bits alone would pile up
     * into long probe runs.
     */
    private static int home(final String name, final int capacity)
    {
        return (name.hashCode() * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(capacity - 1);
    }
}
