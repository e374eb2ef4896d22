package io.dsmreg.internal.lock;

import org.agrona.UnsafeApi;

import java.lang.invoke.VarHandle;

/**
 * The one seqlock of dsmreg: a 64-bit version word in shared memory that lets readers copy what
 * it guards without any lock, and tells them when a writer intervened.
 * <p>
 * Invariants:
 * <ul>
 *   <li>Writers are serialized by a lock of their own (a registry's table lock, a hash partition's
 *       mutex); the seqlock only makes their changes safe to read without it.</li>
 *   <li>The version is odd while a writer is changing the guarded fields and even otherwise; every
 *       write raises it by two, so an unchanged even version means nothing changed.</li>
 *   <li>A writer that dies mid-write leaves it odd: the next holder of the writers' lock calls
 *       {@link #repair} before writing, and readers meanwhile give up after bounded attempts.</li>
 * </ul>
 * Protocols:
 * <ol>
 *   <li>Write: {@link #beginWrite} (odd, visible before any change), change the fields,
 *       {@link #endWrite} (even, with release: a reader that sees it sees every change).</li>
 *   <li>Read: {@code v = }{@link #beginRead}; if {@link #isWriting}{@code (v)} retry or give up; copy
 *       the fields (tolerating garbage: a torn copy is thrown away); accept the copy only if
 *       {@link #validate}{@code (v)}.</li>
 * </ol>
 * Versions are addressed by absolute address (the buffer's {@code addressOffset()} plus the field's
 * offset): every guarded structure lives in a mapped file, and the hot read paths work on addresses.
 * The static methods inline into their callers.
 */
public final class SeqLock
{
    private SeqLock()
    {
    }

    /** Under the writers' lock: makes the version odd before any change lock-free readers could see. */
    public static void beginWrite(final long address)
    {
        UnsafeApi.putLong(null, address, UnsafeApi.getLong(null, address) + 1);
        // Release fence: the odd version is ordered before every store of the write that follows.
        VarHandle.releaseFence();
    }

    /** Under the writers' lock: makes the version even again. */
    public static void endWrite(final long address)
    {
        // Release: a reader that sees the even version sees every change made before it.
        UnsafeApi.putLongRelease(null, address, UnsafeApi.getLong(null, address) + 1);
    }

    /**
     * Under the writers' lock, before writing: makes a version a dead writer left odd even again,
     * so readers stop waiting for it. What the dead writer changed stays as it is; the caller
     * repairs the guarded fields if it must.
     *
     * @return whether the version was odd.
     */
    public static boolean repair(final long address)
    {
        final long version = UnsafeApi.getLong(null, address);
        if (isWriting(version))
        {
            // Release: the repair of the fields, done before, is visible to whoever sees the even version.
            UnsafeApi.putLongRelease(null, address, version + 1);
            return true;
        }
        return false;
    }

    /** The version to start a read with, with acquire: the reads that follow see what the last writer published. */
    public static long beginRead(final long address)
    {
        return UnsafeApi.getLongAcquire(null, address);
    }

    /** Whether a version read by {@link #beginRead} belongs to a write in progress. */
    public static boolean isWriting(final long version)
    {
        return (version & 1) != 0;
    }

    /** Whether a read that began at {@code version} copied a consistent state: no writer intervened. */
    public static boolean validate(final long address, final long version)
    {
        // Acquire fence: every read of the copy completes before the version is read again.
        VarHandle.acquireFence();
        return UnsafeApi.getLong(null, address) == version && !isWriting(version);
    }

    /** The current version, volatile: a read that changes whenever the guarded fields changed (for cached handles). */
    public static long version(final long address)
    {
        return UnsafeApi.getLongVolatile(null, address);
    }
}
