package io.dsmreg.bench.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Wall time of whole JVM runs with and without {@code -javaagent:dsmreg.jar}, interleaved in one
 * run so that both see the same machine load; prints the median of each and the differences.
 * <pre>
 * java -cp benchmarks/target/classes io.dsmreg.bench.startup.AgentStartup agent/target/dsmreg.jar 20
 * </pre>
 * Variants: the plain application (no annotated class) without and with the agent, and without
 * it but with the module the agent brings ({@code -javaagent} adds {@code java.instrument} to the
 * boot layer, which turns off CDS's archived module graph: a cost of any agent, not of ours); the
 * application with one annotated class without the agent (field left unset), with the agent, and
 * filling the field by hand with SharedFields (the same registry work, without the agent).
 */
public final class AgentStartup
{
    private AgentStartup()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        final String classes = Path.of(AgentStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        final Path root = Files.createTempDirectory("dsmreg-startup");
        final String javaAgent = "-javaagent:" + agent + "=registry=startup,dir=" + root;
        final String plain = PlainApp.class.getName();
        final String annotated = AnnotatedApp.class.getName();
        final String[][] variants = {
            {"plain, no agent", "-cp", classes, plain},
            {"plain, no agent, --add-modules java.instrument", "--add-modules", "java.instrument", "-cp", classes, plain},
            {"plain, agent", javaAgent, "-cp", classes, plain},
            {"one annotated class, no agent (unset)", "-cp", classes, annotated},
            {"one annotated class, agent", javaAgent, "-cp", classes, annotated},
            {"one annotated class, SharedFields by hand", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Ddsmreg.registry=startup", "-Ddsmreg.dir=" + root, "-cp", classes + java.io.File.pathSeparator + agent,
                annotated, "by-hand"},
        };
        final long[][] millis = new long[variants.length][runs];
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            for (final String[] variant : variants)
            {
                time(variant);
            }
        }
        for (int run = 0; run < runs; run++)
        {
            for (int v = 0; v < variants.length; v++)
            {
                millis[v][run] = time(variants[v]);
            }
        }
        final long[] medians = new long[variants.length];
        System.out.printf("%-45s %8s %8s %8s%n", "variant (" + runs + " runs each, interleaved)", "median", "min", "max");
        for (int v = 0; v < variants.length; v++)
        {
            Arrays.sort(millis[v]);
            medians[v] = millis[v][runs / 2];
            System.out.printf("%-45s %6d ms %5d ms %5d ms%n", variants[v][0], medians[v], millis[v][0], millis[v][runs - 1]);
        }
        System.out.printf("added by the agent, no annotated class:       %d ms%n", medians[2] - medians[0]);
        System.out.printf("  of which the JVM's own price of -javaagent: %d ms (java.instrument, see the second row)%n",
            medians[1] - medians[0]);
        System.out.printf("added by the agent, one annotated class:      %d ms (vs. the field left unset)%n", medians[4] - medians[3]);
        System.out.printf("                                              %d ms (vs. SharedFields by hand)%n", medians[4] - medians[5]);
    }

    private static long time(final String[] variant) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(variant).subList(1, variant.length));
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException(variant[0] + " failed: " + output);
        }
        final long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (variant[0].contains("agent") && !variant[0].contains("no agent") && variant[0].contains("annotated") &&
            !output.startsWith("count"))
        {
            throw new IllegalStateException(variant[0] + " did not fill the field: " + output);
        }
        return elapsed;
    }
}
