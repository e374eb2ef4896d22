package io.dsmreg.internal.area;

import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import static io.dsmreg.internal.layout.AreaDescriptor.AREA_LOCK_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.AREA_LOG_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOCK_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.CLASS_LOG_COUNT_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.classBlockOffset;

/*
 * The check of an area by a tool that only looks (dsmreg verify, RegistryView, the MBeans): it takes
 * no lock, rolls nothing back and reclaims nothing, so it can neither wait for a live process nor
 * write to shared memory (the caller maps the files read-only, so a write would fault, not corrupt).
 *
 * Protocol, bounded by ATTEMPTS:
 * 1. Read every lock word of the area (its own and each pool's) and each undo log's count.
 *    - A lock whose holder died, or an undo log left full under a free lock: a dead process left an
 *      operation half done. That is repairable (the next operation, or dsmreg repair, rolls it back),
 *      and the metadata is not checked, since it would show the half-done operation as damage.
 *    - A lock a live process holds: its operation is under way; wait a little and start again. If
 *      it is still held after the last attempt, report who holds it and that the area was not checked.
 * 2. All locks free: run AreaCheck, then read the lock words again. A problem is reported only if two
 *    consecutive runs, each found with every lock free before and after, both saw it: an operation
 *    that began and ended meanwhile may show a moment's inconsistency once, never the same twice.
 *    Runs that keep disagreeing end, after the last attempt, in one finding: the area kept changing.
 *
 * A damaged value read here is a problem found, never an exception: AreaCheck bounds what it reads,
 * and an exception that escapes it (a corrupt segment file) becomes that run's problem.
 */
final class AreaInspection
{
    private static final int ATTEMPTS = 10;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final UnsafeBuffer control;
    private final IntFunction<AreaSegment> segments;
    private final int[] lockOffsets = new int[SizeClasses.COUNT + 1];
    private final int[] logCountOffsets = new int[SizeClasses.COUNT + 1];
    private final String[] lockNames = new String[SizeClasses.COUNT + 1];

    AreaInspection(final UnsafeBuffer control, final IntFunction<AreaSegment> segments)
    {
        this.control = control;
        this.segments = segments;
        lockOffsets[0] = AREA_LOCK_OFFSET;
        logCountOffsets[0] = AREA_LOG_COUNT_OFFSET;
        lockNames[0] = "the area lock";
        for (int c = 0; c < SizeClasses.COUNT; c++)
        {
            lockOffsets[c + 1] = classBlockOffset(c) + CLASS_LOCK_OFFSET;
            logCountOffsets[c + 1] = classBlockOffset(c) + CLASS_LOG_COUNT_OFFSET;
            lockNames[c + 1] = "the lock of size class " + SizeClasses.size(c) + " B";
        }
    }

    /** What is wrong with the area, what a dead process left to repair, or what could not be checked; empty when consistent. */
    List<String> run()
    {
        Set<String> previous = null;
        List<String> held = List.of();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            if (attempt > 0)
            {
                LockSupport.parkNanos(PAUSE_NANOS);
            }
            final List<String> repairable = new ArrayList<>();
            held = heldLocks(repairable);
            if (!repairable.isEmpty())
            {
                return repairable;
            }
            if (!held.isEmpty())
            {
                previous = null;
                continue;
            }
            final Set<String> found = check();
            if (!heldLocks(repairable).isEmpty() || !repairable.isEmpty())
            {
                previous = null;
                continue;
            }
            if (found.isEmpty() || found.equals(previous))
            {
                return new ArrayList<>(found);
            }
            previous = found;
        }
        if (!held.isEmpty())
        {
            final List<String> notChecked = new ArrayList<>();
            for (final String lock : held)
            {
                notChecked.add(lock + " for the whole check (" + ATTEMPTS + " attempts); the area's metadata was not " +
                    "checked: run verify again when it is idle");
            }
            return notChecked;
        }
        return List.of("its metadata kept changing while it was checked (" + ATTEMPTS + " attempts, each finding " +
            "something else); run verify again when the area is idle");
    }

    /** The locks held by live processes ("the area lock is held by pid ..."); adds what dead ones left to {@code repairable}. */
    private List<String> heldLocks(final List<String> repairable)
    {
        final List<String> held = new ArrayList<>();
        for (int i = 0; i < lockOffsets.length; i++)
        {
            final long word = control.getLongVolatile(lockOffsets[i]);
            final int logCount = control.getIntVolatile(logCountOffsets[i]);
            if (word != 0 && !SharedMutex.isOwnerAlive(word))
            {
                repairable.add(lockNames[i] + " is held by " + SharedMutex.describeHolder(word) + ", which died " +
                    "inside an operation (" + logCount + " logged writes to undo); repairable: the area's next " +
                    "operation repairs it, or run dsmreg repair (DsmRegistry.repair)");
            }
            else if (word != 0)
            {
                held.add(lockNames[i] + " is held by " + SharedMutex.describeHolder(word));
            }
            else if (logCount != 0)
            {
                repairable.add(lockNames[i] + " is free but its undo log holds " + logCount + " writes of an " +
                    "operation that did not finish; repairable: the area's next operation rolls them back, or run " +
                    "dsmreg repair (DsmRegistry.repair)");
            }
        }
        return held;
    }

    private Set<String> check()
    {
        try
        {
            return new LinkedHashSet<>(new AreaCheck(control, segments).run());
        }
        catch (final RuntimeException ex)
        {
            // A read that a damaged (or, this once, a moving) value sent out of bounds: reported if it happens twice.
            return new LinkedHashSet<>(List.of("its metadata cannot be read: " + ex.getMessage()));
        }
    }
}
