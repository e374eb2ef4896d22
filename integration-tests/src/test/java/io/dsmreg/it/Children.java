package io.dsmreg.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting, waiting for and stopping the child JVMs of the visibility tests, on top of {@link Jvm}. */
final class Children
{
    private Children()
    {
    }

    /** Runs {@code mainClass} in a child JVM (with the test class path and the Agrona flag) to completion, bounded. */
    static Jvm.Result run(final Path jdk, final Path work, final Class<?> mainClass, final String... args) throws Exception
    {
        return Jvm.run(jdk, work, List.of(Jvm.AGRONA_FLAG), mainClass, args);
    }

    /** Starts {@link VisibilityChild} {@code hold}: attached to the registry, MBeans registered, until {@link #stop}. */
    static Process hold(final Path jdk, final Path work, final List<String> jvmOptions, final Path root, final String registry,
        final String id, final String... entries) throws Exception
    {
        final Path ready = work.resolve(id + ".ready");
        final Path output = work.resolve(id + ".out");
        final List<String> options = new ArrayList<>(List.of(Jvm.AGRONA_FLAG));
        options.addAll(jvmOptions);
        final List<String> args = new ArrayList<>(List.of(root.toString(), registry, "hold", ready.toString()));
        args.addAll(List.of(entries));
        final Process process = Jvm.start(jdk, output, options, VisibilityChild.class, args.toArray(String[]::new));
        Jvm.awaitFile(ready, process, output);
        return process;
    }

    /** Closes a holder's standard input, which ends it, and checks that it exited cleanly (exit code 0). */
    static void stop(final Process process) throws Exception
    {
        try
        {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                throw new AssertionError("child " + process.pid() + " did not exit after its input closed");
            }
            if (process.exitValue() != 0)
            {
                throw new AssertionError("child " + process.pid() + " " + process.info().commandLine().orElse("") +
                    " exited with " + process.exitValue() + " after its input closed");
            }
        }
        finally
        {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Asks a holder to check and rewrite its segments' marks ({@link VisibilityChild}), for the {@code times}-th
     * time, and waits, bounded, for its answer.
     */
    static void touch(final Process holder, final Path output, final int times) throws Exception
    {
        holder.getOutputStream().write("touch\n".getBytes(StandardCharsets.US_ASCII));
        holder.getOutputStream().flush();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readAllLines(output).stream().filter(line -> line.startsWith("touched=")).count() < times)
        {
            if (!holder.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("holder " + holder.pid() + " did not touch its segments; output:\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Starts {@link JmxClient} with a class path holding only its own class files, copied into a
     * directory of their own: neither dsmreg nor Agrona can be loaded in that JVM.
     */
    static Process startClient(final Path jdk, final Path work, final Path output, final String... args) throws Exception
    {
        final Path classes = work.resolve("jmx-client-classes");
        final Path source = Path.of(JmxClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Path packageDirectory = Path.of(JmxClient.class.getPackageName().replace('.', '/'));
        Files.createDirectories(classes.resolve(packageDirectory));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source.resolve(packageDirectory),
            JmxClient.class.getSimpleName() + "*.class"))
        {
            for (final Path file : files)
            {
                Files.copy(file, classes.resolve(packageDirectory).resolve(file.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        }
        final List<String> command = new ArrayList<>(List.of(
            jdk.resolve("bin").resolve("java").toString(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", classes.toString(),
            JmxClient.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    static Jvm.Result runClient(final Path jdk, final Path work, final String... args) throws Exception
    {
        final Path output = Files.createTempFile(work, "jmx-client", ".out");
        return Jvm.await(startClient(jdk, work, output, args), output, "JmxClient " + List.of(args), 120);
    }

    /** Waits, bounded, until a line of the child's output starts with {@code prefix}. */
    static void awaitLine(final Path output, final String prefix, final Process process) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readAllLines(output).stream().noneMatch(line -> line.startsWith(prefix)))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("child never printed " + prefix + "; output:\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }
}
