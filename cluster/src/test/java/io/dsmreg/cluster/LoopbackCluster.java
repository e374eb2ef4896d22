package io.dsmreg.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A member for the tests, on 127.0.0.1 only: an explicit member list, no multicast, no phone home.
 * Its port is found by Hazelcast's bind retry: it tries {@value #PORTS} ports from a random base and
 * binds the first free one, and the member list names them all.
 */
final class LoopbackCluster
{
    static final int PORTS = 10;

    private LoopbackCluster()
    {
    }

    static HazelcastInstance member()
    {
        final int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        final Config config = new Config();
        config.setClusterName("dsmreg-test-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.partition.count", "31");
        final NetworkConfig network = config.getNetworkConfig();
        network.setPort(base).setPortAutoIncrement(true).setPortCount(PORTS);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        final JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        final List<String> members = new ArrayList<>();
        for (int i = 0; i < PORTS; i++)
        {
            members.add("127.0.0.1:" + (base + i));
        }
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(members);
        return Hazelcast.newHazelcastInstance(config);
    }
}
