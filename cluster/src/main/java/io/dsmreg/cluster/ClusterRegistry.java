package io.dsmreg.cluster;

import io.dsmreg.Codec;
import io.dsmreg.EntryMismatchException;
import io.dsmreg.InvalidNameException;
import io.dsmreg.jmx.ClusterEntryInfo;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry whose maps live on a Hazelcast cluster: what {@link io.dsmreg.DsmRegistry#map} gives on
 * one host, for an application that has outgrown it. Opened from a {@link HazelcastInstance} the
 * application already has, member or client:
 * <pre>{@code
 * ClusterRegistry orders = ClusterRegistry.open("orders", hazelcast);
 * ConcurrentMap<String, Long> hits = orders.map("hits", Codec.STRING, Codec.LONG);   // IMap dsmreg.orders.hits
 * hits.merge("GET /", 1L, Long::sum);
 * orders.map("hits", Codec.STRING, Codec.LONG).addAndGet("GET /", 1);               // on the key's owner
 * }</pre>
 * <b>Naming:</b> the entry {@code hits} of the registry {@code orders} is the {@code IMap} named
 * {@code dsmreg.orders.hits} ({@link #structureName}); a cluster registry's name therefore has no
 * {@code '.'}, so that the structure name says where the registry ends.
 * <p>
 * Values are stored as the bytes of the same {@link Codec}s a host-local {@link io.dsmreg.SharedMap}
 * uses. Every member needs dsmreg-cluster.jar and dsmreg-core on its class path for
 * {@link ClusterMap#addAndGet}, and the maps must keep Hazelcast's default BINARY in-memory format,
 * in which values are compared by their bytes. Only maps can live on a cluster: segments, areas,
 * hashes, locks and queues are host-local shared memory (docs/cluster.md).
 */
public final class ClusterRegistry
{
    /** The prefix of every Hazelcast structure dsmreg creates. */
    public static final String STRUCTURE_PREFIX = "dsmreg.";
    /** The type of the structures in {@link ClusterEntryInfo#getType()}. */
    static final String MAP_TYPE = "map";
    /** The longest entry name, in UTF-8 bytes: the same as on one host, so that a name can move. */
    static final int MAX_NAME_BYTES = 63;

    private final String name;
    private final HazelcastInstance hazelcast;
    private final ConcurrentHashMap<String, CodecMap<?, ?>> maps = new ConcurrentHashMap<>();

    private ClusterRegistry(final String name, final HazelcastInstance hazelcast)
    {
        this.name = name;
        this.hazelcast = hazelcast;
    }

    /**
     * The registry {@code name} on the cluster that {@code hazelcast} is a member or client of. Opening
     * creates nothing on the cluster; maps appear when first asked for.
     *
     * @param name      the registry's name: 1 to 63 letters, digits, '_' and '-'.
     * @param hazelcast a running member or client; the registry does not shut it down.
     * @return the registry.
     * @throws InvalidNameException if the name is not a cluster registry name.
     */
    public static ClusterRegistry open(final String name, final HazelcastInstance hazelcast)
    {
        final String problem = registryNameProblem(name);
        if (problem != null)
        {
            throw new InvalidNameException(problem);
        }
        if (hazelcast == null)
        {
            throw new IllegalArgumentException("no HazelcastInstance given for the cluster registry \"" + name + "\"");
        }
        return new ClusterRegistry(name, hazelcast);
    }

    /**
     * The Hazelcast structure name of an entry: {@code dsmreg.<registry>.<entry>}.
     *
     * @param registry the registry's name.
     * @param entry    the entry's name.
     * @return the name to find it by in Hazelcast's tools.
     */
    public static String structureName(final String registry, final String entry)
    {
        return STRUCTURE_PREFIX + registry + "." + entry;
    }

    /**
     * The registry's name.
     *
     * @return the name it was opened with.
     */
    public String name()
    {
        return name;
    }

    /**
     * The member or client it was opened on.
     *
     * @return the instance given to {@link #open}.
     */
    public HazelcastInstance hazelcast()
    {
        return hazelcast;
    }

    /**
     * The map {@code entry} of this registry, {@code IMap} {@code dsmreg.<registry>.<entry>}, created
     * on the cluster by its first use. The same instance on every call for the same name.
     *
     * @param entry      its name: 1 to 63 bytes of UTF-8, as on one host.
     * @param keyCodec   how keys are encoded.
     * @param valueCodec how values are encoded.
     * @param <K>        keys.
     * @param <V>        values.
     * @return the map.
     * @throws InvalidNameException      for an empty or too long name.
     * @throws EntryMismatchException    if this registry bound the name with codecs of other ids before, or
     *                                   this member keeps the map in another in-memory format than BINARY.
     */
    @SuppressWarnings("unchecked")
    public <K, V> ClusterMap<K, V> map(final String entry, final Codec<K> keyCodec, final Codec<V> valueCodec)
    {
        checkEntryName(entry);
        final CodecMap<?, ?> known = maps.get(entry);
        if (known != null)
        {
            checkSameCodecs(known, keyCodec, valueCodec);
            return (ClusterMap<K, V>)known;
        }
        final String structure = structureName(name, entry);
        checkBinaryFormat(structure);
        final IMap<byte[], byte[]> imap = hazelcast.getMap(structure);
        final CodecMap<?, ?> raced = maps.putIfAbsent(entry, new CodecMap<>(entry, imap, keyCodec, valueCodec));
        if (raced != null)
        {
            checkSameCodecs(raced, keyCodec, valueCodec);
            return (ClusterMap<K, V>)raced;
        }
        return (ClusterMap<K, V>)maps.get(entry);
    }

    /**
     * The maps bound through this registry object, as the registry MBean lists them.
     *
     * @return one row per map, sorted by name, with this member's share when this instance is a member.
     */
    public List<ClusterEntryInfo> entries()
    {
        final List<ClusterEntryInfo> rows = new ArrayList<>();
        for (final CodecMap<?, ?> map : maps.values())
        {
            rows.add(row(hazelcast, name, map.name(), map.structureName()));
        }
        rows.sort(Comparator.comparing(ClusterEntryInfo::getName));
        return rows;
    }

    /**
     * Every dsmreg map on the cluster, of every registry, whoever bound it: what
     * {@code dsmreg list --cluster} prints.
     *
     * @param hazelcast a member or client of the cluster.
     * @return one row per {@code dsmreg.*} map, sorted by structure name.
     */
    public static List<ClusterEntryInfo> list(final HazelcastInstance hazelcast)
    {
        final List<ClusterEntryInfo> rows = new ArrayList<>();
        for (final DistributedObject object : hazelcast.getDistributedObjects())
        {
            final String structure = object.getName();
            final int registryEnd = structure.indexOf('.', STRUCTURE_PREFIX.length());
            if (object instanceof IMap<?, ?> && structure.startsWith(STRUCTURE_PREFIX) && registryEnd > STRUCTURE_PREFIX.length())
            {
                rows.add(row(hazelcast, structure.substring(STRUCTURE_PREFIX.length(), registryEnd),
                    structure.substring(registryEnd + 1), structure));
            }
        }
        rows.sort(Comparator.comparing(ClusterEntryInfo::getStructureName));
        return rows;
    }

    private static ClusterEntryInfo row(
        final HazelcastInstance hazelcast, final String registry, final String entry, final String structure)
    {
        final IMap<?, ?> map = hazelcast.getMap(structure);
        Long owned = null;
        Long ownedBytes = null;
        if (isMember(hazelcast))
        {
            final LocalMapStats stats = map.getLocalMapStats();
            owned = stats.getOwnedEntryCount();
            ownedBytes = stats.getOwnedEntryMemoryCost();
        }
        return new ClusterEntryInfo(registry, entry, structure, MAP_TYPE, map.size(), owned, ownedBytes);
    }

    static boolean isMember(final HazelcastInstance hazelcast)
    {
        return hazelcast.getLocalEndpoint() instanceof Member;
    }

    /**
     * A member that keeps the map as objects compares {@code byte[]} values by identity, which would
     * make every {@code replace} fail and {@code merge} spin: refuse that here. A client cannot see the
     * members' configuration; its members are checked when they bind the map.
     */
    private void checkBinaryFormat(final String structure)
    {
        if (isMember(hazelcast))
        {
            final InMemoryFormat format = hazelcast.getConfig().findMapConfig(structure).getInMemoryFormat();
            if (format != InMemoryFormat.BINARY)
            {
                throw new EntryMismatchException("the cluster map " + structure + " is configured with in-memory-format " +
                    format + " on this member, but dsmreg compares values by their bytes, which needs BINARY; remove " +
                    "in-memory-format from its map configuration (BINARY is the default)");
            }
        }
    }

    private void checkSameCodecs(final CodecMap<?, ?> known, final Codec<?> keyCodec, final Codec<?> valueCodec)
    {
        if (!known.keyCodec().id().equals(keyCodec.id()) || !known.valueCodec().id().equals(valueCodec.id()))
        {
            throw new EntryMismatchException("requested cluster map \"" + known.name() + "\" of registry \"" + name +
                "\" with codecs " + keyCodec.id() + " -> " + valueCodec.id() + ", but it is bound with " + known.keyCodec().id() +
                " -> " + known.valueCodec().id() + "; ask for it with the same codecs");
        }
    }

    private void checkEntryName(final String entry)
    {
        if (entry == null || entry.isEmpty())
        {
            throw new InvalidNameException("cluster map name cannot be " + (entry == null ? "null" : "empty"));
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(entry))
        {
            throw new InvalidNameException("cluster map name is not valid Unicode: it holds an unpaired surrogate; names are " +
                "stored as UTF-8 (as on one host), which cannot encode it");
        }
        final int bytes = entry.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES)
        {
            throw new InvalidNameException("cluster map name too long: \"" + entry + "\" is " + bytes +
                " bytes in UTF-8, the limit is " + MAX_NAME_BYTES + " (as on one host); choose a shorter name");
        }
    }

    /** A cluster registry's name: a host-local one's characters, less '.', which ends it in structure names. */
    static String registryNameProblem(final String name)
    {
        if (name == null || name.isEmpty())
        {
            return "cluster registry name cannot be " + (name == null ? "null" : "empty");
        }
        if (name.length() > MAX_NAME_BYTES)
        {
            return "cluster registry name too long: \"" + name + "\" has " + name.length() + " characters, the limit is " +
                MAX_NAME_BYTES;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            {
                return "cluster registry name \"" + name + "\" has the character '" + c + "' at index " + i + "; use only " +
                    "letters, digits, '_' and '-' (its maps are named dsmreg.<registry>.<entry>, so a '.' would be ambiguous)";
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return "cluster registry \"" + name + "\" on " + hazelcast.getName();
    }
}
