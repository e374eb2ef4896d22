package io.dsmreg.internal.hash;

import io.dsmreg.AreaOptions;
import io.dsmreg.Codec;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.HashParams;
import io.dsmreg.MapOptions;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.kind.EntryFactory;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.map.MapHandle;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

/** A SharedHash or SharedMap: an area of its own plus the table's header file. */
public final class HashFactory<H extends CachedHandle> implements EntryFactory<H>
{
    /*
     * Segments of a table whose entries are all inline: the smallest there are, so that each
     * bucket table larger than one gets a file of exactly its size, deleted as soon as the
     * table grows and frees it; the reserved size then follows the tables closely instead of
     * keeping the holes that growth leaves in shared segments. Tables with key or value blocks
     * use the area defaults, whose larger segments hold many small blocks.
     */
    private static final long INLINE_SEGMENT_SIZE = AreaOptions.MIN_SEGMENT_SIZE;

    private interface Handle<H>
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

    /** The hash {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#hash}. */
    public static SharedHash hash(final OpenRegistry registry, final String name, final HashParams params)
    {
        if (name != null && registry.cached(name) instanceof HashHandle cached && cached.params().equals(params))
        {
            return cached;
        }
        return registry.getOrCreate(name, EntryNames.encode("hash", name), new HashFactory<>(registry, name, "hash", shapeOf(params),
            new Handle<HashHandle>()
            {
                @Override
                public HashHandle of(final HashTable table, final EntryGeneration generation, final int slot, final long published)
                {
                    return new HashHandle(name, params, table, generation, slot, published);
                }

                @Override
                public HashTable tableOf(final HashHandle hash)
                {
                    return hash.table();
                }

                @Override
                public Class<HashHandle> handleClass()
                {
                    return HashHandle.class;
                }
            }));
    }

    /** The map {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#map}. */
    @SuppressWarnings("unchecked")
    public static <K, V> SharedMap<K, V> map(
        final OpenRegistry registry, final String name, final Codec<K> keyCodec, final Codec<V> valueCodec, final MapOptions options)
    {
        final HashShape shape = MapHandle.shapeOf(keyCodec, valueCodec, options);
        if (name != null && registry.cached(name) instanceof CachedMap cached && cached.map.matches(keyCodec, valueCodec, options))
        {
            return (SharedMap<K, V>)cached.map;
        }
        return (SharedMap<K, V>)registry.getOrCreate(name, EntryNames.encode("map", name), new HashFactory<>(registry, name, "map", shape,
            new Handle<CachedMap>()
            {
                @Override
                public CachedMap of(final HashTable table, final EntryGeneration generation, final int slot, final long published)
                {
                    return new CachedMap(name, slot, published, new MapHandle<>(name, keyCodec, valueCodec, options, table, generation));
                }

                @Override
                public HashTable tableOf(final CachedMap cached)
                {
                    return cached.map.table();
                }

                @Override
                public Class<CachedMap> handleClass()
                {
                    return CachedMap.class;
                }
            })).map;
    }

    /** A map in the handle cache: maps extend AbstractMap, so the cache holds them rather than being them. */
    private static final class CachedMap extends CachedHandle
    {
        private final MapHandle<?, ?> map;

        CachedMap(final String name, final int slot, final long generation, final MapHandle<?, ?> map)
        {
            super(name, slot, generation);
            this.map = map;
        }
    }

    /** The shape a hash of these parameters has: what its header records and attach compares. */
    static HashShape shapeOf(final HashParams params)
    {
        return new HashShape(HashDescriptor.KIND_HASH, params.partitions(), params.keySize(), params.entrySize(),
            params.hasStringKeys() ? HashDescriptor.KEY_STRING : HashDescriptor.KEY_INLINE, HashDescriptor.VALUE_NONE,
            params.keySize(), "", 0, "", 0, params.sizeLimit());
    }

    private HashFactory(final OpenRegistry registry, final String name, final String what, final HashShape shape, final Handle<H> handle)
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
