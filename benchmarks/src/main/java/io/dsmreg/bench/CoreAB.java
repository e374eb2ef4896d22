package io.dsmreg.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An A/B of builds of core in one JVM, for changes whose effect is smaller than the noise between
 * two runs on a shared machine. Each build (a copy of core/target/classes) gets a class loader of its
 * own, which loads it first and this jar (CoreABRunner, Agrona) after it; every round then times one
 * million of each operation on each build, and ConcurrentHashMap's get as the anchor, one after the
 * other, so that all of them see the same load. With one thread, rounds are timed by the thread's CPU
 * time; with two, both threads run the operation and the wall time counts. Prints the median and
 * best round per build and operation, ops/us; the first 5 rounds are warm-up.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
 *   -cp benchmarks/target/benchmarks.jar io.dsmreg.bench.CoreAB 25 /tmp/coreA,/tmp/coreB getLong,get [threads]
 * </pre>
 * Operations ({@link CoreABRunner}): getLong, get, putLong, put, merge, on a Long -> Long map of the
 * 1,000,000 keys every hash benchmark uses, and getLongStream (getLong over random draws of those keys read in
 * order, so that the map's reads are the loop's only random ones); stringGet, stringAddAndGet, stringMerge on a String -> Long map of
 * 500,000 ASCII keys; nonAsciiGet on one of 500,000 keys with chars outside ASCII; stringValueGet, stringValuePut,
 * bytesGet, bytesContainsKey on String -> String and String -> byte[] maps of 100,000 keys and values of 16 B to 1 KiB;
 * allocateFree (64 B of an area) and segment (the lookup
 * of an attached segment). To compare with a build whose API differs, compile CoreABRunner and
 * HashData against that build into its copy: a build's own classes are loaded first.
 */
public final class CoreAB
{
    private static final int WARM_UP = 5;

    private CoreAB()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 3)
        {
            System.err.println("usage: CoreAB <rounds> <classes directory>[,<classes directory>...] <op>[,<op>...] [threads]");
            System.exit(2);
        }
        final int rounds = Integer.parseInt(args[0]);
        final String[] builds = args[1].split(",");
        final String[] ops = args[2].split(",");
        final int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        final long[] keys = HashData.keys();
        final Long[] boxed = HashData.boxed(keys);
        final URL jar = CoreAB.class.getProtectionDomain().getCodeSource().getLocation();
        final List<String> names = new ArrayList<>();
        final List<Method> methods = new ArrayList<>();
        final List<Path> directories = new ArrayList<>();
        try
        {
            for (final String build : builds)
            {
                final Path classes = Path.of(build);
                if (!Files.isDirectory(classes.resolve("io/dsmreg")))
                {
                    throw new IllegalArgumentException(build + " holds no io/dsmreg classes: give a copy of core/target/classes");
                }
                final URLClassLoader loader = new URLClassLoader(
                    new URL[]{classes.toUri().toURL(), jar}, ClassLoader.getPlatformClassLoader());
                final Class<?> runner = loader.loadClass(CoreABRunner.class.getName());
                final Path directory = HashData.sharedDirectory("core-ab");
                directories.add(directory);
                runner.getMethod("setUp", long[].class, Long[].class, String.class).invoke(null, keys, boxed, directory.toString());
                for (final String op : ops)
                {
                    names.add(classes.getFileName() + "." + op);
                    methods.add(runner.getMethod(op, int[].class));
                }
            }
            final ConcurrentHashMap<Long, Long> anchor = new ConcurrentHashMap<>();
            for (final Long key : boxed)
            {
                anchor.put(key, key);
            }
            names.add("concurrentHashMapGet");
            final double[][] nanos = new double[names.size()][rounds];
            final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            final int[][] states = {{0x2545_F491}, {0x1234_5679}};
            long sink = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int op = 0; op < names.size(); op++)
                {
                    final Method method = op < methods.size() ? methods.get(op) : null;
                    if (threads == 1)
                    {
                        final long start = cpu.getCurrentThreadCpuTime();
                        sink += run(method, anchor, boxed, states[0]);
                        nanos[op][round] = (cpu.getCurrentThreadCpuTime() - start) / (double)CoreABRunner.OPS;
                    }
                    else
                    {
                        final long start = System.nanoTime();
                        final Thread other = new Thread(() -> run(method, anchor, boxed, states[1]));
                        other.start();
                        sink += run(method, anchor, boxed, states[0]);
                        other.join();
                        nanos[op][round] = (System.nanoTime() - start) / (2.0 * CoreABRunner.OPS);
                    }
                }
            }
            System.out.printf("%-32s %14s %14s%n", "build.operation, " + threads + " thread(s)", "median ops/us", "best ops/us");
            for (int op = 0; op < names.size(); op++)
            {
                final double[] measured = Arrays.copyOfRange(nanos[op], Math.min(WARM_UP, rounds - 1), rounds);
                Arrays.sort(measured);
                System.out.printf("%-32s %14.2f %14.2f%n", names.get(op), 1000 / measured[measured.length / 2], 1000 / measured[0]);
            }
            if (sink == 42)
            {
                System.out.println();
            }
        }
        finally
        {
            directories.forEach(HashData::delete);
        }
    }

    /** One million of the build's operation, or of ConcurrentHashMap's get when {@code method} is null. */
    private static long run(final Method method, final ConcurrentHashMap<Long, Long> anchor, final Long[] boxed, final int[] state)
    {
        if (method == null)
        {
            long sum = 0;
            for (int i = 0; i < CoreABRunner.OPS; i++)
            {
                sum += anchor.get(boxed[HashData.next(state)]);
            }
            return sum;
        }
        try
        {
            return (long)method.invoke(null, (Object)state);
        }
        catch (final IllegalAccessException | InvocationTargetException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
