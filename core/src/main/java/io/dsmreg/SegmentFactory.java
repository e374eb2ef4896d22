package io.dsmreg;

import io.dsmreg.registry.SlotView;
import org.agrona.concurrent.AtomicBuffer;

/** A named segment: one file, filled by the caller's initializer before it is published. */
final class SegmentFactory<A> implements EntryFactory<NamedSegment>
{
    private final OpenRegistry registry;
    private final String name;
    private final long size;
    private final SegmentInitializer<? super A> init;
    private final A arg;

    SegmentFactory(
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
    public Class<NamedSegment> handleClass()
    {
        return NamedSegment.class;
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
    public NamedSegment create(final int slot, final long fileId)
    {
        final AtomicBuffer buffer = SegmentFiles.create(registry.directory(), fileId, name, size, init, arg);
        return new NamedSegment(name, size, false, buffer, registry.table(), slot, 0);
    }

    @Override
    public NamedSegment attach(final SlotView ready)
    {
        final AtomicBuffer buffer = SegmentFiles.attach(registry.directory(), ready.fileId(), name, size);
        return new NamedSegment(name, size, true, buffer, registry.table(), ready.index(), ready.generation());
    }

    @Override
    public NamedSegment published(final NamedSegment created, final long generation)
    {
        return new NamedSegment(name, size, false, created.buffer(), registry.table(), created.slot, generation);
    }

    @Override
    public NamedSegment asFound(final NamedSegment handle)
    {
        return handle.asFound();
    }
}
