package io.dsmreg.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The MBeans the agent registers, read the way JConsole does (Attach API, a client without any
 * dsmreg class) from a JVM that runs only the agent and an application that makes no dsmreg call.
 */
class AgentJmxIT
{
    private static final String REGISTRY = "agent-jmx";

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private Process host(final Path jdk, final String jmx, final String... args) throws Exception
    {
        return hostWithAgent(jdk, "registry=" + REGISTRY + ",dir=" + root() + ",jmx=" + jmx, args);
    }

    private Process hostWithAgent(final Path jdk, final String agentArguments, final String... args) throws Exception
    {
        final Path output = work.resolve("host.out");
        final Process host = Jvm.start(jdk, output, List.of("-javaagent:" + Jvm.agentJar() + "=" + agentArguments), AgentJmxApp.class, args);
        Children.awaitLine(output, "ready", host);
        return host;
    }

    private static String hostOutput(final Path work) throws Exception
    {
        return Files.readString(work.resolve("host.out"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anApplicationWithTheAgentAloneShowsItsRegistryWithAnotherProcessesEntryAndTheRegistriesOfItsFields(
        final Path jdk) throws Exception
    {
        final Process host = host(jdk, "300", "annotated");
        try
        {
            assertTrue(hostOutput(work).contains("jmxThread=true\n"), hostOutput(work));
            final Jvm.Result created = Children.run(
                jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "create", "segment:jmx.entry:4096");
            assertEquals(0, created.exitCode(), created.output());

            final Jvm.Result agents = Children.runClient(
                jdk, work, "attach:" + host.pid(), REGISTRY, "await-mbean:jmx.entry:present", "table");
            assertEquals(0, agents.exitCode(), agents.output());
            assertEquals("false", agents.value("dsmregVisible"), "dsmreg is not on the client's class path");
            assertEquals("row=jmx.entry|segment|4096|4096|null|" + created.value("pid") + "|true", line(agents, "row=jmx.entry|"));
            assertEquals(Long.toString(host.pid()), agents.value("attachedPids"), "the host attached; the creator has exited");

            final Jvm.Result fields = Children.runClient(
                jdk, work, "attach:" + host.pid(), AgentJmxApp.FIELDS_REGISTRY, "await-mbean:jmx.field:present", "table");
            assertEquals(0, fields.exitCode(), fields.output());
            assertEquals("row=jmx.field|segment|256|256|null|" + host.pid() + "|true", line(fields, "row=jmx.field|"));
            assertEquals("1", fields.value("allocationCount"));
        }
        finally
        {
            Children.stop(host);
        }
        assertFalse(hostOutput(work).contains("dsmreg agent:"), "nothing logged: " + hostOutput(work));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void jmxOffStartsNoThreadAndRegistersNoMBean(final Path jdk) throws Exception
    {
        final Process host = host(jdk, "off", "annotated");
        try
        {
            assertTrue(hostOutput(work).contains("field=256\n"), hostOutput(work));
            assertTrue(hostOutput(work).contains("jmxThread=false\n"), hostOutput(work));
            final Jvm.Result client = Children.runClient(jdk, work, "attach:" + host.pid(), REGISTRY, "count");
            assertEquals(0, client.exitCode(), client.output());
            assertEquals("0", client.value("dsmregMBeans"));
        }
        finally
        {
            Children.stop(host);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void withoutAJmxArgumentTheMBeansComeAfterTheDefaultDelay(final Path jdk) throws Exception
    {
        // The delay is not timed here (timings are never asserted): the agent says which delay it runs with, its
        // thread is running, and the MBeans come.
        final Process host = hostWithAgent(jdk, "registry=" + REGISTRY + ",dir=" + root() + ",log=debug");
        try
        {
            assertTrue(hostOutput(work).contains("dsmreg agent: started with registry=" + REGISTRY + ", dir=" + root() +
                ", jmx=2000 ms"), hostOutput(work));
            assertTrue(hostOutput(work).contains("jmxThread=true\n"), hostOutput(work));
            final Jvm.Result created = Children.run(
                jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "create", "segment:jmx.default:64");
            assertEquals(0, created.exitCode(), created.output());
            final Jvm.Result client = Children.runClient(
                jdk, work, "attach:" + host.pid(), REGISTRY, "await-mbean:jmx.default:present", "table");
            assertEquals(0, client.exitCode(), client.output());
            assertEquals(Long.toString(host.pid()), client.value("attachedPids"), "the agent opened its registry");
        }
        finally
        {
            Children.stop(host);
        }
        assertTrue(hostOutput(work).contains("dsmreg jmx: registered the MBeans of registry \"" + REGISTRY + "\""),
            hostOutput(work));
    }

    /** The first line of the output that starts with {@code prefix}. */
    private static String line(final Jvm.Result result, final String prefix)
    {
        final List<String> lines = new ArrayList<>(List.of(result.output().split("\n")));
        lines.removeIf(line -> !line.startsWith(prefix));
        assertFalse(lines.isEmpty(), "no line " + prefix + " in:\n" + result.output());
        return lines.get(0);
    }
}
