package io.dsmreg.jmx;

import javax.management.openmbean.CompositeData;

/**
 * One map of a registry that lives on a Hazelcast cluster rather than in this host's shared memory
 * (docs/cluster.md): a row of {@link RegistryMXBean#getClusterEntries()} and of
 * {@code dsmreg list --cluster}. Clients receive it as {@code CompositeData}.
 */
public final class ClusterEntryInfo
{
    private final String registry;
    private final String name;
    private final String structureName;
    private final String type;
    private final long entryCount;
    private final Long ownedEntryCount;
    private final Long ownedBytes;

    /**
     * A row as the cluster reported it.
     *
     * @param registry        the registry's name.
     * @param name            the entry's name in the registry.
     * @param structureName   the name of the Hazelcast structure behind it.
     * @param type            the Hazelcast structure's type, {@code map} for an {@code IMap}.
     * @param entryCount      the entries on the whole cluster.
     * @param ownedEntryCount the entries whose primary copy this member owns; null when listed by a client.
     * @param ownedBytes      the memory those entries cost on this member; null when listed by a client.
     */
    public ClusterEntryInfo(
        final String registry, final String name, final String structureName, final String type, final long entryCount,
        final Long ownedEntryCount, final Long ownedBytes)
    {
        this.registry = registry;
        this.name = name;
        this.structureName = structureName;
        this.type = type;
        this.entryCount = entryCount;
        this.ownedEntryCount = ownedEntryCount;
        this.ownedBytes = ownedBytes;
    }

    /**
     * A row as a JMX client received it, for {@link javax.management.JMX#newMXBeanProxy}: the MXBean
     * framework calls this to turn the open data back into this type.
     *
     * @param data the composite data of one row of {@link RegistryMXBean#getClusterEntries()}.
     * @return the row.
     */
    public static ClusterEntryInfo from(final CompositeData data)
    {
        return new ClusterEntryInfo((String)data.get("registry"), (String)data.get("name"), (String)data.get("structureName"),
            (String)data.get("type"), (Long)data.get("entryCount"), (Long)data.get("ownedEntryCount"),
            (Long)data.get("ownedBytes"));
    }

    /**
     * The registry the entry belongs to.
     *
     * @return the registry's name.
     */
    public String getRegistry()
    {
        return registry;
    }

    /**
     * The entry's name, as the application asks for it.
     *
     * @return its name in the registry.
     */
    public String getName()
    {
        return name;
    }

    /**
     * Where operators find it in Hazelcast's own tools (Management Center, the CLI).
     *
     * @return {@code dsmreg.<registry>.<name>}.
     */
    public String getStructureName()
    {
        return structureName;
    }

    /**
     * The kind of Hazelcast structure.
     *
     * @return {@code map}: an {@code IMap}.
     */
    public String getType()
    {
        return type;
    }

    /**
     * The entries on the whole cluster.
     *
     * @return the map's size when listed.
     */
    public long getEntryCount()
    {
        return entryCount;
    }

    /**
     * The entries whose primary copy this member owns (Hazelcast's {@code LocalMapStats}).
     *
     * @return the owned entries; null when listed by a Hazelcast client, which owns nothing.
     */
    public Long getOwnedEntryCount()
    {
        return ownedEntryCount;
    }

    /**
     * The memory the owned entries cost on this member (Hazelcast's {@code LocalMapStats}).
     *
     * @return bytes; null when listed by a Hazelcast client, which owns nothing.
     */
    public Long getOwnedBytes()
    {
        return ownedBytes;
    }

    @Override
    public String toString()
    {
        return structureName + " (" + type + ", " + entryCount + " entries)";
    }
}
