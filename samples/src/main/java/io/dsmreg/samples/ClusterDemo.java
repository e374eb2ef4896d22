package io.dsmreg.samples;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Three JVMs of {@link ClusterCounter}, each with {@code -javaagent:dsmreg.jar=registry=demo,cluster=FILE}
 * and dsmreg-cluster.jar and hazelcast.jar on the class path, form a Hazelcast cluster on 127.0.0.1 and
 * count into one map: {@code ClusterDemo <dsmreg.jar> <samples classes> <dsmreg-cluster.jar> <hazelcast.jar> <work dir>}.
 * <p>
 * The member configuration it writes binds to 127.0.0.1 only, lists its members explicitly (no
 * multicast) and turns phone-home off. Ports: each member binds the first free one of ten from a random
 * base (Hazelcast's port auto-increment), and the member list names all ten.
 */
public final class ClusterDemo
{
    private static final int WORKERS = 3;
    private static final int PORTS = 10;
    private static final int REQUESTS = 2000;

    private ClusterDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final String classPath = String.join(File.pathSeparator, args[1], args[2], args[3]);
        final Path work = Files.createDirectories(Path.of(args[4]).toAbsolutePath());
        final Path config = writeMemberConfig(work.resolve("hazelcast.yaml"));
        System.out.println("== " + WORKERS + " JVMs form a Hazelcast cluster on 127.0.0.1 (" + config + ") and count " +
            REQUESTS + " requests each into one map, IMap dsmreg.demo.requests");
        final List<Process> processes = new ArrayList<>();
        for (int i = 1; i <= WORKERS; i++)
        {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + agent + "=registry=demo,cluster=" + config + ",dir=" + work.resolve("shm") + ",jmx=off",
                "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=none", "-cp", classPath,
                "io.dsmreg.samples.ClusterCounter", "worker-" + i, Integer.toString(REQUESTS),
                Integer.toString(WORKERS * REQUESTS)).redirectErrorStream(true).start());
        }
        for (final Process process : processes)
        {
            if (!process.waitFor(3, TimeUnit.MINUTES))
            {
                process.destroyForcibly();
                throw new IllegalStateException("a cluster JVM did not finish in 3 minutes");
            }
            System.out.print(new String(process.getInputStream().readAllBytes()));
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException("a cluster JVM failed with exit code " + process.exitValue());
            }
        }
        System.out.println("(expected a total of " + WORKERS * REQUESTS + ")");
    }

    private static Path writeMemberConfig(final Path file) throws Exception
    {
        final int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        final StringBuilder yaml = new StringBuilder()
            .append("hazelcast:\n")
            .append("  cluster-name: dsmreg-demo-").append(UUID.randomUUID()).append('\n')
            .append("  properties:\n")
            .append("    hazelcast.phone.home.enabled: false\n")
            .append("    hazelcast.logging.type: none\n")
            .append("    hazelcast.wait.seconds.before.join: 0\n")
            .append("  network:\n")
            .append("    port:\n")
            .append("      port: ").append(base).append('\n')
            .append("      auto-increment: true\n")
            .append("      port-count: ").append(PORTS).append('\n')
            .append("    interfaces:\n")
            .append("      enabled: true\n")
            .append("      interfaces:\n")
            .append("        - 127.0.0.1\n")
            .append("    join:\n")
            .append("      auto-detection:\n")
            .append("        enabled: false\n")
            .append("      multicast:\n")
            .append("        enabled: false\n")
            .append("      tcp-ip:\n")
            .append("        enabled: true\n")
            .append("        member-list:\n");
        for (int i = 0; i < PORTS; i++)
        {
            yaml.append("          - 127.0.0.1:").append(base + i).append('\n');
        }
        Files.writeString(file, yaml);
        return file;
    }
}
