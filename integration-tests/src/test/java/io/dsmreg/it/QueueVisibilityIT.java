package io.dsmreg.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A queue's state (capacity, bytes waiting, positions, consumer pid, messages sent and received) as the
 * {@code dsmreg} command line and a JMX client see it, each in a process of its own, while another process
 * holds the queue's consumer.
 */
class QueueVisibilityIT
{
    private static final String REGISTRY = "queues";

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void listAndTheAllocationMBeanShowAQueuesStateWhileAnotherProcessConsumes(final Path jdk) throws Exception
    {
        final Path root = work.resolve("root");
        // The holder sends 10 messages of 8 bytes (records of 16) and receives 4, and keeps its consumer open.
        final Process holder = Children.hold(jdk, work, List.of(), root, REGISTRY, "holder", "queue:q.events:4096");
        try
        {
            final String state = "capacity 4096, 96 bytes waiting (producer at 160, consumer at 64), consumer pid " + holder.pid() +
                ", 10 sent, 4 received, 0 unblocked";

            final Jvm.Result narrow = cli(jdk, root, "list", REGISTRY);
            assertEquals(0, narrow.exitCode(), narrow.output());
            // 80 columns: the queue's state is the first column left out, its figures stay.
            final String narrowHeader = narrow.output().split("\n")[0];
            assertTrue(narrowHeader.matches("^ +name +\\| +type +\\| +size +\\| .*") && !narrowHeader.contains("queue") &&
                narrowHeader.length() <= 80, narrow.output());
            assertTrue(narrow.output().contains("--wide shows queue"), narrow.output());

            final Jvm.Result table = cli(jdk, root, "list", REGISTRY, "--wide", "--bytes");
            assertEquals(0, table.exitCode(), table.output());
            final String[] lines = table.output().split("\n");
            assertTrue(lines[0].matches("^ +name +\\| +type +\\| size +\\| used +\\| entries \\| creator pid \\| +created at +\\| +queue$"),
                "a queue column:\n" + table.output());
            // Size: the file's bytes; used: the bytes waiting; entries: the messages received.
            assertTrue(lines[2].matches("^ q\\.events \\| queue \\| +\\d+ \\| +96 \\| +4 \\| +" + holder.pid() + " \\| .*") &&
                lines[2].endsWith(" | " + state), table.output());

            final Jvm.Result json = cli(jdk, root, "list", REGISTRY, "--json");
            assertEquals(0, json.exitCode(), json.output());
            assertTrue(json.output().contains("\"queue\": {\"capacity\": 4096, \"producers\": \"many\", \"bytesWaiting\": 96, " +
                "\"producerPosition\": 160, \"consumerPosition\": 64, \"consumerPid\": " + holder.pid() + ", \"producerPid\": 0, " +
                "\"messagesSent\": 10, \"messagesReceived\": 4, \"unblocks\": 0}"), json.output());

            final Jvm.Result client = Children.runClient(jdk, work, "attach:" + holder.pid(), REGISTRY, "attribute:q.events:Queue",
                "attribute:q.events:UsedBytes");
            assertEquals(0, client.exitCode(), client.output());
            assertEquals(state, client.value("Queue"), client.output());
            assertEquals("96", client.value("UsedBytes"), client.output());

            final Jvm.Result verify = cli(jdk, root, "verify", REGISTRY);
            assertEquals(0, verify.exitCode(), verify.output());
        }
        finally
        {
            Children.stop(holder);
        }
    }

    private Jvm.Result cli(final Path jdk, final Path root, final String... args) throws Exception
    {
        final List<String> withDir = new ArrayList<>(List.of(args));
        withDir.add("--dir");
        withDir.add(root.toString());
        return Jvm.runJar(jdk, work, Jvm.agentJar(), withDir.toArray(String[]::new));
    }
}
