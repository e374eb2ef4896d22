package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The built {@code dsmreg.jar} as {@code -javaagent} of real JVMs, on JDK 17 and 25, never with
 * the Agrona flag: the agent must make it unnecessary.
 */
class AgentIT
{
    private static final String REGISTRY = "agent-it";

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    private List<String> agent(final String... more)
    {
        final List<String> options = new ArrayList<>();
        options.add("-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",dir=" + root());
        options.addAll(List.of(more));
        return options;
    }

    private Jvm.Result run(final Path jdk, final List<String> options, final String... args) throws Exception
    {
        final Jvm.Result result = Jvm.run(jdk, work, options, AgentApp.class, args);
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void twoJvmsShareInjectedStaticAndInstanceFields(final Path jdk) throws Exception
    {
        final Path a = work.resolve("a.ready");
        final Path b = work.resolve("b.ready");
        // The agent's registry= wins over the property.
        final List<String> options = agent("-Ddsmreg.registry=not-this-one");
        final Path outA = work.resolve("a.out");
        final Path outB = work.resolve("b.out");
        final Process first = Jvm.start(jdk, outA, options, AgentApp.class, "share", a.toString(), b.toString());
        final Process second = Jvm.start(jdk, outB, options, AgentApp.class, "share", b.toString(), a.toString());
        for (final Process process : List.of(first, second))
        {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child finished");
        }
        for (final Jvm.Result result : List.of(
            new Jvm.Result(first.exitValue(), Files.readString(outA)), new Jvm.Result(second.exitValue(), Files.readString(outB))))
        {
            assertEquals(0, result.exitCode(), result.output());
            assertEquals("null,null,null", result.value("seenByOwnInitializer"), "the class's own initializer runs first");
            assertEquals("true", result.value("sameInstanceHandles"));
            assertEquals("2,1000", result.value("staticBuffer"), "both JVMs added 1; init ran once with its arg");
            assertEquals("2,128", result.value("staticSegment"));
            assertEquals("2,64", result.value("instanceBuffer"));
            assertEquals("2,it.instance.segment", result.value("instanceSegment"));
            assertEquals("3000", result.value("staticArea"), "each read the other's block through the map");
            assertEquals("2", result.value("staticMap"));
            assertEquals("2", result.value("staticHash"));
            assertEquals("Point[x=1, y=10] Point[x=2, y=20]", result.value("staticPoints"), "the value codec class");
            assertEquals("300", result.value("instanceArea"), "each read the other's block through the string-keyed hash");
            assertEquals("[1:1, 2:2]", result.value("instanceMap"));
            assertEquals("a.ready b.ready", result.value("instancePoints"), "the key codec class");
        }
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, RegistryOptions.defaults().root(root())))
        {
            final Set<String> names = registry.entries().stream().map(RegistryEntry::name).collect(Collectors.toSet());
            assertEquals(Set.of("it.static.buffer", "it.static.segment", "it.static.area", "it.static.hash", "it.static.map",
                "it.static.points", "it.instance.buffer", "it.instance.segment", "it.instance.area", "it.instance.hash",
                "it.instance.map", "it.instance.points"), names);
            assertFalse(Files.exists(registry.directory().resolveSibling("not-this-one")));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void applicationWithItsOwnByteBuddyVersionKeepsIt(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, agent(), "bytebuddy");
        assertEquals("made by the application's Byte Buddy", result.value("made"));
        assertTrue(result.value("byteBuddyFrom").contains("byte-buddy-1.14.18"), result.output());
        assertEquals("64", result.value("injected"));
    }

    @Test
    void agentJarHidesItsByteBuddy() throws IOException
    {
        try (ZipFile jar = new ZipFile(Jvm.agentJar().toFile()))
        {
            final List<String> visible = jar.stream().map(entry -> entry.getName())
                .filter(name -> name.contains("net/bytebuddy/")).collect(Collectors.toList());
            assertEquals(List.of(), visible, "Byte Buddy must be relocated");
            assertNotNull(jar.getEntry("io/dsmreg/agent/shaded/bytebuddy/jar/asm/ClassReader.class"));
            assertNull(jar.getEntry("io/dsmreg/agent/shaded/bytebuddy/ByteBuddy.class"), "only Byte Buddy's ASM is needed");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void classesOfAChildClassLoaderAreInjected(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, agent(), "loader", compileChildClasses(jdk).toString(), "false");
        assertEquals("static=128 instance=256 count=0", result.value("first"));
        assertEquals("static=128 instance=256 count=1", result.value("second"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void classLoaderThatCannotSeeDsmregIsLeftAloneAndTheApplicationRuns(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, agent(), "loader", compileChildClasses(jdk).toString(), "true");
        assertEquals("static=null instance=null", result.value("first"));
        assertEquals("true", result.value("running"));
        assertTrue(result.output().contains("cannot see dsmreg"), result.output());
    }

    static Stream<Arguments> misconfigurations()
    {
        final List<Arguments> cases = List.of(
            Arguments.of("UnsupportedType", "text", "its type java.lang.String is not one dsmreg can fill"),
            Arguments.of("PrimitiveType", "word", "its type long is not one dsmreg can fill"),
            Arguments.of("MissingSize", "buffer", "no size given; a segment needs one"),
            Arguments.of("InitWithoutNoArgumentConstructor", "buffer", "has no constructor without parameters"),
            Arguments.of("Mismatch", "buffer", "has size 64 but the existing one has 128"),
            Arguments.of("InstanceMissingSize", "buffer", "no size given; a segment needs one"),
            Arguments.of("HashWithoutSizes", "hash", "no keySize and no entrySize given; a hash needs both"),
            Arguments.of("RawMap", "map", "its type is a raw SharedMap, so dsmreg cannot choose its codecs"),
            Arguments.of("WildcardMap", "map", "its key type ? has no built-in codec"),
            Arguments.of("UnsupportedMapType", "map", "its value type java.math.BigDecimal has no built-in codec"),
            Arguments.of("CodecWithoutNoArgumentConstructor", "map", "has no constructor without parameters"),
            Arguments.of("CodecOfAnotherType", "map", "is a Codec<java.lang.String>, but the map's keys are java.lang.Long"));
        return Jvm.homes().flatMap(jdk -> cases.stream().map(c -> Arguments.of(jdk, c.get()[0], c.get()[1], c.get()[2])));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("misconfigurations")
    void misconfiguredFieldFailsItsClassWithClassFieldAndReason(
        final Path jdk, final String type, final String field, final String reason) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, RegistryOptions.defaults().root(root())))
        {
            registry.segment("bad.mismatch", 128);
        }
        final Jvm.Result result = run(jdk, agent(), "misconfigured", type);
        final String error = result.value("error");
        assertTrue(error.startsWith("io.dsmreg.DsmRegistryException: cannot fill @SharedNamed"), error);
        assertTrue(error.contains(" field " + Misconfigured.class.getName() + "$" + type + "." + field + ": "), error);
        assertTrue(error.contains(reason), error);
        assertEquals("true", result.value("running"));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void withoutAnnotatedClassesTheRewritingIsNeverLoaded(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, List.of("-javaagent:" + Jvm.agentJar() + "=log=debug", "-Xlog:class+load=info"), "plain");
        assertEquals("ok", result.value("plain"));
        assertTrue(result.output().contains("INFO: dsmreg agent: started with"), result.output());
        assertTrue(result.output().contains(" io.dsmreg.agent.SharedNamedTransformer "), result.output());
        assertFalse(result.output().contains(" io.dsmreg.agent.FieldInjector "), result.output());
        assertFalse(result.output().contains("io.dsmreg.agent.shaded."), result.output());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void unknownAgentArgumentIsReportedAndTheApplicationRuns(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, agent(), "plain");
        assertEquals("ok", result.value("plain"));
        assertFalse(result.output().contains("[dsmreg agent]"), "nothing said: " + result.output());
        final Jvm.Result odd = run(jdk, List.of("-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",colour=blue"), "plain");
        assertEquals("ok", odd.value("plain"));
        assertStartupError(odd.output(), "ignoring the argument \"colour=blue\"; the agent takes registry=NAME, dir=PATH, " +
            "cluster=FILE, jmx=DELAY_MS or jmx=off, and log=debug, separated by commas");
    }

    /**
     * An unusable registry name or directory, from each of the settings that can give one: one ERROR
     * line at start-up from the agent naming the setting as the user wrote it, the application runs,
     * the field that the setting reaches fails with the same message, and nothing is created.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableSettings")
    void anUnusableSettingIsOneErrorLineAtStartUpNamingItAndTheFieldIsToldTheSame(
        final String label, final List<String> options, final Map<String, String> environment, final String expected)
        throws Exception
    {
        final Path file = work.resolve("a-file");
        Files.writeString(file, "not a directory");
        final List<String> resolved = options.stream()
            .map(option -> option.replace("FILE", file.toString()).replace("ROOT", root().toString())).toList();
        final Map<String, String> env = new HashMap<>();
        environment.forEach((key, value) -> env.put(key, value.replace("FILE", file.toString())));
        final String message = expected.replace("FILE", file.toString());

        final Jvm.Result result = runWithEnvironment(resolved, env, "misconfigured", "SettingsRegistry");
        assertStartupError(result.output(), message);
        assertEquals("true", result.value("running"), "nothing escaped premain and the application ran");
        final String error = result.value("error");
        assertTrue(error.startsWith("io.dsmreg.DsmRegistryException: cannot fill @SharedNamed(\"settings.check\") field " +
            Misconfigured.SettingsRegistry.class.getName() + ".buffer: " + message), error);
        assertFalse(Files.exists(root()), "no registry was created in another directory");
        assertFalse(result.output().contains("[dsmreg jmx]"), "no MBeans for a registry that cannot be opened: " + result.output());
    }

    static Stream<Arguments> unusableSettings()
    {
        final String nameFix = ". Give it a name of letters, digits, '.', '_' and '-', or leave it out to use \"default\"";
        final String dirFix = " a writable directory on tmpfs, such as /dev/shm, or leave it out to use the default";
        final String agent = "-javaagent:" + Jvm.agentJar() + "=";
        return Stream.of(
            Arguments.of("registry=bad/name", List.of(agent + "registry=bad/name,dir=ROOT"), Map.of(),
                "the agent argument registry=bad/name cannot be used: registry name \"bad/name\" has the character '/' " +
                    "at index 3; use only letters, digits, '.', '_' and '-' (it names a directory)" + nameFix),
            Arguments.of("a bare registry", List.of(agent + "registry,dir=ROOT"), Map.of(),
                "the agent argument registry= cannot be used: registry name cannot be empty" + nameFix),
            Arguments.of("-Ddsmreg.registry=.hidden", List.of(agent + "jmx=0", "-Ddsmreg.registry=.hidden", "-Ddsmreg.dir=ROOT"), Map.of(),
                "-Ddsmreg.registry=.hidden cannot be used: registry name \".hidden\" cannot start with '.'" + nameFix),
            Arguments.of("dir=/proc", List.of(agent + "dir=/proc", "-Ddsmreg.dir=ROOT"), Map.of(),
                "the agent argument dir=/proc cannot be used: /proc is in the kernel's /proc file system, which cannot hold " +
                    "shared memory files. Give dir=" + dirFix),
            Arguments.of("a bare dir", List.of(agent + "dir", "-Ddsmreg.dir=ROOT"), Map.of(),
                "the agent argument dir= cannot be used: it has no value. Give dir=" + dirFix),
            Arguments.of("dir=a file", List.of(agent + "dir=FILE/sub"), Map.of(),
                "the agent argument dir=FILE/sub cannot be used: FILE (on the path to FILE/sub) is not a directory. " +
                    "Give dir=" + dirFix),
            Arguments.of("-Ddsmreg.dir=a file", List.of(agent + "jmx=0", "-Ddsmreg.dir=FILE"), Map.of(),
                "-Ddsmreg.dir=FILE cannot be used: FILE is not a directory. Give -Ddsmreg.dir=" + dirFix),
            Arguments.of("DSMREG_DIR=/proc/self", List.of(agent + "jmx=0"), Map.of("DSMREG_DIR", "/proc/self"),
                "the environment variable DSMREG_DIR=/proc/self cannot be used: /proc/self is in the kernel's /proc file system, " +
                    "which cannot hold shared memory files. Give DSMREG_DIR=" + dirFix));
    }

    /** Runs {@link AgentApp} with {@code options} and the environment variables {@code environment} added. */
    private Jvm.Result runWithEnvironment(final List<String> options, final Map<String, String> environment, final String... args)
        throws Exception
    {
        final Path output = Files.createTempFile(work, "settings", ".out");
        final List<String> command = new ArrayList<>(List.of(Jvm.current().resolve("bin").resolve("java").toString(),
            "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentApp.class.getName()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("DSMREG_DIR");
        builder.environment().remove("DSMREG_REGISTRY");
        builder.environment().putAll(environment);
        final Jvm.Result result = Jvm.await(builder.start(), output, "AgentApp " + List.of(args), 120);
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    /**
     * {@code message} is said once, at ERROR, by the agent naming itself as the source, as the JDK's
     * logging prints it: a line with the time and {@code [dsmreg agent]}, then the level and the message.
     */
    private static void assertStartupError(final String output, final String message)
    {
        final String[] lines = output.split("\n");
        int found = 0;
        for (int i = 1; i < lines.length; i++)
        {
            if (lines[i].startsWith("SEVERE: dsmreg agent: " + message))
            {
                assertTrue(lines[i - 1].endsWith(" [dsmreg agent]"), "the source is the agent, not its logging class: " + output);
                found++;
            }
        }
        assertEquals(1, found, "one ERROR line \"" + message + "\" in:\n" + output);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void classesCompiledForThisJdkWithFramesSeveralReturnsAndDelegationAreFilledAndVerified(final Path jdk) throws Exception
    {
        final Jvm.Result result = run(jdk, agent(), "shapes", compileChildClasses(jdk).toString());
        assertEquals("static=64 segment=128 branch=1 early=32 late=32 newBeforeSuper=32 delegating=32,5,true",
            result.value("shapes"));
    }

    /**
     * The classes of src/test/child-classes (ChildLoaded, Shapes), compiled by {@code jdk}'s own
     * javac for its own release into a directory of their own: on no class path of the child JVM.
     */
    private Path compileChildClasses(final Path jdk) throws Exception
    {
        final Path classes = work.resolve("child-classes");
        final Path sources = Path.of("src/test/child-classes/io/dsmreg/itchild");
        final List<String> command = new ArrayList<>(List.of(jdk.resolve("bin").resolve("javac").toString(),
            "-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        command.add(sources.resolve("ChildLoaded.java").toString());
        command.add(sources.resolve("Shapes.java").toString());
        final Path output = work.resolve("javac.out");
        final Process javac = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS), "javac finished");
        assertEquals(0, javac.exitValue(), "javac of the child classes:\n" + Files.readString(output));
        return classes;
    }
}
