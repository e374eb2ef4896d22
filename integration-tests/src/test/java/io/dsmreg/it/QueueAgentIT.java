package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A {@code @SharedNamed} queue field filled by the agent: one JVM sends through its field, another receives through its own. */
class QueueAgentIT
{
    private static final String REGISTRY = "it-queue-agent";

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aQueueFieldIsFilledByTheAgentWithItsSizeAsTheCapacity(final Path jdk) throws Exception
    {
        final Path root = work.resolve("root");
        final List<String> agent = List.of("-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",dir=" + root);
        final Jvm.Result sender = Jvm.run(jdk, work, agent, QueueAgentApp.class, "send", "100");
        assertEquals(0, sender.exitCode(), sender.output());
        assertEquals("100", sender.value("sent"));
        final Jvm.Result receiver = Jvm.run(jdk, work, agent, QueueAgentApp.class, "receive", "100");
        assertEquals(0, receiver.exitCode(), receiver.output());
        assertEquals("4096", receiver.value("capacity"), "the annotation's size is the queue's capacity");
        assertEquals(Long.toString(99 * 100 / 2), receiver.value("sum"), "every message once, in order");
        assertEquals("100", receiver.value("received"));
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, RegistryOptions.defaults().root(root)))
        {
            final RegistryEntry entry = registry.entries().get(0);
            assertEquals(QueueAgentApp.QUEUE, entry.name());
            assertEquals(EntryType.QUEUE, entry.type());
            assertEquals(0, entry.usedBytes(), "nothing waiting");
            assertEquals(100, entry.entryCount(), "the listing's entry count of a queue: messages received");
        }
    }
}
