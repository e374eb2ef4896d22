package io.dsmreg.internal.area;

import io.dsmreg.AreaOptions;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedArea;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;

/**
 * Named areas (PostgreSQL's {@code GetNamedDSA}): a control file and the segment files the area adds
 * as it grows ({@link AreaAllocator}). The options live in the control file, so they are checked on
 * attach. Listings read the counters in the control file without locks; the registry's verification
 * walks all of the area's metadata from read-only mappings without its locks (AreaInspection), and
 * repair takes them, bounded by the registry's timeout, to undo what dead holders left.
 */
public final class AreaKind implements EntryKind<AreaKind.Request, AreaHandle>
{
    /** The kind's one instance. */
    public static final AreaKind INSTANCE = new AreaKind();


    /** What one request asks for: null options accept the existing area's. */
    record Request(String name, AreaOptions options)
    {
    }

    private AreaKind()
    {
    }

    /** The area {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#area(String, AreaOptions)}. */
    public static SharedArea area(final OpenRegistry registry, final String name, final AreaOptions options)
    {
        if (name != null && registry.cached(name) instanceof AreaHandle cached && (options == null || options.equals(cached.options())))
        {
            return cached;
        }
        return registry.getOrCreate(name, EntryNames.encode("area", name), INSTANCE, new Request(name, options));
    }

    @Override
    public EntryType type()
    {
        return EntryType.AREA;
    }

    @Override
    public boolean isHandleOf(final Request request, final CachedHandle cached)
    {
        return cached instanceof AreaHandle;
    }

    @Override
    public void checkCompatible(final Request request, final AreaHandle attached)
    {
        final AreaOptions existing = attached.options();
        if (request.options() != null && !request.options().equals(existing))
        {
            throw new EntryMismatchException(
                "requested area \"" + request.name() + "\" with " + request.options() + " but the existing one has " +
                existing + "; ask with its options, or with none (DsmRegistry.area(name)), or remove the entry first to " +
                "create it with the new ones");
        }
    }

    @Override
    public AreaHandle create(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        final AreaOptions created = request.options() == null ? AreaOptions.defaults() : request.options();
        final AreaAllocator allocator = AreaAllocator.create(
            registry.directory(), fileId, request.name(), created.initialSegmentSize(), created.maxSegmentSize(),
            created.sizeLimit(), registry.timeoutNanos(), entry);
        return new AreaHandle(request.name(), allocator, entry);
    }

    @Override
    public AreaHandle attach(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        final AreaAllocator allocator =
            AreaAllocator.attach(registry.directory(), fileId, request.name(), registry.timeoutNanos(), entry);
        return new AreaHandle(request.name(), allocator, entry);
    }

    @Override
    public RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        final AreaStatistics statistics = AreaStatistics.read(directory, ready.fileId());
        return new RegistryEntry(ready.name(), EntryType.AREA,
            statistics == null ? null : statistics.reservedBytes(),
            statistics == null ? null : statistics.bytesInUse(),
            null, ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public List<String> verify(final Path directory, final SlotView ready)
    {
        final List<String> findings = AreaAllocator.attachReadOnly(directory, ready.fileId(), ready.name()).inspect();
        final List<String> described = new ArrayList<>();
        for (final String finding : findings)
        {
            described.add("area \"" + ready.name() + "\" (" + EntryFiles.path(directory, ready.fileId(), 0) + "): " + finding);
        }
        return described;
    }

    @Override
    public List<String> repair(final OpenRegistry registry, final SlotView ready)
    {
        return AreaAllocator.attach(registry.directory(), ready.fileId(), ready.name(), registry.timeoutNanos(), () -> false)
            .repair();
    }
}
