package io.dsmreg.internal.kind;

import io.dsmreg.CorruptFileException;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.util.List;

/**
 * One kind of entry (segment, area, hash): all the registry needs from it, so that a new kind is
 * one class implementing this plus the descriptor of its files.
 * <p>
 * The registry ({@link OpenRegistry#getOrCreate}) runs the whole create-or-attach protocol: the
 * locks, the claim, publication, clean-up after a failed or crashed initializer, and the cache of
 * handles. A kind only makes, maps and checks its own files and handles. Kinds are stateless
 * constants; what one request asks for (a size and an initializer, options, codecs) is its request
 * object.
 *
 * @param <R> what a request of this kind asks for.
 * @param <H> the handle a request returns.
 */
public interface EntryKind<R, H extends CachedHandle>
{
    /** The type the registry records, and that a request must find. */
    EntryType type();

    /** Whether a handle this process cached for the entry is one this request may be given (a hash is no map). */
    boolean isHandleOf(R request, CachedHandle cached);

    /** The size the registry records for a new entry: a segment's; kinds whose size lives in their own files record 0. */
    default long recordedSize(final R request)
    {
        return 0;
    }

    /**
     * Checks the request against the existing entry as the registry records it.
     *
     * @throws EntryMismatchException naming what was asked and what exists.
     */
    default void checkCompatible(final R request, final SlotView existing)
    {
    }

    /**
     * Checks the request against what only an attached handle knows (an area's options live in its
     * own files): called for a new attachment and before this process's cached handle is reused.
     *
     * @throws EntryMismatchException naming what was asked and what exists.
     */
    default void checkCompatible(final R request, final H attached)
    {
    }

    /**
     * Creates and initializes the entry's files (none exist for {@code fileId}) and returns its
     * handle. Runs while this process holds the entry's lock: exactly once per entry on the host.
     */
    H create(OpenRegistry registry, R request, EntryGeneration entry, long fileId);

    /** Attaches to the published entry's files; runs under the table lock, so keep it to mapping and checking them. */
    H attach(OpenRegistry registry, R request, EntryGeneration entry, long fileId);

    /** The handle later requests of this process get from the cache (a segment's says it was found). */
    default H asFound(final H handle)
    {
        return handle;
    }

    /** The listing row of a published entry, read from its files without locks: listings never block users. */
    RegistryEntry inspect(Path directory, SlotView ready);

    /**
     * Checks a published entry's files against what the registry records, as a tool that only looks:
     * its files are mapped read-only, no lock is taken and nothing is repaired. A lock that a live
     * process holds throughout is reported (with its holder) instead of waited for; what a dead
     * process left half done is reported as repairable ({@link #repair}).
     *
     * @return one sentence per finding, naming the entry, the file or lock, and what to do; empty when consistent.
     * @throws io.dsmreg.DsmRegistryException (usually a CorruptFileException) for files that cannot be read at all.
     */
    List<String> verify(Path directory, SlotView ready);

    /**
     * Repairs what dead processes left half done in a published entry, as a process using it would
     * on its next operation, but everywhere at once: every wait bounded by the registry's timeout.
     *
     * @return what was repaired, one sentence each; empty when nothing needed it (the default: kinds
     *         whose files a dead process cannot leave half written).
     */
    default List<String> repair(final OpenRegistry registry, final SlotView ready)
    {
        return List.of();
    }
}
