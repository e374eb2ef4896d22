package io.dsmreg;

import io.dsmreg.area.AreaAllocator;
import io.dsmreg.registry.SlotView;

/** A named area: its control file now, its segment files as it grows. */
final class AreaFactory implements EntryFactory<SharedArea>
{
    private final OpenRegistry registry;
    private final String name;
    private final AreaOptions options;

    AreaFactory(final OpenRegistry registry, final String name, final AreaOptions options)
    {
        this.registry = registry;
        this.name = name;
        this.options = options;
    }

    @Override
    public EntryType type()
    {
        return EntryType.AREA;
    }

    @Override
    public Class<SharedArea> handleClass()
    {
        return SharedArea.class;
    }

    @Override
    public SharedArea create(final int slot, final long fileId)
    {
        final AreaOptions created = options == null ? AreaOptions.defaults() : options;
        final EntryGeneration generation = new EntryGeneration(registry.table(), slot, registry.table().generation(slot));
        final AreaAllocator allocator = AreaAllocator.create(
            registry.directory(), fileId, name, created.initialSegmentSize(), created.maxSegmentSize(),
            created.sizeLimit(), registry.timeoutNanos(), generation);
        return new SharedArea(name, allocator, generation, slot, 0);
    }

    @Override
    public SharedArea attach(final SlotView ready)
    {
        final EntryGeneration generation = new EntryGeneration(registry.table(), ready.index(), ready.generation());
        final AreaAllocator allocator =
            AreaAllocator.attach(registry.directory(), ready.fileId(), name, registry.timeoutNanos(), generation);
        final SharedArea area = new SharedArea(name, allocator, generation, ready.index(), ready.generation());
        checkCompatible(area);
        return area;
    }

    @Override
    public void checkCompatible(final SharedArea attached)
    {
        final AreaOptions existing = attached.options();
        if (options != null && !options.equals(existing))
        {
            throw new EntryMismatchException(
                "requested area \"" + name + "\" with " + options + " but the existing one has " + existing +
                "; ask with its options, or with none (DsmRegistry.area(name)), or remove the entry first to " +
                "create it with the new ones");
        }
    }

    @Override
    public SharedArea published(final SharedArea created, final long generation)
    {
        created.generation().published(generation);
        return new SharedArea(name, created.allocator(), created.generation(), created.slot, generation);
    }
}
