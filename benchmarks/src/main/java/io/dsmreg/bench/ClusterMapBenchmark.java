package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;
import io.dsmreg.cluster.ClusterMap;
import io.dsmreg.cluster.ClusterRegistry;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What dsmreg's cluster binding costs over the plain Hazelcast {@code IMap} it wraps, and what leaving
 * the host costs over shared memory: get, put (of a present key) and addAndGet on 1,024 String keys
 * to Long values, through a {@link ClusterMap} (codec bytes in an {@code IMap<byte[], byte[]>}), a
 * plain {@code IMap<String, Long>} (Hazelcast's own serialization; addAndGet as the same kind of
 * Java-serialized entry processor), and a host-local {@link SharedMap} (addAndGet: {@code merge}, as
 * SharedMap's primitive addAndGet needs Long keys). One embedded member on 127.0.0.1, so the IMap's
 * calls go through Hazelcast's operation threads but not the network. Run with -t 1 and -t 2.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=none", "-Xms1g", "-Xmx1g"})
public class ClusterMapBenchmark
{
    static final int KEYS = 1024;

    @State(Scope.Benchmark)
    public static class Maps
    {
        final String[] keys = new String[KEYS];
        HazelcastInstance member;
        ClusterMap<String, Long> dsmreg;
        IMap<String, Long> imap;
        Path directory;
        DsmRegistry registry;
        SharedMap<String, Long> shared;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            member = Hazelcast.newHazelcastInstance(loopbackMember());
            dsmreg = ClusterRegistry.open("bench", member).map("hits", Codec.STRING, Codec.LONG);
            imap = member.getMap("plain.hits");
            directory = Files.createTempDirectory("dsmreg-cluster-bench");
            registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(directory));
            shared = registry.map("hits", Codec.STRING, Codec.LONG);
            for (int i = 0; i < KEYS; i++)
            {
                keys[i] = "route-" + i;
                dsmreg.put(keys[i], (long)i);
                imap.put(keys[i], (long)i);
                shared.put(keys[i], (long)i);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            member.shutdown();
            registry.close();
            HashData.delete(directory);
        }

        String key()
        {
            return keys[ThreadLocalRandom.current().nextInt(KEYS)];
        }
    }

    /** One member on 127.0.0.1: bind retry over ten ports from a random base, explicit member list, no multicast. */
    static Config loopbackMember()
    {
        final int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        final Config config = new Config();
        config.setClusterName("dsmreg-bench-" + base);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        final NetworkConfig network = config.getNetworkConfig();
        network.setPort(base).setPortAutoIncrement(true).setPortCount(10);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        final JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        final List<String> members = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            members.add("127.0.0.1:" + (base + i));
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        return config;
    }

    /** The plain IMap's addAndGet: what ClusterMap's entry processor does, on Hazelcast's own Long. */
    static final class PlainAdd implements EntryProcessor<String, Long, Long>
    {
        private static final long serialVersionUID = 1L;

        private final long delta;

        PlainAdd(final long delta)
        {
            this.delta = delta;
        }

        @Override
        public Long process(final Map.Entry<String, Long> entry)
        {
            final long sum = (entry.getValue() == null ? 0 : entry.getValue()) + delta;
            entry.setValue(sum);
            return sum;
        }
    }

    @Benchmark
    public Long getDsmreg(final Maps maps)
    {
        return maps.dsmreg.get(maps.key());
    }

    @Benchmark
    public Long getImap(final Maps maps)
    {
        return maps.imap.get(maps.key());
    }

    @Benchmark
    public Long getShared(final Maps maps)
    {
        return maps.shared.get(maps.key());
    }

    @Benchmark
    public Long putDsmreg(final Maps maps)
    {
        return maps.dsmreg.put(maps.key(), 7L);
    }

    @Benchmark
    public Long putImap(final Maps maps)
    {
        return maps.imap.put(maps.key(), 7L);
    }

    @Benchmark
    public Long putShared(final Maps maps)
    {
        return maps.shared.put(maps.key(), 7L);
    }

    @Benchmark
    public long addAndGetDsmreg(final Maps maps)
    {
        return maps.dsmreg.addAndGet(maps.key(), 1);
    }

    @Benchmark
    public Long addAndGetImap(final Maps maps)
    {
        return maps.imap.executeOnKey(maps.key(), new PlainAdd(1));
    }

    @Benchmark
    public Long addAndGetShared(final Maps maps)
    {
        return maps.shared.merge(maps.key(), 1L, Long::sum);
    }
}
