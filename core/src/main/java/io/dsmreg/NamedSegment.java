package io.dsmreg;

import org.agrona.concurrent.AtomicBuffer;

/**
 * A named segment as one request returned it: the shared memory, and whether the request found
 * it already initialized.
 * <p>
 * The buffer stays valid as long as this handle is reachable, even after the entry is removed
 * from the registry (then it is simply no longer shared with processes that ask afresh).
 */
public interface NamedSegment
{
    /**
     * The entry's name in the registry.
     *
     * @return the name it is registered under.
     */
    String name();

    /**
     * The requested size in bytes; {@code buffer().capacity()} equals it.
     *
     * @return bytes, at least 1.
     */
    long size();

    /**
     * True when this request attached to a segment that was already initialized; false when this
     * request ran the initializer (including a retry after an earlier failed or crashed one).
     *
     * @return whether the segment existed before this request.
     */
    boolean found();

    /**
     * The shared memory. Index 0 is 128-byte aligned, so every naturally aligned atomic is aligned.
     *
     * @return a buffer of {@link #size()} bytes; the same instance on every call.
     */
    AtomicBuffer buffer();

    /**
     * Whether the entry has been removed from the registry since this handle was returned.
     *
     * @return true once any process has removed the entry, even if the name has been created again since.
     */
    boolean isRemoved();
}
