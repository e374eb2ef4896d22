package io.dsmreg.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The MBeans of a running JVM after its registry is removed from under it by {@code dsmreg remove --force}
 * in another process: they say so, and report no entries instead of the removed table's totals. Read
 * by a JMX client with none of dsmreg's classes, in a third process.
 */
class RemovedRegistryIT
{
    private static final String REGISTRY = "removed";

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void theMBeansOfAJvmWhoseRegistryWasRemovedSaySoAndReportNothingOld(final Path jdk) throws Exception
    {
        final Process host = Children.hold(jdk, work, List.of(), root(), REGISTRY, "host", "segment:rm.state:4096", "hash:rm.index:10");
        try
        {
            final Jvm.Result before = Children.runClient(jdk, work, "attach:" + host.pid(), REGISTRY, "registry-scalars");
            assertEquals(0, before.exitCode(), before.output());
            assertEquals("false", before.value("Removed"));
            assertEquals("2", before.value("AllocationCount"));
            assertTrue(Long.parseLong(before.value("TotalBytes")) > 4096, before.output());
            assertEquals("1", before.value("AttachedProcessCount"));

            final Jvm.Result removal = Jvm.runJar(jdk, work, Jvm.agentJar(), "remove", REGISTRY, "--force", "--dir", root().toString());
            assertEquals(0, removal.exitCode(), removal.output());
            assertFalse(Files.exists(root().resolve("dsmreg-" + System.getProperty("user.name")).resolve(REGISTRY)),
                "the CLI removed the registry's directory");

            final Jvm.Result after = Children.runClient(jdk, work, "attach:" + host.pid(), REGISTRY,
                "await-removed", "await-mbean:rm.state:absent", "await-mbean:rm.index:absent", "registry-scalars", "count");
            assertEquals(0, after.exitCode(), after.output());
            assertEquals("true", after.value("Removed"));
            assertEquals("0", after.value("AllocationCount"));
            assertEquals("0", after.value("TotalBytes"));
            assertEquals("0", after.value("UsedBytes"));
            assertEquals("0", after.value("AttachedProcessCount"));
            assertEquals("1", after.value("dsmregMBeans"), "the registry MBean stays, to say what happened");
        }
        finally
        {
            Children.stop(host);
        }
    }
}
