package io.dsmreg.it;

import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import io.dsmreg.internal.file.Directories;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where registries go when the code names no root, in child JVMs that differ only in their system
 * properties and environment: {@code -Ddsmreg.dir} before {@code DSMREG_DIR} before {@code /dev/shm}
 * before {@code java.io.tmpdir}, for {@code DsmRegistry.open(name)} and for the agent's fields (whose
 * registry comes likewise from {@code -Ddsmreg.registry} before {@code DSMREG_REGISTRY}).
 */
class DefaultsIT
{
    private static final Path DEV_SHM = Path.of("/dev/shm");
    /** Runs the rest of the command line in a private mount namespace whose /dev/shm is an empty read-only tmpfs. */
    private static final List<String> WITHOUT_DEV_SHM = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
        "mount -t tmpfs -o ro,size=64k tmpfs /dev/shm && exec \"$@\"", "sh");

    @TempDir
    Path work;

    private Jvm.Result run(final List<String> wrapper, final Map<String, String> environment, final Path jdk,
        final List<String> jvmOptions, final Class<?> mainClass, final String... args) throws Exception
    {
        final Path output = Files.createTempFile(work, mainClass.getSimpleName(), ".out");
        final List<String> options = new ArrayList<>(List.of(Jvm.AGRONA_FLAG));
        options.addAll(jvmOptions);
        final Process process = Jvm.start(wrapper, environment, jdk, output, options, mainClass, args);
        final Jvm.Result result = Jvm.await(process, output, mainClass.getSimpleName() + " " + List.of(args), 120);
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void openWithoutOptionsTakesTheSystemPropertyBeforeTheEnvironment(final Path jdk) throws Exception
    {
        final Path property = work.resolve("property");
        final Path environment = work.resolve("environment");
        final Jvm.Result both = run(List.of(), Map.of("DSMREG_DIR", environment.toString()), jdk,
            List.of("-Ddsmreg.dir=" + property), RootChild.class, "open", "tiers");
        assertEquals(Directories.userDirectory(property).resolve("tiers").toString(), both.value("directory"));
        assertEquals("false", both.value("found"));
        assertFalse(Files.exists(environment), "nothing under the environment's root");

        final Jvm.Result environmentOnly = run(List.of(), Map.of("DSMREG_DIR", environment.toString()), jdk, List.of(),
            RootChild.class, "open", "tiers");
        assertEquals(Directories.userDirectory(environment).resolve("tiers").toString(), environmentOnly.value("directory"));
        assertEquals("false", environmentOnly.value("found"), "another root, another registry");

        final Jvm.Result again = run(List.of(), Map.of("DSMREG_DIR", " "), jdk, List.of("-Ddsmreg.dir=" + property),
            RootChild.class, "open", "tiers");
        assertEquals("true", again.value("found"), "the property's registry again; a blank DSMREG_DIR is ignored");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void withNeitherTheRootIsDevShmAndWithoutAUsableDevShmTheTemporaryDirectory(final Path jdk) throws Exception
    {
        assumeTrue(Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM), "this machine has no writable /dev/shm");
        final Jvm.Result neither = run(List.of(), Map.of("DSMREG_DIR", ""), jdk, List.of(), RootChild.class, "root");
        assertEquals(DEV_SHM.toString(), neither.value("root"));

        final Process probe = new ProcessBuilder(concat(WITHOUT_DEV_SHM, "true")).redirectErrorStream(true).start();
        final String refusal = new String(probe.getInputStream().readAllBytes());
        assumeTrue(probe.waitFor() == 0, () -> "cannot hide /dev/shm in a private mount namespace (needs root and " +
            "unshare): " + refusal);
        final Path temporary = Files.createDirectory(work.resolve("tmp"));
        final Jvm.Result withoutDevShm = run(WITHOUT_DEV_SHM, Map.of("DSMREG_DIR", ""), jdk,
            List.of("-Djava.io.tmpdir=" + temporary), RootChild.class, "open", "tiers");
        assertEquals(Directories.userDirectory(temporary).resolve("tiers").toString(), withoutDevShm.value("directory"));
        assertEquals("false", withoutDevShm.value("found"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void theAgentTakesRegistryAndRootFromTheEnvironmentAfterTheSystemProperties(final Path jdk) throws Exception
    {
        final Path property = work.resolve("property");
        final Path environment = work.resolve("environment");
        final Map<String, String> variables = Map.of("DSMREG_DIR", environment.toString(), "DSMREG_REGISTRY", "from-environment");
        final List<String> agent = List.of("-javaagent:" + Jvm.agentJar() + "=jmx=off");

        assertEquals("64", run(List.of(), variables, jdk, agent, TierApp.class).value("capacity"));
        assertEquals(List.of(TierApp.FIELD), entries("from-environment", environment));

        final List<String> withProperties = new ArrayList<>(agent);
        withProperties.addAll(List.of("-Ddsmreg.registry=from-property", "-Ddsmreg.dir=" + property));
        assertEquals("64", run(List.of(), variables, jdk, withProperties, TierApp.class).value("capacity"));
        assertEquals(List.of(TierApp.FIELD), entries("from-property", property));
        assertEquals(List.of("from-environment"), RegistryView.registries(RegistryOptions.defaults().root(environment)),
            "nothing new under the environment's root");
    }

    private static List<String> entries(final String registry, final Path root)
    {
        return RegistryView.open(registry, RegistryOptions.defaults().root(root))
            .orElseThrow(() -> new AssertionError("no registry " + registry + " under " + root))
            .entries().stream().map(RegistryEntry::name).toList();
    }

    private static List<String> concat(final List<String> first, final String... more)
    {
        final List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
