package io.dsmreg.internal.segment;

import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.internal.kind.EntryFactory;
import io.dsmreg.internal.layout.SegmentDescriptor;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;
import org.agrona.concurrent.AtomicBuffer;

/** A named segment: one file, filled by the caller's initializer before it is published. */
public final class SegmentFactory<A> implements EntryFactory<SegmentHandle>
{
    private final OpenRegistry registry;
    private final String name;
    private final long size;
    private final SegmentInitializer<? super A> init;
    private final A arg;

    /**
     * The segment {@code name} of {@code registry}, created and initialized by the first caller on the host:
     * {@link io.dsmreg.DsmRegistry#segment(String, long, SegmentInitializer, Object)}.
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
        return registry.getOrCreate(name, nameBytes, new SegmentFactory<>(registry, name, size, init, arg));
    }

    private SegmentFactory(
        final OpenRegistry registry, final String name, final long size, final SegmentInitializer<? super A> init, final A arg)
    {
        this.registry = registry;
        this.name = name;
        this.size = size;
        this.init = init;
        this.arg = arg;
    }

    @Override
    public EntryType type()
    {
        return EntryType.SEGMENT;
    }

    @Override
    public Class<SegmentHandle> handleClass()
    {
        return SegmentHandle.class;
    }

    @Override
    public long size()
    {
        return size;
    }

    @Override
    public void checkCompatible(final SlotView existing)
    {
        if (existing.size() != size)
        {
            throw new EntryMismatchException(
                "requested segment \"" + name + "\" has size " + size + " but the existing one has " + existing.size() +
                "; ask for " + existing.size() + ", or remove the entry first to create it with the new size");
        }
    }

    @Override
    public SegmentHandle create(final int slot, final long fileId)
    {
        final AtomicBuffer buffer = SegmentFiles.create(registry.directory(), fileId, name, size, init, arg);
        return new SegmentHandle(name, size, false, buffer, registry.table(), slot, 0);
    }

    @Override
    public SegmentHandle attach(final SlotView ready)
    {
        final AtomicBuffer buffer = SegmentFiles.attach(registry.directory(), ready.fileId(), name, size);
        return new SegmentHandle(name, size, true, buffer, registry.table(), ready.index(), ready.generation());
    }

    @Override
    public SegmentHandle published(final SegmentHandle created, final long generation)
    {
        return new SegmentHandle(name, size, false, created.buffer(), registry.table(), created.slot, generation);
    }

    @Override
    public SegmentHandle asFound(final SegmentHandle handle)
    {
        return handle.asFound();
    }
}
