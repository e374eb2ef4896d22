package io.dsmreg.it;

import io.dsmreg.AreaOptions;
import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.HashParams;
import io.dsmreg.MapOptions;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedLock;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedQueue;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damaged files (issue 12): a registry holding every kind of entry with data is copied, one of its
 * files is damaged at random ({@link FileDamage}), and then everything that can meet the damage is
 * run: RegistryView (entries, verify), DsmRegistry.open, every entry attached and every value read,
 * each handle's verify, repair; and the CLI's {@code list} and {@code verify} in a separate JVM,
 * many damaged registries per child. Each step must succeed or throw a {@link DsmRegistryException}
 * with a message; anything else (another exception, a JVM crash, a hang) fails the case.
 * <p>
 * Every case has a seed. {@code -Ddsmreg.fuzz.seed=S} replays the case of seed S alone (in process and
 * through the CLI); {@code -Ddsmreg.fuzz.cases=N} and {@code -Ddsmreg.fuzz.cliCases=N} set how many
 * cases run (the {@code fuzz} profile runs tens of thousands). The seed of the case under way is
 * also written to {@code target/damaged-files-fuzz.current}, for a crash that takes the test JVM down.
 */
class DamagedFilesFuzzIT
{
    private static final int CASES = Integer.getInteger("dsmreg.fuzz.cases", 200);
    private static final int CLI_CASES = Integer.getInteger("dsmreg.fuzz.cliCases", 40);
    private static final int CLI_BATCH = 50;
    private static final Long REPLAY = Long.getLong("dsmreg.fuzz.seed");
    private static final long FIRST_SEED = Long.getLong("dsmreg.fuzz.firstSeed", System.nanoTime());
    /** Short: a damaged lock word may name a live process, and the wait for it must end soon. */
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final long CASE_LIMIT_SECONDS = 60;
    private static final HashParams HASH = HashParams.of(8, 24).partitions(4);
    private static final int QUEUE_CAPACITY = 4096;
    private static final String TEMPLATE = "template";

    @TempDir
    static Path work;

    /** Steps that ended in a DsmRegistryException: the damage reached something dsmreg had to refuse. */
    private static final AtomicInteger ANSWERED = new AtomicInteger();
    /** Where {@link #readAll} leaves what it read, so that the reads cannot be optimized away. */
    private static volatile long sink;

    /** The template's area blocks: pointer to length, each block filled with its pointer's low byte. */
    private static final Map<Long, Integer> BLOCKS = new LinkedHashMap<>();

    @BeforeAll
    static void createTheTemplate()
    {
        try (DsmRegistry registry = DsmRegistry.open(TEMPLATE, options(work.resolve("template"))))
        {
            registry.segment("s", 4096, (buffer, arg) -> buffer.setMemory(0, 4096, (byte)7), null);
            final SharedArea area = registry.area("a", AreaOptions.defaults().initialSegmentSize(AreaOptions.MIN_SEGMENT_SIZE));
            final Random sizes = new Random(1);
            for (int i = 0; i < 40; i++)
            {
                final int length = i % 10 == 9 ? 9000 + sizes.nextInt(20_000) : 1 + sizes.nextInt(2000);
                final long pointer = area.allocate(length);
                area.buffer(pointer, length).setMemory(0, length, (byte)pointer);
                BLOCKS.put(pointer, length);
            }
            final SharedHash hash = registry.hash("h", HASH);
            for (long key = 1; key <= 200; key++)
            {
                try (SharedHash.Entry entry = hash.findOrInsert(key))
                {
                    entry.buffer().putLong(8, key * 3);
                }
            }
            final SharedMap<String, String> map = registry.map("m", Codec.STRING, Codec.STRING, MapOptions.defaults().partitions(4));
            for (int i = 0; i < 200; i++)
            {
                map.put("key-" + i, "value-" + i + "-".repeat(i % 50));
            }
            final SharedLock lock = registry.lock("l");
            try (SharedLock.Held held = lock.exclusive())
            {
                assertNotNull(held);
            }
            final SharedQueue queue = registry.queue("q", QUEUE_CAPACITY);
            try (SharedQueue.Producer producer = queue.producer())
            {
                for (int i = 0; i < 20; i++)
                {
                    assertTrue(producer.offer(Codec.STRING, "message " + i));
                }
            }
        }
    }

    @Test
    void damagedFilesGiveDsmregErrorsInProcess() throws Exception
    {
        final Path root = work.resolve("in-process");
        final List<String> failures = new ArrayList<>();
        final ExecutorService runner = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "damaged-files-case");
            thread.setDaemon(true);
            return thread;
        });
        try
        {
            for (final long seed : seeds(CASES))
            {
                final String name = "r" + Long.toHexString(seed).replace('-', 'm');
                final Path directory = copyTemplate(root, name);
                final List<String> damage = FileDamage.damage(directory, seed);
                record(seed);
                final Future<List<String>> outcome = runner.submit(() -> exercise(root, name));
                final List<String> problems;
                try
                {
                    problems = outcome.get(CASE_LIMIT_SECONDS, TimeUnit.SECONDS);
                }
                catch (final TimeoutException ex)
                {
                    fail("case of seed " + seed + " (" + damage + ") did not finish in " + CASE_LIMIT_SECONDS + " s: a hang; " +
                        "replay it with -Ddsmreg.fuzz.seed=" + seed + "\n" + threadDump());
                    return;
                }
                if (problems.isEmpty())
                {
                    deleteTree(directory);
                }
                else
                {
                    failures.add("seed " + seed + " " + damage + ":\n    " + String.join("\n    ", problems));
                }
            }
        }
        finally
        {
            runner.shutdownNow();
        }
        System.out.println("damaged files, in process: " + seeds(CASES).size() + " cases from first seed " + FIRST_SEED + ", " +
            ANSWERED.get() + " steps refused with a dsmreg error");
        assertTrue(ANSWERED.get() > 0, "no damage reached anything dsmreg had to refuse: the damage is not reaching the files");
        assertTrue(failures.isEmpty(), failures.size() + " damaged registries gave other errors than dsmreg's (first seed " +
            FIRST_SEED + "); replay one with -Ddsmreg.fuzz.seed=<seed>:\n" + String.join("\n", failures));
    }

    @Test
    void damagedFilesGiveDsmregErrorsInTheCli() throws Exception
    {
        final List<Long> seeds = seeds(CLI_CASES);
        for (int from = 0; from < seeds.size(); from += CLI_BATCH)
        {
            final Path root = work.resolve("cli-" + from);
            final Map<String, String> damaged = new LinkedHashMap<>();
            for (final long seed : seeds.subList(from, Math.min(seeds.size(), from + CLI_BATCH)))
            {
                final String name = "r" + Long.toHexString(seed).replace('-', 'm');
                damaged.put(name, "seed " + seed + " " + FileDamage.damage(copyTemplate(root, name), seed));
            }
            final List<String> verify = new ArrayList<>(List.of("verify"));
            verify.addAll(damaged.keySet());
            verify.addAll(List.of("--dir", root.toString()));
            checkCli(Jvm.runJar(Jvm.current(), work, Jvm.agentJar(), verify.toArray(String[]::new)), "verify", damaged);
            checkCli(Jvm.runJar(Jvm.current(), work, Jvm.agentJar(), "list", "--dir", root.toString()), "list", damaged);
            deleteTree(root);
        }
    }

    /**
     * Runs every step on the damaged registry {@code name}; returns the steps that failed otherwise than
     * with a DsmRegistryException that has a message.
     */
    private static List<String> exercise(final Path root, final String name)
    {
        final List<String> problems = new ArrayList<>();
        final RegistryOptions options = options(root);
        step(problems, "RegistryView", () ->
        {
            final RegistryView view = RegistryView.open(name, options).orElseThrow();
            view.entries();
            view.attachedProcesses();
            view.verify();
        });
        step(problems, "DsmRegistry", () ->
        {
            try (DsmRegistry registry = DsmRegistry.open(name, options))
            {
                step(problems, "segment", () -> readAll(registry.segment("s", 4096).buffer()));
                step(problems, "area", () ->
                {
                    final SharedArea area = registry.area("a");
                    for (final Map.Entry<Long, Integer> block : BLOCKS.entrySet())
                    {
                        step(problems, "area block", () -> readAll(area.buffer(block.getKey(), block.getValue())));
                    }
                    area.bytesInUse();
                    area.verify();
                });
                step(problems, "hash", () ->
                {
                    final SharedHash hash = registry.hash("h", HASH);
                    for (long key = 1; key <= 200; key++)
                    {
                        try (SharedHash.Entry entry = hash.find(key, false))
                        {
                            if (entry != null)
                            {
                                readAll(entry.buffer());
                            }
                        }
                    }
                    hash.size();
                    hash.verify();
                });
                step(problems, "map", () ->
                {
                    final SharedMap<String, String> map =
                        registry.map("m", Codec.STRING, Codec.STRING, MapOptions.defaults().partitions(4));
                    for (int i = 0; i < 200; i++)
                    {
                        map.get("key-" + i);
                    }
                    map.forEach((key, value) -> assertNotNull(value));
                    map.size();
                    map.verify();
                });
                step(problems, "lock", () ->
                {
                    try (SharedLock.Held held = registry.lock("l").exclusive())
                    {
                        assertNotNull(held);
                    }
                });
                step(problems, "queue", () ->
                {
                    try (SharedQueue.Consumer consumer = registry.queue("q", QUEUE_CAPACITY).consumer())
                    {
                        for (int i = 0; i < 25 && consumer.poll(Codec.STRING) != null; i++)
                        {
                            // Every message the damage left readable is read.
                        }
                    }
                });
                step(problems, "entries", registry::entries);
                step(problems, "repair", registry::repair);
            }
        });
        return problems;
    }

    /** Runs {@code action}: a DsmRegistryException with a message is an answer; anything else is recorded. */
    private static void step(final List<String> problems, final String what, final Runnable action)
    {
        try
        {
            action.run();
        }
        catch (final DsmRegistryException ex)
        {
            ANSWERED.incrementAndGet();
            if (ex.getMessage() == null || ex.getMessage().isBlank())
            {
                problems.add(what + ": " + ex.getClass().getSimpleName() + " without a message");
            }
        }
        catch (final Throwable ex)
        {
            problems.add(what + ": " + ex + " at " + List.of(ex.getStackTrace()).subList(0, Math.min(6, ex.getStackTrace().length)));
        }
    }

    /** The CLI answered each damaged registry with output, exit status 0 or 1, and no stack trace or crash. */
    private static void checkCli(final Jvm.Result result, final String command, final Map<String, String> damaged)
    {
        final String output = result.output();
        final boolean clean = (result.exitCode() == 0 || result.exitCode() == 1) && !output.contains("\tat ") &&
            !output.contains("Exception in thread") && !output.contains("fatal error");
        assertTrue(clean, "dsmreg " + command + " exited with " + result.exitCode() + " on damaged registries (the last it " +
            "names in its output is the one it failed on); replay one with -Ddsmreg.fuzz.seed=<seed>:\n" + damaged +
            "\noutput:\n" + output);
    }

    /** Touches every 8th byte of {@code buffer}: memory past the end of a file would fault here. */
    private static void readAll(final AtomicBuffer buffer)
    {
        long sum = 0;
        for (int i = 0; i < buffer.capacity(); i += 8)
        {
            sum += buffer.getByte(i);
        }
        sink = sum;
    }

    private static List<Long> seeds(final int count)
    {
        if (REPLAY != null)
        {
            return List.of(REPLAY);
        }
        final Random seeds = new Random(FIRST_SEED);
        final List<Long> list = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            list.add(seeds.nextLong());
        }
        return list;
    }

    private static RegistryOptions options(final Path root)
    {
        return RegistryOptions.defaults().root(root).timeout(TIMEOUT).capacity(64);
    }

    /** Copies the template registry's files into {@code root} as registry {@code name}, with the modes dsmreg requires. */
    private static Path copyTemplate(final Path root, final String name) throws IOException
    {
        final String user = "dsmreg-" + System.getProperty("user.name");
        final Path from = work.resolve("template").resolve(user).resolve(TEMPLATE);
        final Path userDirectory = root.resolve(user);
        if (!Files.exists(userDirectory))
        {
            Files.createDirectories(userDirectory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        final Path to = Files.createDirectory(userDirectory.resolve(name),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    private static void record(final long seed) throws IOException
    {
        Files.writeString(Path.of("target", "damaged-files-fuzz.current"), seed + "\n");
    }

    private static void deleteTree(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String threadDump()
    {
        final StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) ->
        {
            if (thread.getName().equals("damaged-files-case"))
            {
                for (final StackTraceElement element : stack)
                {
                    dump.append("  at ").append(element).append('\n');
                }
            }
        });
        return dump.toString();
    }
}
