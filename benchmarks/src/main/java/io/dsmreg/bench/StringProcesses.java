package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A SharedMap<String, Long> (500,000 ASCII keys of 8 to 40 characters) shared by two processes
 * (issue 13), in rounds, each round measuring, in this order:
 * <ol>
 *   <li>this process's get throughput while the other process does nothing ("reading alone");</li>
 *   <li>the same while the other process puts random keys of the same map as fast as it can
 *       ("reading while another process writes");</li>
 *   <li>merge(key, 1L, Long::sum) by this process alone, on the even-numbered keys ("one process");</li>
 *   <li>the same by both processes at once, this one on the even keys and the other on the odd ones
 *       ("two processes, disjoint keys").</li>
 * </ol>
 * The reader's rates are operations over the measuring thread's CPU time (as in {@link StringInterleaved}),
 * so a process descheduled by a busy machine is not charged for it. The merges are measured both ways: over
 * wall time (one process's operations over its run; both processes' over the time from the command to the
 * later one's end), whose ratio is the scaling, true only on a machine with a core free for each process;
 * and over CPU time (both processes' rates summed), which comes to 2x whenever neither slows the other
 * down, even if the two never ran at the same time: what it shows is the cost of sharing (partition locks,
 * the lines both write), not the scaling. The processes talk through a
 * second shared map of control words. Arguments: rounds (default 7, the first 2 warm-up), entries
 * (500,000), operations per measurement (500,000).
 */
public final class StringProcesses
{
    private static final int WARM_UP = 2;
    private static final long COMMAND = 0;
    private static final long CHILD_RATE = 1;
    private static final long DONE = 2;
    private static final long WRITES = 3;
    private static final long REQUESTED = 4;
    private static final long IDLE = 0;
    private static final long WRITE = 1;
    private static final long EXIT = 2;
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(5);

    private static volatile long sink;

    private StringProcesses()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && args[0].equals("child"))
        {
            child(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        final int entries = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        final int ops = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
        final String[] keys = StringData.keys(entries, false, 42);
        final Path directory = HashData.sharedDirectory("dsmreg-string-processes");
        Process child = null;
        try (DsmRegistry registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(directory)))
        {
            final SharedMap<String, Long> map = registry.map("sl", Codec.STRING, Codec.LONG);
            final SharedMap<Long, Long> control = registry.map("control", Codec.LONG, Codec.LONG);
            for (int i = 0; i < entries; i++)
            {
                map.put(keys[i], (long)i);
            }
            control.putLong(COMMAND, IDLE);
            child = startChild(directory, entries, ops);
            final double[][] rates = new double[6][rounds];
            long done = 0;
            for (int round = 0; round < rounds; round++)
            {
                final int seed = 0x2545_F491 + round * 7919;
                rates[0][round] = gets(map, keys, ops, seed);
                final long writes = control.getLong(WRITES, 0);
                control.putLong(COMMAND, WRITE);
                await(child, () -> control.getLong(WRITES, 0) > writes + 10_000, "the writer to start");
                rates[1][round] = gets(map, keys, ops, seed);
                control.putLong(COMMAND, IDLE);
                final long oneStart = System.nanoTime();
                rates[2][round] = merges(map, keys, ops, seed, 0);
                rates[4][round] = ops * 1000.0 / (System.nanoTime() - oneStart);
                final long wallStart = System.nanoTime();
                final long expected = ++done;
                control.putLong(REQUESTED, expected);
                rates[3][round] = merges(map, keys, ops, seed, 0);
                await(child, () -> control.getLong(DONE, 0) == expected, "the other process's merges");
                final long wall = System.nanoTime() - wallStart;
                rates[3][round] += control.getLong(CHILD_RATE, 0) / 1000.0;
                rates[5][round] = 2.0 * ops * 1000 / wall;
            }
            control.putLong(COMMAND, EXIT);
            if (!child.waitFor(1, TimeUnit.MINUTES) || child.exitValue() != 0)
            {
                throw new IllegalStateException("the other process did not exit cleanly");
            }
            child = null;
            report(rates, entries, ops);
        }
        finally
        {
            if (child != null)
            {
                child.destroyForcibly();
            }
            HashData.delete(directory);
        }
    }

    private static Process startChild(final Path directory, final int entries, final int ops) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // The child needs the exports, not a pre-touched heap as large as the parent's.
            if (!argument.startsWith("-Xms") && !argument.startsWith("-XX:+AlwaysPreTouch"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StringProcesses.class.getName(), "child",
            directory.toString(), Integer.toString(entries), Integer.toString(ops)));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private interface Condition
    {
        boolean holds();
    }

    private static void await(final Process child, final Condition condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.holds())
        {
            if (!child.isAlive())
            {
                throw new IllegalStateException("the other process exited with " + child.exitValue() + " while waiting for " + what);
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private static double gets(final SharedMap<String, Long> map, final String[] keys, final int ops, final int seed)
    {
        final int[] state = {seed};
        final long start = cpuTime();
        long sum = 0;
        for (int i = 0; i < ops; i++)
        {
            sum += map.get(keys[StringData.next(state, keys.length)]);
        }
        final long nanos = cpuTime() - start;
        sink += sum;
        return ops * 1000.0 / nanos;
    }

    /** {@code ops} merges of keys whose index has the parity {@code parity}. */
    private static double merges(final SharedMap<String, Long> map, final String[] keys, final int ops, final int seed, final int parity)
    {
        final int[] state = {seed};
        final int half = keys.length / 2;
        final long start = cpuTime();
        long sum = 0;
        for (int i = 0; i < ops; i++)
        {
            sum += map.merge(keys[2 * StringData.next(state, half) + parity], 1L, Long::sum);
        }
        final long nanos = cpuTime() - start;
        sink += sum;
        return ops * 1000.0 / nanos;
    }

    private static long cpuTime()
    {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The other process: attaches, then writes, merges or waits as the control map says, until told to exit. */
    private static void child(final Path directory, final int entries, final int ops) throws InterruptedException
    {
        final String[] keys = StringData.keys(entries, false, 42);
        try (DsmRegistry registry = DsmRegistry.open("bench", RegistryOptions.defaults().root(directory)))
        {
            final SharedMap<String, Long> map = registry.map("sl", Codec.STRING, Codec.LONG);
            final SharedMap<Long, Long> control = registry.map("control", Codec.LONG, Codec.LONG);
            final int[] state = {0x1234_5679};
            long batches = 0;
            while (true)
            {
                final long command = control.getLong(COMMAND, IDLE);
                if (command == EXIT)
                {
                    return;
                }
                if (command == WRITE)
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        map.put(keys[StringData.next(state, entries)], (long)i);
                    }
                    control.addAndGet(WRITES, 1000);
                }
                else if (control.getLong(REQUESTED, 0) > batches)
                {
                    final double rate = merges(map, keys, ops, 0x2545_F491 + (int)batches * 7919, 1);
                    control.putLong(CHILD_RATE, (long)(rate * 1000));
                    control.putLong(DONE, ++batches);
                }
                else
                {
                    Thread.sleep(1);
                }
            }
        }
    }

    private static void report(final double[][] rates, final int entries, final int ops)
    {
        final String[] names = {"get, reading alone", "get, another process writing", "merge, one process (even keys)",
            "merge, two processes (disjoint)", "merge, one process, wall time", "merge, two processes, wall time"};
        System.out.printf("SharedMap<String,Long>, %d entries, %d operations per measurement, %d rounds (%d warm-up)%n",
            entries, ops, rates[0].length, WARM_UP);
        System.out.printf("%-34s %14s %14s%n", "case", "median ops/us", "best ops/us");
        final double[][] measured = new double[rates.length][];
        for (int c = 0; c < rates.length; c++)
        {
            measured[c] = Arrays.copyOfRange(rates[c], Math.min(WARM_UP, rates[c].length - 1), rates[c].length);
            final double[] sorted = measured[c].clone();
            Arrays.sort(sorted);
            System.out.printf("%-34s %14.3f %14.3f%n", names[c], sorted[sorted.length / 2], sorted[sorted.length - 1]);
        }
        System.out.printf("same-round ratios (median): reading with a writer / alone %.2f; two processes / one: " +
            "by wall time %.2f (the scaling), by CPU time %.2f (the cost of sharing)%n",
            medianRatio(measured[1], measured[0]), medianRatio(measured[5], measured[4]), medianRatio(measured[3], measured[2]));
    }

    private static double medianRatio(final double[] a, final double[] b)
    {
        final double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++)
        {
            ratios[i] = a[i] / b[i];
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }
}
