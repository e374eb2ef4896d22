package io.dsmreg.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's {@code cluster=}: JVMs running {@link ClusterApp} with dsmreg.jar as agent and
 * dsmreg-cluster and Hazelcast on their class path form a Hazelcast cluster on 127.0.0.1 (an explicit
 * member list, no multicast, no phone home) and share its {@code ConcurrentMap<String, Long>} field.
 * Ports are found by Hazelcast's bind retry: each member binds the first free one of {@value #PORTS}
 * from a random base, and the member list names them all.
 */
class ClusterIT
{
    private static final int PORTS = 10;
    private static final String REGISTRY = "orders";

    @TempDir
    Path work;

    private final int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
    private final String clusterName = "dsmreg-it-" + UUID.randomUUID();

    @Test
    void threeMembersAndAClientCountExactlyThroughTheSameField() throws Exception
    {
        final Path members = memberConfig();
        final Path client = clientConfig(List.of(), 60_000);
        final long each = 300;
        final long expected = 4 * each;
        final List<Process> processes = new ArrayList<>();
        final List<String> names = List.of("m1", "m2", "m3", "client");
        try
        {
            for (final String name : names)
            {
                processes.add(start(name, name.equals("client") ? client : members, "count", "-", Long.toString(each),
                    Long.toString(expected)));
            }
            for (int i = 0; i < names.size(); i++)
            {
                final String output = awaitLine(processes.get(i), names.get(i), "holding");
                assertTrue(output.contains("kind=ClusterMap\n"), output);
                assertEquals(expected, lastValue(output, "total"), names.get(i) + " sees every increment:\n" + output);
                for (int key = 0; key < 4; key++)
                {
                    assertEquals(each, lastValue(output, "c" + key), names.get(i) + ":\n" + output);
                }
                final String mbean = output.lines().filter(line -> line.startsWith("mbean=")).findFirst().orElseThrow();
                // A member owns a share of the 4 entries; a client owns none and has no local statistics.
                assertTrue(names.get(i).equals("client") ? mbean.equals("mbean=hits,4,null,null") :
                    mbean.matches("mbean=hits,4,[0-4],\\d+"), mbean);
            }
            final List<String> cli = new ArrayList<>(List.of(Jvm.AGRONA_FLAG, "-cp",
                Jvm.agentJar() + java.io.File.pathSeparator + System.getProperty("java.class.path"), "io.dsmreg.cli.Main",
                "list", REGISTRY, "--cluster", client.toString()));
            final Jvm.Result listed = Jvm.runJava(Jvm.current(), work, "dsmreg list --cluster", cli);
            assertEquals(0, listed.exitCode(), listed.output());
            assertTrue(listed.output().matches("(?s).*\\borders\\s+\\|\\s+hits\\s+\\|\\s+dsmreg\\.orders\\.hits\\s+\\|\\s+map\\s+\\|\\s+4\\n.*"),
                listed.output());
        }
        finally
        {
            stopAll(processes, names);
        }
    }

    /**
     * A member killed with SIGKILL while all three are adding: every merge that any member saw
     * acknowledged is in the map afterwards (backup count 1), and the survivors go on.
     */
    @Test
    void aMemberKilledMidRunLosesNoAcknowledgedUpdate() throws Exception
    {
        final Path members = memberConfig();
        final Path stop = work.resolve("stop");
        final List<String> names = List.of("s1", "s2", "victim");
        final List<Process> processes = new ArrayList<>();
        try
        {
            for (final String name : names)
            {
                processes.add(start(name, members, "count", stop.toString(), Long.toString(Long.MAX_VALUE), "0"));
            }
            for (int i = 0; i < names.size(); i++)
            {
                awaitAcked(processes.get(i), names.get(i), 100);
            }
            final Process victim = processes.get(2);
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, victim.exitValue(), "killed by SIGKILL");
            final String victimOutput = output("victim");
            final long victimAcked = lastValue(victimOutput, "acked");
            assertTrue(victimAcked >= 100 && !victimOutput.contains("done="), "killed mid-run:\n" + victimOutput);
            final long[] atKill = {lastValue(output("s1"), "acked"), lastValue(output("s2"), "acked")};
            for (int i = 0; i < 2; i++)
            {
                assertFalse(output(names.get(i)).contains("done="), "survivors were mid-run at the kill");
                awaitAcked(processes.get(i), names.get(i), atKill[i] + 100);
            }
            Files.createFile(stop);
            long survivorsDone = 0;
            for (int i = 0; i < 2; i++)
            {
                survivorsDone += lastValue(awaitLine(processes.get(i), names.get(i), "done="), "done");
            }
            final Jvm.Result report = Jvm.run(Jvm.current(), work, agent(clientConfig(List.of(), 30_000)), ClusterApp.class,
                "report");
            assertEquals(0, report.exitCode(), report.output());
            final long total = lastValue(report.output(), "total");
            // Lower bound: no acknowledged merge lost. Upper: at most the victim's merge in flight and
            // the one it acknowledged before printing, plus one retried merge per survivor whose
            // acknowledgement the dead primary swallowed.
            assertTrue(total >= survivorsDone + victimAcked, "lost acknowledged updates: total " + total + " < " +
                survivorsDone + " + " + victimAcked);
            assertTrue(total <= survivorsDone + victimAcked + 4, "total " + total + " vs " + survivorsDone + " + " + victimAcked);
        }
        finally
        {
            stopAll(processes, names);
        }
    }

    /** Without cluster= the same class gets a host-local SharedMap, and not one Hazelcast class is loaded. */
    @Test
    void withoutClusterTheSameClassGetsASharedMapAndNoHazelcast() throws Exception
    {
        final List<String> options = new ArrayList<>(List.of(
            "-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",dir=" + work.resolve("root") + ",jmx=off",
            "-verbose:class"));
        final Jvm.Result result = Jvm.run(Jvm.current(), work, options, ClusterApp.class, "kind");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("kind=SharedMap\n"), result.output());
        assertTrue(result.output().contains("io.dsmreg.internal.inject.FieldResolver"), "-verbose:class lists loaded classes");
        assertFalse(result.output().contains("com.hazelcast."), "a Hazelcast class was loaded without cluster=");
        assertFalse(result.output().contains("io.dsmreg.internal.inject.ClusterScope"), "cluster support loaded without cluster=");
    }

    /** A missing file, an invalid one, and a cluster that does not answer: one ERROR line each, and the field fails with it. */
    @Test
    void misconfigurationIsOneErrorAndTheFieldFailsWithIt() throws Exception
    {
        final Path invalid = work.resolve("invalid.yaml");
        Files.writeString(invalid, "hazelcast:\n  network:\n    port:\n      port: not-a-number\n");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            // Accepts connections (the kernel's backlog) and never answers: a cluster that cannot be reached.
            final Path unreachable = clientConfig(List.of("127.0.0.1:" + silent.getLocalPort()), 3000);
            final List<Path> files = List.of(work.resolve("missing.yaml"), invalid, unreachable);
            final List<String> expected = List.of("does not exist", "is not a valid Hazelcast member configuration",
                "cannot reach the Hazelcast cluster");
            final List<Process> processes = new ArrayList<>();
            final List<String> names = List.of("missing", "invalid", "unreachable");
            for (int i = 0; i < files.size(); i++)
            {
                processes.add(start(names.get(i), files.get(i), "kind"));
            }
            for (int i = 0; i < files.size(); i++)
            {
                final Jvm.Result result = Jvm.await(processes.get(i), work.resolve(names.get(i) + ".out"), names.get(i), 90);
                assertEquals(3, result.exitCode(), result.output());
                assertTrue(result.output().startsWith("started\n") || result.output().contains("\nstarted\n"),
                    "main ran: nothing escaped premain\n" + result.output());
                final List<String> errors = result.output().lines().filter(line -> line.startsWith("SEVERE:")).toList();
                assertEquals(1, errors.size(), "one ERROR line:\n" + result.output());
                final String failure = result.value("failed");
                final String reason = failure.substring(failure.indexOf(": cluster=") + 2);
                assertTrue(reason.contains(expected.get(i)), result.output());
                assertTrue(errors.get(0).contains(reason), "the field fails with the logged reason:\n" + result.output());
            }
        }
    }

    private Process start(final String name, final Path clusterFile, final String... args) throws IOException
    {
        return Jvm.start(Jvm.current(), work.resolve(name + ".out"), agent(clusterFile), ClusterApp.class, args);
    }

    private List<String> agent(final Path clusterFile)
    {
        return List.of("-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",dir=" + work.resolve("root") + ",cluster=" +
            clusterFile + ",jmx=0", "-Xmx160m", "-Dhazelcast.logging.type=none", "-Dhazelcast.phone.home.enabled=false");
    }

    private Path memberConfig() throws IOException
    {
        final StringBuilder yaml = new StringBuilder()
            .append("hazelcast:\n")
            .append("  cluster-name: ").append(clusterName).append('\n')
            .append("  properties:\n")
            .append("    hazelcast.phone.home.enabled: false\n")
            .append("    hazelcast.logging.type: none\n")
            .append("    hazelcast.wait.seconds.before.join: 0\n")
            .append("    hazelcast.partition.count: 31\n")
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
            .append("        connection-timeout-seconds: 1\n")
            .append("        member-list:\n");
        for (final String address : memberAddresses())
        {
            yaml.append("          - ").append(address).append('\n');
        }
        yaml.append("  map:\n")
            .append("    dsmreg.*:\n")
            .append("      backup-count: 1\n");
        final Path file = work.resolve("member.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** A client of this test's cluster, or of {@code addresses} if given. */
    private Path clientConfig(final List<String> addresses, final long connectTimeoutMillis) throws IOException
    {
        final StringBuilder yaml = new StringBuilder()
            .append("hazelcast-client:\n")
            .append("  cluster-name: ").append(clusterName).append('\n')
            .append("  properties:\n")
            .append("    hazelcast.logging.type: none\n")
            .append("  network:\n")
            .append("    connection-timeout: 2000\n")
            .append("    cluster-members:\n");
        for (final String address : addresses.isEmpty() ? memberAddresses() : addresses)
        {
            yaml.append("      - ").append(address).append('\n');
        }
        yaml.append("  connection-strategy:\n")
            .append("    connection-retry:\n")
            .append("      cluster-connect-timeout-millis: ").append(connectTimeoutMillis).append('\n');
        final Path file = Files.createTempFile(work, "client", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private List<String> memberAddresses()
    {
        final List<String> addresses = new ArrayList<>();
        for (int i = 0; i < PORTS; i++)
        {
            addresses.add("127.0.0.1:" + (base + i));
        }
        return addresses;
    }

    private String output(final String name) throws IOException
    {
        return Files.readString(work.resolve(name + ".out"));
    }

    /** Waits, bounded, until {@code name}'s output has a line starting with {@code prefix}; fails if it exits first. */
    private String awaitLine(final Process process, final String name, final String prefix) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true)
        {
            final String output = output(name);
            if (output.startsWith(prefix) || output.contains("\n" + prefix))
            {
                return output;
            }
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError(name + (process.isAlive() ? " never printed " : " exited before printing ") + prefix +
                    ":\n" + output);
            }
            Thread.sleep(20);
        }
    }

    private void awaitAcked(final Process process, final String name, final long atLeast) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true)
        {
            final String output = output(name);
            if (output.contains("acked=") && lastValue(output, "acked") >= atLeast)
            {
                return;
            }
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError(name + " did not reach acked=" + atLeast + ":\n" + output);
            }
            Thread.sleep(20);
        }
    }

    /** The value of the last complete {@code key=N} line. */
    private static long lastValue(final String output, final String key)
    {
        // A line without its newline may be cut mid-number by a kill, or still being written.
        final String whole = output.substring(0, output.lastIndexOf('\n') + 1);
        final List<String> lines = whole.lines().filter(line -> line.startsWith(key + "=")).toList();
        if (lines.isEmpty())
        {
            throw new AssertionError("no line " + key + "= in:\n" + output);
        }
        return Long.parseLong(lines.get(lines.size() - 1).substring(key.length() + 1));
    }

    /** Closes every child's standard input (holders then return from main) and checks each exited cleanly. */
    private void stopAll(final List<Process> processes, final List<String> names) throws Exception
    {
        final List<String> failures = new ArrayList<>();
        for (int i = processes.size() - 1; i >= 0; i--)
        {
            processes.get(i).getOutputStream().close();
        }
        for (int i = 0; i < processes.size(); i++)
        {
            final Process process = processes.get(i);
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                failures.add(names.get(i) + " did not exit after its input closed:\n" + output(names.get(i)));
            }
            else if (process.exitValue() != 0 && !names.get(i).equals("victim"))
            {
                failures.add(names.get(i) + " exited with " + process.exitValue() + ":\n" + output(names.get(i)));
            }
            process.destroyForcibly().waitFor();
        }
        assertEquals(List.of(), failures);
    }
}
