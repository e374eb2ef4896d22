package io.dsmreg.internal.segment;

import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.layout.SegmentDescriptor;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.List;
import java.time.Instant;

/**
 * Named segments (PostgreSQL's {@code GetNamedDSMSegment}): one file each ({@link SegmentFiles}),
 * filled by the caller's initializer before it is published; the registry records the size.
 */
public final class SegmentKind implements EntryKind<SegmentKind.Request<?>, SegmentHandle>
{
    /** The kind's one instance. */
    public static final SegmentKind INSTANCE = new SegmentKind();

    /** What one request asks for. */
    record Request<A>(String name, long size, SegmentInitializer<? super A> init, A arg)
    {
    }

    private SegmentKind()
    {
    }

    /**
     * The segment {@code name} of {@code registry}, created and initialized by the first caller on the
     * host: {@link io.dsmreg.DsmRegistry#segment(String, long, SegmentInitializer, Object)}.
     */
    public static <A> NamedSegment segment(
        final OpenRegistry registry, final String name, final long size, final SegmentInitializer<? super A> init, final A arg)
    {
        // Hot path, kept small enough to inline: a segment this process already attached.
        if (name != null && registry.cached(name) instanceof SegmentHandle cached && cached.size() == size)
        {
            return cached;
        }
        return createOrAttach(registry, name, size, init, arg);
    }

    private static <A> NamedSegment createOrAttach(
        final OpenRegistry registry, final String name, final long size, final SegmentInitializer<? super A> init, final A arg)
    {
        final byte[] nameBytes = EntryNames.encode("segment", name);
        if (size <= 0 || size > SegmentDescriptor.MAX_DATA_LENGTH)
        {
            throw new InvalidSizeException(
                "requested segment \"" + name + "\" has size " + size + "; a segment's size must be between 1 and " +
                SegmentDescriptor.MAX_DATA_LENGTH + " bytes (2 GiB - 4 KiB). For more, use several segments or an area");
        }
        return registry.getOrCreate(name, nameBytes, INSTANCE, new Request<>(name, size, init, arg));
    }

    @Override
    public EntryType type()
    {
        return EntryType.SEGMENT;
    }

    @Override
    public boolean isHandleOf(final Request<?> request, final CachedHandle cached)
    {
        return cached instanceof SegmentHandle;
    }

    @Override
    public long recordedSize(final Request<?> request)
    {
        return request.size();
    }

    @Override
    public void checkCompatible(final Request<?> request, final SlotView existing)
    {
        if (existing.size() != request.size())
        {
            throw new EntryMismatchException(
                "requested segment \"" + request.name() + "\" has size " + request.size() + " but the existing one has " +
                existing.size() + "; ask for " + existing.size() + ", or remove the entry first to create it with the new size");
        }
    }

    @Override
    public SegmentHandle create(
        final OpenRegistry registry, final Request<?> request, final EntryGeneration entry, final long fileId)
    {
        return new SegmentHandle(request.name(), request.size(), false, createFile(registry, request, fileId),
            EntryFiles.path(registry.directory(), fileId, 0), entry);
    }

    private static <A> UnsafeBuffer createFile(
        final OpenRegistry registry, final Request<A> request, final long fileId)
    {
        return SegmentFiles.create(registry.directory(), fileId, request.name(), request.size(), request.init(), request.arg());
    }

    @Override
    public SegmentHandle attach(
        final OpenRegistry registry, final Request<?> request, final EntryGeneration entry, final long fileId)
    {
        final UnsafeBuffer buffer = SegmentFiles.attach(registry.directory(), fileId, request.name(), request.size());
        return new SegmentHandle(request.name(), request.size(), true, buffer, EntryFiles.path(registry.directory(), fileId, 0), entry);
    }

    @Override
    public SegmentHandle asFound(final SegmentHandle handle)
    {
        return handle.asFound();
    }

    /** Everything a listing shows of a segment is in its registry slot. */
    @Override
    public RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        return new RegistryEntry(ready.name(), EntryType.SEGMENT, ready.size(), ready.size(), null, ready.ownerPid(),
            Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public List<String> verify(final Path directory, final SlotView ready)
    {
        SegmentFiles.verify(EntryFiles.path(directory, ready.fileId(), 0), ready.name(), ready.fileId(), ready.size());
        return List.of();
    }
}
