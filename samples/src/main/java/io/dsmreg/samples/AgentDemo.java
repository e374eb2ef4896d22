package io.dsmreg.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts the samples in several JVMs, each with {@code -javaagent:dsmreg.jar} and no other flag,
 * and shows that they share state: {@code AgentDemo <dsmreg.jar> <samples classes> <demo root>}.
 * The samples' class path holds only their own classes: dsmreg and Agrona come from the agent
 * jar, as for an application that compiled against dsmreg-core with {@code provided} scope. The
 * demo root is wiped first, so every run starts from empty shared memory.
 */
public final class AgentDemo
{
    private static final int WORKERS = 3;

    private AgentDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final Path classes = Path.of(args[1]).toAbsolutePath();
        final Path root = Path.of(args[2]).toAbsolutePath();
        if (!Files.isRegularFile(agent))
        {
            throw new IllegalStateException(agent + " is missing; build it: mvn -B -pl samples -am package -DskipTests -Pagent-demo");
        }
        wipe(root);
        final String javaAgent = "-javaagent:" + agent + "=registry=demo,dir=" + root;

        System.out.println("== " + WORKERS + " worker JVMs count requests into one shared map");
        run(javaAgent, classes, WORKERS, worker -> List.of("io.dsmreg.samples.RequestCounter", "serve", worker, "10000"));
        System.out.println("== a fresh JVM reads the counts they left (expect a total of " + WORKERS * 10000 + ")");
        run(javaAgent, classes, 1, worker -> List.of("io.dsmreg.samples.RequestCounter", "report"));

        System.out.println("== " + WORKERS + " JVMs share one rate limiter of 50 requests/s, burst 10, for 3 s");
        System.out.println("   (one JVM alone would be allowed about 160; together they are allowed about 160, not " +
            WORKERS * 160 + ")");
        run(javaAgent, classes, WORKERS, worker -> List.of("io.dsmreg.samples.RateLimiter", worker, "3"));
    }

    private static void run(final String javaAgent, final Path classes, final int count, final Command command)
        throws IOException, InterruptedException
    {
        final List<Process> processes = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            final List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), javaAgent, "-cp", classes.toString()));
            line.addAll(command.arguments("worker-" + i));
            processes.add(new ProcessBuilder(line).redirectErrorStream(true).start());
        }
        for (final Process process : processes)
        {
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("a sample JVM did not finish in 60 s");
            }
            System.out.print(new String(process.getInputStream().readAllBytes()));
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException("a sample JVM failed with exit code " + process.exitValue());
            }
        }
    }

    private static void wipe(final Path root) throws IOException
    {
        if (Files.exists(root))
        {
            try (Stream<Path> paths = Files.walk(root))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Command
    {
        List<String> arguments(String worker);
    }
}
