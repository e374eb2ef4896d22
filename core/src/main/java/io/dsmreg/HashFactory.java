package io.dsmreg;

import io.dsmreg.area.AreaAllocator;
import io.dsmreg.hash.HashShape;
import io.dsmreg.hash.HashTable;
import io.dsmreg.layout.HashDescriptor;
import io.dsmreg.registry.SlotView;

/** A SharedHash or SharedMap: an area of its own plus the table's header file. */
final class HashFactory<H extends CachedHandle> implements EntryFactory<H>
{
    /*
     * Segments of a table whose entries are all inline: the smallest there are, so that each
     * bucket table larger than one gets a file of exactly its size, deleted as soon as the
     * table grows and frees it; the reserved size then follows the tables closely instead of
     * keeping the holes that growth leaves in shared segments. Tables with key or value blocks
     * use the area defaults, whose larger segments hold many small blocks.
     */
    private static final long INLINE_SEGMENT_SIZE = AreaOptions.MIN_SEGMENT_SIZE;

    interface Handle<H>
    {
        H of(HashTable table, EntryGeneration generation, int slot, long publishedGeneration);

        HashTable tableOf(H handle);

        Class<H> handleClass();
    }

    private final OpenRegistry registry;
    private final String name;
    private final String what;
    private final HashShape shape;
    private final Handle<H> handle;
    private EntryGeneration created;
    private HashTable createdTable;

    HashFactory(final OpenRegistry registry, final String name, final String what, final HashShape shape, final Handle<H> handle)
    {
        this.registry = registry;
        this.name = name;
        this.what = what;
        this.shape = shape;
        this.handle = handle;
    }

    @Override
    public EntryType type()
    {
        return EntryType.HASH;
    }

    @Override
    public Class<H> handleClass()
    {
        return handle.handleClass();
    }

    @Override
    public H create(final int slot, final long fileId)
    {
        created = new EntryGeneration(registry.table(), slot, registry.table().generation(slot));
        final boolean inline = !shape.pointerKeys() && !shape.pointerValues();
        final AreaOptions segments = AreaOptions.defaults();
        final AreaAllocator area = AreaAllocator.create(registry.directory(), fileId, name,
            inline ? INLINE_SEGMENT_SIZE : segments.initialSegmentSize(), inline ? INLINE_SEGMENT_SIZE : segments.maxSegmentSize(),
            shape.sizeLimit(), registry.timeoutNanos(), created);
        createdTable = HashTable.create(registry.directory(), fileId, describe(), area, shape, registry.timeoutNanos());
        return handle.of(createdTable, created, slot, 0);
    }

    @Override
    public H attach(final SlotView ready)
    {
        final EntryGeneration generation = new EntryGeneration(registry.table(), ready.index(), ready.generation());
        final AreaAllocator area = AreaAllocator.attach(registry.directory(), ready.fileId(), name, registry.timeoutNanos(), generation);
        final HashTable table = HashTable.attach(registry.directory(), ready.fileId(), describe(), area, registry.timeoutNanos());
        final H attached = handle.of(table, generation, ready.index(), ready.generation());
        checkCompatible(attached);
        return attached;
    }

    @Override
    public void checkCompatible(final H attached)
    {
        final HashShape existing = handle.tableOf(attached).shape();
        if (!existing.equals(shape))
        {
            final String existingWhat = existing.kind() == HashDescriptor.KIND_MAP ? "map" : "hash";
            throw new EntryMismatchException("requested " + what + " \"" + name + "\" with " + shape.describe() +
                " but the existing " + existingWhat + " has " + existing.describe() + "; ask for it as " +
                ("map".equals(existingWhat) ? "a map" : "a hash") + " with those, or remove the entry first to create " +
                "it anew");
        }
    }

    @Override
    public H published(final H unpublished, final long generation)
    {
        created.published(generation);
        return handle.of(createdTable, created, unpublished.slot, generation);
    }

    private String describe()
    {
        return what + " \"" + name + "\"";
    }
}
