package io.dsmreg.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The registry MBeans as JConsole, VisualVM and jmx_exporter see them: read from another JVM that
 * has none of dsmreg's classes, about entries that yet other processes created.
 */
class MBeanIT
{
    private static final String REGISTRY = "visible";

    /** The entries two other processes create, as {@code kind:name:size} for {@link VisibilityChild}. */
    private static final List<String> ENTRIES = List.of(
        "segment:vis.state:4096", "segment:vis.log:65536", "area:vis.blobs:4096", "hash:vis.index:100");

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aClientWithoutDsmregAttachingLikeJConsoleReadsEntriesOfTwoOtherProcesses(final Path jdk) throws Exception
    {
        final Process host = Children.hold(jdk, work, List.of(), root(), REGISTRY, "host");
        readEntriesOfTwoOtherProcesses(jdk, host, "attach:" + host.pid());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aClientWithoutDsmregReadsTheSameOverARemoteJmxPort(final Path jdk) throws Exception
    {
        // A free port is only free until someone binds it: another process may take it before the holder does.
        // Then the holder's JVM refuses to start ("Port already in use") and another port is tried.
        for (int attempt = 1; ; attempt++)
        {
            final int port = freePort();
            final String id = "host-" + attempt;
            final Process host;
            try
            {
                host = Children.hold(jdk, work, List.of(
                    "-Dcom.sun.management.jmxremote.port=" + port,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false"), root(), REGISTRY, id);
            }
            catch (final AssertionError ex)
            {
                if (attempt < 5 && Files.readString(work.resolve(id + ".out")).contains("Port already in use"))
                {
                    continue;
                }
                throw ex;
            }
            readEntriesOfTwoOtherProcesses(jdk, host, "remote:" + port);
            return;
        }
    }

    /** Two processes create entries; a client reads them through {@code target}, served by {@code host}, which it then stops. */
    private void readEntriesOfTwoOtherProcesses(final Path jdk, final Process host, final String target) throws Exception
    {
        try
        {
            final List<String> creatorPids = new ArrayList<>();
            for (int creator = 0; creator < 2; creator++)
            {
                final List<String> args = new ArrayList<>(List.of(root().toString(), REGISTRY, "create"));
                for (int i = creator; i < ENTRIES.size(); i += 2)
                {
                    args.add(ENTRIES.get(i));
                }
                final Jvm.Result created = Children.run(jdk, work, VisibilityChild.class, args.toArray(String[]::new));
                assertEquals(0, created.exitCode(), created.output());
                creatorPids.add(created.value("pid"));
            }
            assertNotEquals(creatorPids.get(0), creatorPids.get(1));

            final Jvm.Result client = Children.runClient(jdk, work, target, REGISTRY, "table");
            assertEquals(0, client.exitCode(), client.output());
            assertEquals("false", client.value("dsmregVisible"), "dsmreg is not on the client's class path");
            assertEquals("false", client.value("agronaVisible"), "Agrona is not on the client's class path");
            assertEquals(Integer.toString(ENTRIES.size()), client.value("allocationCount"), client.output());
            assertEquals(Long.toString(host.pid()), client.value("attachedPids"), "the creators have exited");
            for (int i = 0; i < ENTRIES.size(); i++)
            {
                final String[] spec = ENTRIES.get(i).split(":");
                final String[] row = row(client.output(), spec[1]);
                assertEquals(spec[0], row[1], "type of " + spec[1]);
                assertTrue(Long.parseLong(row[2]) > 0, "size of " + spec[1] + " > 0: " + String.join("|", row));
                assertEquals(creatorPids.get(i % 2), row[5], "creator of " + spec[1]);
                assertEquals("true", row[6], "created at is set");
                if (spec[0].equals("segment"))
                {
                    assertEquals(spec[2], row[2]);
                }
                if (spec[0].equals("hash"))
                {
                    assertEquals(spec[2], row[4], "entries of " + spec[1]);
                }
            }
        }
        finally
        {
            Children.stop(host);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void allocationMBeansAppearAndDisappearWithAnotherProcessesEntryAndANotificationAnnouncesIt(final Path jdk)
        throws Exception
    {
        final Process host = Children.hold(jdk, work, List.of(), root(), REGISTRY, "host");
        final Path clientOutput = work.resolve("client.out");
        final Path removed = work.resolve("removed");
        try
        {
            final Process client = Children.startClient(jdk, work, clientOutput, "attach:" + host.pid(), REGISTRY,
                "listen",
                "await-notification:io.dsmreg.allocation.created:vis.new",
                "await-mbean:vis.new:present",
                "scalars:vis.new",
                "await-file:" + removed,
                "await-mbean:vis.new:absent",
                "await-notification:io.dsmreg.allocation.removed:vis.new");
            Children.awaitLine(clientOutput, "listening", client);

            final Jvm.Result created =
                Children.run(jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "create", "segment:vis.new:1024");
            assertEquals(0, created.exitCode(), created.output());
            Children.awaitLine(clientOutput, "Initialized=", client);
            final Jvm.Result removal = Children.run(jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "remove", "vis.new");
            assertEquals(0, removal.exitCode(), removal.output());
            assertEquals("true", removal.value("removed"), removal.output());
            Files.createFile(removed);

            final Jvm.Result result = Jvm.await(client, clientOutput, "client", 120);
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.value("notification").startsWith("io.dsmreg.allocation.created vis.new"), result.output());
            assertEquals("segment", result.value("Type"));
            assertEquals("1024", result.value("SizeBytes"));
            assertEquals("1024", result.value("UsedBytes"));
            assertEquals("null", result.value("Entries"));
            assertEquals(created.value("pid"), result.value("CreatorPid"));
            assertTrue(result.output().contains("mbean=vis.new present\n"), result.output());
            assertTrue(result.output().contains("mbean=vis.new absent\n"), result.output());
            assertTrue(result.output().contains("notification=io.dsmreg.allocation.removed vis.new"), result.output());
        }
        finally
        {
            Children.stop(host);
        }
    }

    /** The client's {@code row=} line for {@code name}, split into its fields. */
    private static String[] row(final String output, final String name)
    {
        for (final String line : output.split("\n"))
        {
            if (line.startsWith("row=" + name + "|"))
            {
                return line.substring("row=".length()).split("\\|");
            }
        }
        throw new AssertionError("no row for " + name + " in:\n" + output);
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
