package io.dsmreg.internal.hash;

import io.dsmreg.AreaOptions;
import io.dsmreg.Codec;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.HashParams;
import io.dsmreg.MapOptions;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.area.AreaStatistics;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.layout.HashDescriptor;
import io.dsmreg.internal.map.MapHandle;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.time.Instant;

/**
 * Named hash tables and maps (PostgreSQL's {@code GetNamedDSHash}): an area of the table's own plus
 * the table's header file ({@link HashTable}). A map is a hash whose header records its codecs; the
 * shape in the header is checked on attach, so a hash is never given out as a map or with other
 * parameters. Listings count the table's area plus its header file, as PostgreSQL 19 reports
 * reserved memory, bytes in use from the area's counters and entries from the partitions' counts,
 * all read without locks; verification walks the partitions and the area under their locks.
 */
public final class HashKind implements EntryKind<HashKind.Request, CachedHandle>
{
    /** The kind's one instance. */
    public static final HashKind INSTANCE = new HashKind();

    /*
     * Segments of a table whose entries are all inline: the smallest there are, so that each
     * bucket table larger than one gets a file of exactly its size, deleted as soon as the
     * table grows and frees it; the reserved size then follows the tables closely instead of
     * keeping the holes that growth leaves in shared segments. Tables with key or value blocks
     * use the area defaults, whose larger segments hold many small blocks.
     */
    private static final long INLINE_SEGMENT_SIZE = AreaOptions.MIN_SEGMENT_SIZE;

    /** A handle over a table: a {@link HashHandle}, or a map in the handle cache. */
    interface TableHandle
    {
        HashTable table();
    }

    /** What one request asks for: a hash's parameters, or a map's codecs and options. */
    record Request(String name, HashShape shape, HashParams params, Codec<?> keyCodec, Codec<?> valueCodec, MapOptions options)
    {
        /** "hash" or "map", for messages. */
        String what()
        {
            return params != null ? "hash" : "map";
        }

        /** The handle over an attached or created table. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        CachedHandle handle(final HashTable table, final EntryGeneration entry)
        {
            return params != null ?
                new HashHandle(name, params, table, entry) :
                new CachedMap(name, entry, new MapHandle(name, keyCodec, valueCodec, options, table, entry));
        }
    }

    private HashKind()
    {
    }

    /** The hash {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#hash}. */
    public static SharedHash hash(final OpenRegistry registry, final String name, final HashParams params)
    {
        if (name != null && registry.cached(name) instanceof HashHandle cached && cached.params().equals(params))
        {
            return cached;
        }
        return (HashHandle)registry.getOrCreate(name, EntryNames.encode("hash", name), INSTANCE,
            new Request(name, shapeOf(params), params, null, null, null));
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
        return (SharedMap<K, V>)((CachedMap)registry.getOrCreate(name, EntryNames.encode("map", name), INSTANCE,
            new Request(name, shape, null, keyCodec, valueCodec, options))).map;
    }

    /** The shape a hash of these parameters has: what its header records and attach compares. */
    static HashShape shapeOf(final HashParams params)
    {
        return new HashShape(HashDescriptor.KIND_HASH, params.partitions(), params.keySize(), params.entrySize(),
            params.hasStringKeys() ? HashDescriptor.KEY_STRING : HashDescriptor.KEY_INLINE, HashDescriptor.HASH_BYTES,
            HashDescriptor.VALUE_NONE,
            params.keySize(), "", 0, "", 0, params.sizeLimit(), 0);
    }

    @Override
    public EntryType type()
    {
        return EntryType.HASH;
    }

    @Override
    public boolean isHandleOf(final Request request, final CachedHandle cached)
    {
        return request.params() == null ? cached instanceof CachedMap : cached instanceof HashHandle;
    }

    @Override
    public void checkCompatible(final Request request, final CachedHandle attached)
    {
        final HashShape existing = ((TableHandle)attached).table().shape();
        if (!existing.equals(request.shape()))
        {
            final String existingWhat = existing.kind() == HashDescriptor.KIND_MAP ? "map" : "hash";
            throw new EntryMismatchException("requested " + request.what() + " \"" + request.name() + "\" with " +
                request.shape().describe() + " but the existing " + existingWhat + " has " + existing.describe() +
                "; ask for it as " + ("map".equals(existingWhat) ? "a map" : "a hash") + " with those, or remove the " +
                "entry first to create it anew");
        }
    }

    @Override
    public CachedHandle create(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        final HashShape shape = request.shape();
        final boolean inline = !shape.pointerKeys() && !shape.shortKeys() && !shape.pointerValues();
        final AreaOptions segments = AreaOptions.defaults();
        final AreaAllocator area = AreaAllocator.create(registry.directory(), fileId, request.name(),
            inline ? INLINE_SEGMENT_SIZE : segments.initialSegmentSize(), inline ? INLINE_SEGMENT_SIZE : segments.maxSegmentSize(),
            shape.sizeLimit(), registry.timeoutNanos(), entry);
        final HashTable table =
            HashTable.create(registry.directory(), fileId, describe(request), area, shape, registry.timeoutNanos());
        return request.handle(table, entry);
    }

    @Override
    public CachedHandle attach(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        final AreaAllocator area = AreaAllocator.attach(registry.directory(), fileId, request.name(), registry.timeoutNanos(), entry);
        final HashTable table = HashTable.attach(registry.directory(), fileId, describe(request), area, registry.timeoutNanos());
        return request.handle(table, entry);
    }

    @Override
    public RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        final AreaStatistics area = AreaStatistics.read(directory, ready.fileId());
        final HashStatistics hash = HashStatistics.read(directory, ready.fileId());
        final boolean known = area != null && hash != null;
        return new RegistryEntry(ready.name(), EntryType.HASH,
            known ? area.reservedBytes() + hash.headerBytes() : null,
            known ? area.bytesInUse() : null,
            known ? hash.entries() : null,
            ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public List<String> verify(final Path directory, final SlotView ready)
    {
        final AreaAllocator area = AreaAllocator.attachReadOnly(directory, ready.fileId(), ready.name());
        HashTable table = HashTable.attachReadOnly(directory, ready.fileId(), "hash \"" + ready.name() + "\"", area);
        if (table.shape().kind() == HashDescriptor.KIND_MAP)
        {
            // A map's findings say "map", as its handle's do: its header records which it is.
            table = HashTable.attachReadOnly(directory, ready.fileId(), "map \"" + ready.name() + "\"", area);
        }
        final String description = table.description();
        final List<String> described = new ArrayList<>();
        for (final String finding : table.inspect())
        {
            described.add(description + " (" + EntryFiles.path(directory, ready.fileId(), HashDescriptor.HEADER_PART) + "): " +
                finding);
        }
        return described;
    }

    @Override
    public List<String> repair(final OpenRegistry registry, final SlotView ready)
    {
        final AreaAllocator area =
            AreaAllocator.attach(registry.directory(), ready.fileId(), ready.name(), registry.timeoutNanos(), () -> false);
        return HashTable.attach(registry.directory(), ready.fileId(), "hash \"" + ready.name() + "\"", area,
            registry.timeoutNanos()).repair();
    }

    private static String describe(final Request request)
    {
        return request.what() + " \"" + request.name() + "\"";
    }

    /** A map in the handle cache: maps extend AbstractMap, so the cache holds them rather than being them. */
    private static final class CachedMap extends CachedHandle implements TableHandle
    {
        private final MapHandle<?, ?> map;

        CachedMap(final String name, final EntryGeneration entry, final MapHandle<?, ?> map)
        {
            super(name, entry);
            this.map = map;
        }

        @Override
        public HashTable table()
        {
            return map.table();
        }
    }
}
