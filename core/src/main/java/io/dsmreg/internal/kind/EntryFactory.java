package io.dsmreg.internal.kind;

import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

/**
 * What one kind of entry contributes to the registry's create-or-attach protocol: the request's
 * type and size, a compatibility check against an existing entry, and how to create and attach
 * its files. {@link OpenRegistry#getOrCreate} does the locking, publication and clean-up.
 *
 * @param <H> the handle the request returns.
 */
public interface EntryFactory<H extends CachedHandle>
{
    EntryType type();

    /** The class of the handles it makes: a cached handle of another class (a hash asked for as a map) is not reused. */
    Class<H> handleClass();

    /** The size recorded in the registry: a segment's; kinds whose size lives in their own files record 0. */
    default long size()
    {
        return 0;
    }

    /**
     * Throws {@link EntryMismatchException} when the existing entry, as the registry records it, does
     * not fit the request; kinds whose parameters live in their own files check those on attach.
     */
    default void checkCompatible(final SlotView existing)
    {
    }

    /**
     * As {@link #checkCompatible(SlotView)}, for what only an attached handle knows (an area's
     * options live in its own files): called before this process's handle is reused.
     */
    default void checkCompatible(final H attached)
    {
    }

    /**
     * Creates and initializes the entry's files (none exist for {@code fileId}); runs while this
     * process holds the entry's lock, so exactly once per entry on the host.
     */
    H create(int slot, long fileId);

    /** Attaches to a published entry; runs under the table lock, so keep it to mapping files. */
    H attach(SlotView ready);

    /** Called after publication with the slot's generation as published: the handle to return. */
    H published(H created, long generation);

    /** The handle later requests of this process get, from the cache: for segments, found is true. */
    default H asFound(final H handle)
    {
        return handle;
    }
}
