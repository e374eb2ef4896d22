package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dsmreg-core as the module io.dsmreg, used by an application module on the module path of a child
 * JVM: the exported API works, the engine cannot be reached, and the Agrona option a module-path
 * application needs is named in the error when it is missing.
 */
class ModulePathIT
{
    private static final Path SOURCES = Path.of("src/test/modular-app/app");

    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void anApplicationModuleUsesTheApiAndCannotReachTheEngine(final Path jdk) throws Exception
    {
        final String modulePath = compile(jdk) + File.pathSeparator + dsmregAndAgrona();
        final String root = work.resolve("root").toString();

        final Jvm.Result first = Jvm.runJava(jdk, work, "ModularApp", List.of("--module-path", modulePath,
            "--add-exports", "java.base/jdk.internal.misc=org.agrona", "-m", "app/demo.ModularApp", root));
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("io.dsmreg", first.value("module"), first.output());
        assertEquals("refused", first.value("engine"), "a non-exported package must not be reachable: " + first.output());
        assertEquals("1", first.value("hits"), first.output());
        assertEquals("true", first.value("allocated"), first.output());
        assertEquals("1", first.value("counter"), first.output());
        assertEquals("3", first.value("entries"), first.output());

        final Jvm.Result second = Jvm.runJava(jdk, work, "ModularApp", List.of("--module-path", modulePath,
            "--add-exports", "java.base/jdk.internal.misc=org.agrona", "-m", "app/demo.ModularApp", root));
        assertEquals(0, second.exitCode(), second.output());
        assertEquals("2", second.value("hits"), "the second process shares the first one's map: " + second.output());
        assertEquals("2", second.value("counter"), "and its segment, through the injected field: " + second.output());

        final Jvm.Result withoutFlag = Jvm.runJava(jdk, work, "ModularApp", List.of("--module-path", modulePath,
            "-m", "app/demo.ModularApp", root));
        assertEquals(1, withoutFlag.exitCode(), withoutFlag.output());
        assertTrue(withoutFlag.output().contains("--add-exports java.base/jdk.internal.misc=org.agrona"),
            "the error names the option for the module path: " + withoutFlag.output());
    }

    /** The application module, compiled by {@code jdk}'s own javac against the module io.dsmreg. */
    private Path compile(final Path jdk) throws Exception
    {
        final Path classes = work.resolve("app");
        final List<String> command = new ArrayList<>(List.of(jdk.resolve("bin").resolve("javac").toString(),
            "-d", classes.toString(), "--module-path", dsmregAndAgrona(),
            SOURCES.resolve("module-info.java").toString(), SOURCES.resolve("demo").resolve("ModularApp.java").toString()));
        final Path output = work.resolve("javac.out");
        final Process javac = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS), "javac finished");
        assertEquals(0, javac.exitValue(), "javac of the application module:\n" + Files.readString(output));
        return classes;
    }

    /** Where this test loads dsmreg-core and Agrona from: a jar or a classes directory each, both valid module path entries. */
    private static String dsmregAndAgrona() throws Exception
    {
        return location(DsmRegistry.class) + File.pathSeparator + location(UnsafeBuffer.class);
    }

    private static Path location(final Class<?> type) throws Exception
    {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
