package io.dsmreg;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Fills a new segment, exactly once on the whole host: PostgreSQL's {@code init_callback}.
 * <p>
 * It runs in the first process that asks for the segment, while every other caller waits. The
 * buffer is zeroed when it is called. If it throws, nothing is published, the exception reaches
 * its caller, and the next caller runs the initializer afresh; if its process dies, the next
 * caller does the same. Keep it short: other callers wait (up to the registry's timeout).
 *
 * @param <A> the type of the argument passed through from the request, so that one initializer
 *            can serve many segments.
 */
@FunctionalInterface
public interface SegmentInitializer<A>
{
    /**
     * Fills the new segment; no other process sees it before this returns.
     *
     * @param buffer the segment's memory, {@code size} bytes starting at index 0.
     * @param arg    the argument given with the request (may be null).
     */
    void initialize(AtomicBuffer buffer, A arg);
}
