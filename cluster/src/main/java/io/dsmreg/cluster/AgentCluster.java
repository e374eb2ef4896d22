package io.dsmreg.cluster;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.jmx.ClusterEntryInfo;
import com.hazelcast.core.HazelcastInstance;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What core's agent support and the CLI call, by reflection, so that neither links this module or
 * Hazelcast: package-private, it adds nothing to the API. The agent's one Hazelcast instance,
 * started from its {@code cluster=} file, lives as long as the application
 * ({@link ApplicationLifetime}); registries on it are opened as fields ask for them.
 */
final class AgentCluster
{
    private final HazelcastInstance hazelcast;
    private final ConcurrentHashMap<String, ClusterRegistry> registries = new ConcurrentHashMap<>();

    private AgentCluster(final HazelcastInstance hazelcast)
    {
        this.hazelcast = hazelcast;
    }

    /** Reads {@code configFile} and starts its member or client, bounded; one-line DsmRegistryException otherwise. */
    static AgentCluster start(final String configFile)
    {
        final HazelcastInstance hazelcast = ClusterConfigFile.read(configFile).start();
        ApplicationLifetime.watch(hazelcast);
        return new AgentCluster(hazelcast);
    }

    ConcurrentMap<?, ?> map(final String registry, final String entry, final Codec<?> keyCodec, final Codec<?> valueCodec)
    {
        ClusterRegistry opened = registries.get(registry);
        if (opened == null)
        {
            final ClusterRegistry fresh = ClusterRegistry.open(registry, hazelcast);
            final ClusterRegistry raced = registries.putIfAbsent(registry, fresh);
            opened = raced == null ? fresh : raced;
        }
        return opened.map(entry, keyCodec, valueCodec);
    }

    List<ClusterEntryInfo> entries(final String registry)
    {
        final ClusterRegistry opened = registries.get(registry);
        return opened == null ? List.of() : opened.entries();
    }

    /**
     * Every dsmreg map on the cluster that the client configuration {@code configFile} reaches, for
     * {@code dsmreg list --cluster}: a client, which joins nothing, shut down afterwards.
     */
    static List<ClusterEntryInfo> list(final String configFile)
    {
        final ClusterConfigFile file = ClusterConfigFile.read(configFile);
        if (!file.isClient())
        {
            throw new DsmRegistryException("--cluster " + file.path() + " is a member configuration; listing needs a client " +
                "configuration (root hazelcast-client), since a member would join the cluster and take over partitions");
        }
        final HazelcastInstance client = file.start();
        try
        {
            return ClusterRegistry.list(client);
        }
        finally
        {
            client.shutdown();
        }
    }
}
