package io.dsmreg.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts real JVM processes for the tests: the JDK running the tests, and a second JDK (Temurin 25
 * on these machines, from the system property {@code dsmreg.test.jdk25}) when it is installed.
 */
final class Jvm
{
    static final String AGRONA_FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private Jvm()
    {
    }

    /**
     * The JDK homes the multi-process tests run on: this one, and the second JDK (JDK 25, from the system
     * property {@code dsmreg.test.jdk25}) unless that is this one. When the second JDK is not installed, it
     * is still listed, so that each invocation on it is reported as skipped with the reason
     * ({@link SecondJdk}) instead of silently left out.
     */
    static Stream<Path> homes()
    {
        final Path current = current();
        final Path second = second();
        return isInstalled(second) && second.normalize().equals(current.normalize()) ? Stream.of(current) : Stream.of(current, second);
    }

    /** The homes of {@link #homes} that are installed: the JDKs to spread the children of one test over. */
    static List<Path> installed()
    {
        return homes().filter(Jvm::isInstalled).toList();
    }

    /** The second JDK's home, or, if the property is not set, a path that names the property to set. */
    static Path second()
    {
        final String configured = System.getProperty("dsmreg.test.jdk25", "");
        return Path.of(configured.isBlank() ? "(dsmreg.test.jdk25 not set)" : configured);
    }

    static boolean isInstalled(final Path home)
    {
        return Files.isExecutable(home.resolve("bin").resolve("java"));
    }

    /** Why the tests on {@code home} cannot run. */
    static String notInstalled(final Path home)
    {
        return "the second JDK is not installed: no " + home.resolve("bin").resolve("java") + "; install Temurin 25 " +
            "there or pass its home with -Ddsmreg.test.jdk25=/path/to/jdk to run the multi-process tests on it too";
    }

    static Path current()
    {
        return Path.of(System.getProperty("java.home"));
    }

    /** A child JVM running {@link Child} with the test class path; output goes to {@code output}. */
    static Process start(final Path javaHome, final Path output, final List<String> jvmOptions, final String... args)
        throws IOException
    {
        return start(javaHome, output, jvmOptions, Child.class, args);
    }

    /** A child JVM running {@code mainClass} with the test class path; output goes to {@code output}. */
    static Process start(
        final Path javaHome, final Path output, final List<String> jvmOptions, final Class<?> mainClass, final String... args)
        throws IOException
    {
        return start(List.of(), Map.of(), javaHome, output, jvmOptions, mainClass, args);
    }

    /**
     * A child JVM running {@code mainClass} with the test class path, started through {@code wrapper} (a command
     * that runs the rest of the command line, or none) with {@code environment} added to this process's.
     */
    static Process start(
        final List<String> wrapper, final Map<String, String> environment, final Path javaHome, final Path output,
        final List<String> jvmOptions, final Class<?> mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(wrapper);
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("-Xmx64m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    static Process start(final Path javaHome, final Path output, final String... args) throws IOException
    {
        return start(javaHome, output, List.of(AGRONA_FLAG), args);
    }

    /** Runs a {@link Child} to completion (bounded) and returns its output. */
    static Result run(final Path javaHome, final Path workDirectory, final List<String> jvmOptions, final String... args)
        throws IOException, InterruptedException
    {
        return run(javaHome, workDirectory, jvmOptions, Child.class, args);
    }

    static Result run(final Path javaHome, final Path workDirectory, final String... args)
        throws IOException, InterruptedException
    {
        return run(javaHome, workDirectory, List.of(AGRONA_FLAG), args);
    }

    /** Runs {@code mainClass} in a child JVM to completion (bounded) and returns its output. */
    static Result run(
        final Path javaHome, final Path workDirectory, final List<String> jvmOptions, final Class<?> mainClass, final String... args)
        throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile(workDirectory, mainClass.getSimpleName(), ".out");
        final Process process = start(javaHome, output, jvmOptions, mainClass, args);
        return await(process, output, mainClass.getSimpleName() + " " + List.of(args), 120);
    }

    /** Runs {@code java -jar jar args} to completion (bounded), as users start the CLI, and returns its output. */
    static Result runJar(final Path javaHome, final Path workDirectory, final Path jar, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> arguments = new ArrayList<>(List.of("-jar", jar.toString()));
        arguments.addAll(List.of(args));
        return runJava(javaHome, workDirectory, "java -jar " + jar.getFileName() + " " + List.of(args), arguments);
    }

    /** Runs {@code java arguments} (after this class's small-heap options) to completion, bounded, and returns its output. */
    static Result runJava(final Path javaHome, final Path workDirectory, final String child, final List<String> arguments)
        throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile(workDirectory, "java", ".out");
        final List<String> command = new ArrayList<>(List.of(
            javaHome.resolve("bin").resolve("java").toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(arguments);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return await(process, output, child, 120);
    }

    /** Waits, bounded, for a child to exit and returns its exit code and output; one that overruns is killed. */
    static Result await(final Process process, final Path output, final String child, final long timeoutSeconds)
        throws IOException, InterruptedException
    {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                "child " + child + " did not finish in " + timeoutSeconds + " s; output:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    /** Waits, bounded, until a file appears. */
    static void awaitFile(final Path file, final Process process, final Path output) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("child never created " + file + "; output:\n" + Files.readString(output));
            }
            Thread.sleep(10);
        }
    }

    /**
     * Starts a {@link Child} that creates {@code name} and stops inside its initializer, and returns
     * once it is there: the entry is left mid-initialization until the test kills the child.
     */
    static Process startHangingInInit(final Path javaHome, final Path work, final Path root, final String name) throws Exception
    {
        final Path marker = work.resolve(name + ".in-init");
        final Path output = work.resolve(name + "-hang.out");
        final Process hanging = start(javaHome, output, root.toString(), "hang-in-init", name, marker.toString());
        try
        {
            awaitFile(marker, hanging, output);
        }
        catch (final Exception | AssertionError ex)
        {
            hanging.destroyForcibly().waitFor();
            throw ex;
        }
        return hanging;
    }

    /** The built agent jar, {@code dsmreg.jar}, that integration tests pass as {@code -javaagent}. */
    static Path agentJar()
    {
        final Path jar = Path.of(System.getProperty("dsmreg.agent.jar", "../agent/target/dsmreg.jar"));
        if (!Files.isRegularFile(jar))
        {
            throw new AssertionError("build the agent first (mvn -pl integration-tests -am verify): " + jar);
        }
        return jar;
    }

    /** A child running {@code mainClass} with the Agrona flag and {@code root} before {@code args}; output in {@code work/<name>.out}. */
    static Process startChild(
        final Path jdk, final Path work, final String name, final Class<?> mainClass, final Path root, final String... args)
        throws IOException
    {
        final String[] all = new String[args.length + 1];
        all[0] = root.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return start(jdk, work.resolve(name + ".out"), List.of(AGRONA_FLAG), mainClass, all);
    }

    /** Waits, bounded, for a child of {@link #startChild} and asserts that it exited with 0. */
    static Result finishChild(final Process process, final Path work, final String name, final long timeoutSeconds)
        throws IOException, InterruptedException
    {
        final Result result = await(process, work.resolve(name + ".out"), name, timeoutSeconds);
        if (result.exitCode() != 0)
        {
            throw new AssertionError(name + " exited with " + result.exitCode() + ": " + result.output());
        }
        return result;
    }

    record Result(int exitCode, String output)
    {
        /** The value of the first {@code key=value} line of the output. */
        String value(final String key)
        {
            for (final String line : output.split("\n"))
            {
                if (line.startsWith(key + "="))
                {
                    return line.substring(key.length() + 1);
                }
            }
            throw new AssertionError("no line " + key + "= in the child's output:\n" + output);
        }
    }
}
