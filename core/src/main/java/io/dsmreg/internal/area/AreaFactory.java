package io.dsmreg.internal.area;

import io.dsmreg.AreaOptions;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.SharedArea;
import io.dsmreg.internal.kind.EntryFactory;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

/** A named area: its control file now, its segment files as it grows. */
public final class AreaFactory implements EntryFactory<AreaHandle>
{
    private final OpenRegistry registry;
    private final String name;
    private final AreaOptions options;

    /** The area {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#area(String, AreaOptions)}. */
    public static SharedArea area(final OpenRegistry registry, final String name, final AreaOptions options)
    {
        if (name != null && registry.cached(name) instanceof AreaHandle cached && (options == null || options.equals(cached.options())))
        {
            return cached;
        }
        return registry.getOrCreate(name, EntryNames.encode("area", name), new AreaFactory(registry, name, options));
    }

    private AreaFactory(final OpenRegistry registry, final String name, final AreaOptions options)
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
    public Class<AreaHandle> handleClass()
    {
        return AreaHandle.class;
    }

    @Override
    public AreaHandle create(final int slot, final long fileId)
    {
        final AreaOptions created = options == null ? AreaOptions.defaults() : options;
        final EntryGeneration generation = new EntryGeneration(registry.table(), slot, registry.table().generation(slot));
        final AreaAllocator allocator = AreaAllocator.create(
            registry.directory(), fileId, name, created.initialSegmentSize(), created.maxSegmentSize(),
            created.sizeLimit(), registry.timeoutNanos(), generation);
        return new AreaHandle(name, allocator, generation, slot, 0);
    }

    @Override
    public AreaHandle attach(final SlotView ready)
    {
        final EntryGeneration generation = new EntryGeneration(registry.table(), ready.index(), ready.generation());
        final AreaAllocator allocator =
            AreaAllocator.attach(registry.directory(), ready.fileId(), name, registry.timeoutNanos(), generation);
        final AreaHandle area = new AreaHandle(name, allocator, generation, ready.index(), ready.generation());
        checkCompatible(area);
        return area;
    }

    @Override
    public void checkCompatible(final AreaHandle attached)
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
    public AreaHandle published(final AreaHandle created, final long generation)
    {
        created.generation().published(generation);
        return new AreaHandle(name, created.allocator(), created.generation(), created.slot, generation);
    }
}
