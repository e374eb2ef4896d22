package io.dsmreg.internal.sharedlock;

import io.dsmreg.EntryType;
import io.dsmreg.LockState;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedLock;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.layout.LockDescriptor;
import io.dsmreg.internal.lock.RobustLock;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;
import io.dsmreg.internal.segment.SegmentFiles;
import io.dsmreg.internal.segment.SegmentHandle;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Named locks (PostgreSQL's LWLock, with its ConditionVariable): one small file each
 * ({@link LockFiles}) holding one lock region, and the way to use a lock region that lies inside a
 * segment. The lock's memory is {@link RobustLock}'s; the handle ({@link LockHandle}) adds what only
 * this process knows, which of its threads holds what.
 */
public final class LockKind implements EntryKind<LockKind.Request, LockKind.CachedLock>
{
    /** The kind's one instance. */
    public static final LockKind INSTANCE = new LockKind();

    /** What one request asks for: a lock has nothing to choose but its name. */
    record Request(String name, long timeoutNanos)
    {
    }

    /** The registry's cache entry of a named lock. */
    static final class CachedLock extends CachedHandle
    {
        final LockHandle lock;

        CachedLock(final String name, final EntryGeneration entry, final LockHandle lock)
        {
            super(name, entry);
            this.lock = lock;
        }
    }

    private LockKind()
    {
    }

    /** The lock {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#lock(String)}. */
    public static SharedLock lock(final OpenRegistry registry, final String name)
    {
        // Hot path: a lock this process already attached.
        if (name != null && registry.cached(name) instanceof CachedLock cached)
        {
            return cached.lock;
        }
        return registry.getOrCreate(name, EntryNames.encode("lock", name), INSTANCE, new Request(name, registry.timeoutNanos())).lock;
    }

    /**
     * The lock that {@link SharedLock#initialize} made at {@code offset} of {@code segment}:
     * {@link io.dsmreg.DsmRegistry#lock(NamedSegment, int)}.
     *
     * @throws IllegalArgumentException if {@code segment} is no segment of a registry, or the lock does not fit.
     * @throws io.dsmreg.CorruptFileException if no lock was initialized there, or it is damaged.
     */
    public static SharedLock inSegment(final OpenRegistry registry, final NamedSegment segment, final int offset)
    {
        if (!(segment instanceof SegmentHandle handle))
        {
            throw new IllegalArgumentException("a lock inside a segment needs a NamedSegment that a registry returned, not " + segment);
        }
        final String description = "lock at offset " + offset + " of segment \"" + handle.name() + "\"";
        final RobustLock lock = RobustLock.attach(handle.buffer(), offset, description,
            problem -> SegmentFiles.corrupt(handle.file(), handle.name(), problem));
        return new LockHandle(description, lock, registry.timeoutNanos());
    }

    @Override
    public EntryType type()
    {
        return EntryType.LOCK;
    }

    @Override
    public boolean isHandleOf(final Request request, final CachedHandle cached)
    {
        return cached instanceof CachedLock;
    }

    @Override
    public CachedLock create(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        return handle(request, entry, LockFiles.create(registry.directory(), fileId, request.name()));
    }

    @Override
    public CachedLock attach(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        return handle(request, entry, LockFiles.attach(registry.directory(), fileId, request.name(), false));
    }

    private static CachedLock handle(final Request request, final EntryGeneration entry, final RobustLock lock)
    {
        return new CachedLock(request.name(), entry, new LockHandle(LockFiles.describe(request.name()), lock, request.timeoutNanos()));
    }

    /** A lock's file is its header and its region; listings read the region's holders without taking the lock. */
    @Override
    public RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        final RobustLock lock = LockFiles.attach(directory, ready.fileId(), ready.name(), true);
        return new RegistryEntry(ready.name(), EntryType.LOCK, (long)LockDescriptor.FILE_LENGTH, (long)LockDescriptor.LOCK_LENGTH,
            null, ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()), state(lock));
    }

    /** What a listing shows of a lock: exclusive first, since a writer that waits for shared holders holds off new ones. */
    static LockState state(final RobustLock lock)
    {
        final long exclusive = lock.exclusiveOwnerPid();
        final long since = lock.exclusiveSinceMs();
        if (exclusive != 0)
        {
            return new LockState(LockState.Mode.EXCLUSIVE, List.of(exclusive), since == 0 ? null : Instant.ofEpochMilli(since),
                lock.waiting());
        }
        final List<Long> shared = new ArrayList<>();
        for (final long pid : lock.sharedHolderPids())
        {
            shared.add(pid);
        }
        return new LockState(shared.isEmpty() ? LockState.Mode.FREE : LockState.Mode.SHARED, shared, null, lock.waiting());
    }

    @Override
    public List<String> verify(final Path directory, final SlotView ready)
    {
        LockFiles.attach(directory, ready.fileId(), ready.name(), true).check();
        return List.of();
    }
}
