package io.dsmreg;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a listing shows of a lock ({@link RegistryEntry#lock()}), read from shared memory without
 * taking it: one instant's view, which may already have changed.
 *
 * @param mode       free, held exclusively, or held in shared mode.
 * @param holderPids the exclusive holder's pid (or that of a writer waiting for shared holders to leave),
 *                   or one pid per thread that holds it shared; empty when free.
 * @param heldSince  when the exclusive holder took it; null when not held exclusively.
 * @param waiting    threads of all processes that wait for it or await its condition, as they count
 *                   themselves (one killed while waiting stays counted).
 */
public record LockState(Mode mode, List<Long> holderPids, Instant heldSince, long waiting)
{
    /** How a lock is held. */
    public enum Mode
    {
        /** Nobody holds it. */
        FREE,
        /** One thread holds it exclusively. */
        EXCLUSIVE,
        /** Threads hold it in shared mode. */
        SHARED
    }

    /**
     * A copy of the holders, so that the record is immutable.
     *
     * @param mode       free, exclusive or shared.
     * @param holderPids the holders' pids.
     * @param heldSince  when the exclusive holder took it, or null.
     * @param waiting    how many threads wait.
     */
    public LockState
    {
        holderPids = List.copyOf(holderPids);
    }

    /**
     * One line for listings: {@code free}, {@code exclusive by pid 12 since 2026-01-02T10:11:12.345Z, 2 waiting},
     * {@code shared by pids 12, 12, 40, 0 waiting}.
     *
     * @return the state in words.
     */
    public String describe()
    {
        if (mode == Mode.FREE)
        {
            return waiting == 0 ? "free" : "free, " + waiting + " waiting";
        }
        final String pids = holderPids.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return mode == Mode.EXCLUSIVE ?
            "exclusive by pid " + pids + (heldSince == null ? "" : " since " + heldSince) + ", " + waiting + " waiting" :
            "shared by pid" + (holderPids.size() == 1 ? " " : "s ") + pids + ", " + waiting + " waiting";
    }
}
