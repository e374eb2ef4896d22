package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applications that carry their own Agrona ({@code dsmreg.test.agrona1}: a 1.x, {@code dsmreg.test.agrona2}: 2.1.0,
 * older than dsmreg's), on JDK 17 and 25. Each child proves that its Agrona came from its own jar. With the agent,
 * two processes in turn share a segment and a map through {@code @SharedNamed} fields, and a queue works with 2.1.0
 * and is refused with the one-line message with 1.x, whose interface lacks what Agrona's ring buffers call. As a library, dsmreg-core runs on the
 * application's Agrona, which is too old: the same kind of message, and no file is created. (The application's own
 * Agrona 2.x needs the Unsafe export flag as a library; the agent exports it by itself.)
 */
class OwnAgronaIT
{
    @TempDir
    Path work;

    static Stream<Arguments> jdksAndAgronas()
    {
        return Jvm.homes().flatMap(jdk -> Stream.of("dsmreg.test.agrona1", "dsmreg.test.agrona2")
            .map(property -> Arguments.of(jdk, Path.of(System.getProperty(property)))));
    }

    @ParameterizedTest(name = "on {0} with {1}")
    @MethodSource("jdksAndAgronas")
    void withTheAgentTheApplicationKeepsItsAgronaAndShares(final Path jdk, final Path agrona) throws Exception
    {
        final Path root = work.resolve("root");
        final List<String> command = List.of("-javaagent:" + Jvm.agentJar() + "=dir=" + root,
            "-cp", location(OwnAgronaApp.class) + File.pathSeparator + agrona, OwnAgronaApp.class.getName(), "agent", root.toString());

        for (int run = 1; run <= 2; run++)
        {
            final Jvm.Result result = Jvm.runJava(jdk, work, "OwnAgronaApp agent", command);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(agrona.toString(), result.value("agrona"), "the application's interfaces are its own: " + result.output());
            assertEquals(agrona.toString(), result.value("unsafeBuffer"), result.output());
            assertEquals("42", result.value("ownBuffer"), result.output());
            assertEquals("io.dsmreg.internal.shaded.agrona.concurrent.UnsafeBuffer", result.value("bufferClass"), result.output());
            assertEquals(String.valueOf(run), result.value("counter"), "run " + run + " shares the segment: " + result.output());
            assertEquals(String.valueOf(run), result.value("hits"), "run " + run + " shares the map: " + result.output());
            final String queue = result.value("queue");
            if (agrona.getFileName().toString().startsWith("agrona-2."))
            {
                assertEquals("own.queue", queue, result.output());
                continue;
            }
            assertTrue(queue.startsWith("refused: dsmreg's queues cannot work beside the application's Agrona ") &&
                queue.contains(agrona.toString()) && queue.contains("dsmreg's own Agrona 2.6.0 (relocated in " + Jvm.agentJar().toRealPath()) &&
                queue.contains("upgrade the application's Agrona to 2.1.0 or later"), result.output());
        }
    }

    @ParameterizedTest(name = "on {0} with {1}")
    @MethodSource("jdksAndAgronas")
    void asALibraryAnOlderAgronaIsRefusedBeforeAnyFile(final Path jdk, final Path agrona) throws Exception
    {
        final Path root = work.resolve("root");
        final String classPath = String.join(File.pathSeparator, location(OwnAgronaApp.class), location(DsmRegistry.class), agrona.toString());

        final Jvm.Result result = Jvm.runJava(jdk, work, "OwnAgronaApp library",
            List.of(Jvm.AGRONA_FLAG, "-cp", classPath, OwnAgronaApp.class.getName(), "library", root.toString()));

        assertEquals(1, result.exitCode(), result.output());
        assertEquals(agrona.toString(), result.value("agrona"), result.output());
        final String version = agrona.getFileName().toString().replace("agrona-", "").replace(".jar", "");
        final String message = "dsmreg-core cannot run on the application's Agrona " + version + " (" + agrona + "): used as a " +
            "library, it runs on the application's Agrona and needs 2.6.0 or a later 2.x; put that Agrona on the class path, " +
            "or start the JVM with -javaagent:dsmreg.jar, whose own relocated Agrona works beside the application's";
        assertEquals(message, result.value("error"), result.output());
        assertTrue(result.output().contains("SEVERE: " + message), "the message is logged once, as one line: " + result.output());
        assertFalse(Files.exists(root), "no file or directory is created: " + result.output());
    }

    private static String location(final Class<?> type) throws Exception
    {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
