package io.dsmreg.samples;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryEntry;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's first demo: two JVM processes share a named segment. The first creates and
 * initializes it and writes a message; the second, a separate process, attaches by name, reads
 * what the first wrote, and lists the registry. Then the demo removes its entry again.
 * <p>
 * Run it with {@code mvn -B -q -DskipTests -Pdemo package}.
 */
public final class SegmentDemo
{
    private static final String REGISTRY = "demo";
    private static final String SEGMENT = "demo.greeting";
    private static final int SIZE = 4096;
    private static final int COUNTER_OFFSET = 0;
    private static final int MESSAGE_OFFSET = 8;

    private SegmentDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0)
        {
            runBothProcesses();
            return;
        }
        switch (args[0])
        {
            case "write" -> write();
            case "read" -> read();
            default -> throw new IllegalArgumentException("usage: SegmentDemo [write|read]");
        }
    }

    private static void runBothProcesses() throws IOException, InterruptedException
    {
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY))
        {
            registry.remove(SEGMENT);
            System.out.println("registry \"" + REGISTRY + "\" lives in " + registry.directory());
        }
        run("write");
        run("read");
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY))
        {
            registry.remove(SEGMENT);
        }
    }

    private static void run(final String role) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SegmentDemo.class.getName());
        command.add(role);
        final Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            process.destroyForcibly();
            throw new IllegalStateException("the " + role + " process failed");
        }
    }

    private static void write()
    {
        final long pid = ProcessHandle.current().pid();
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY))
        {
            final NamedSegment segment = registry.segment(SEGMENT, SIZE, SegmentDemo::initialize, pid);
            final AtomicBuffer buffer = segment.buffer();
            final long visits = buffer.getAndAddLong(COUNTER_OFFSET, 1) + 1;
            System.out.printf("[writer, pid %d] segment \"%s\": found=%s; wrote \"%s\", visits=%d%n",
                pid, SEGMENT, segment.found(), buffer.getStringUtf8(MESSAGE_OFFSET), visits);
        }
    }

    private static void initialize(final AtomicBuffer buffer, final Long creatorPid)
    {
        buffer.putStringUtf8(MESSAGE_OFFSET, "hello from pid " + creatorPid);
    }

    private static void read()
    {
        final long pid = ProcessHandle.current().pid();
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY))
        {
            final NamedSegment segment = registry.segment(SEGMENT, SIZE, SegmentDemo::initialize, pid);
            final AtomicBuffer buffer = segment.buffer();
            final long visits = buffer.getAndAddLong(COUNTER_OFFSET, 1) + 1;
            System.out.printf("[reader, pid %d] segment \"%s\": found=%s; read \"%s\", visits=%d%n",
                pid, SEGMENT, segment.found(), buffer.getStringUtf8(MESSAGE_OFFSET), visits);
            System.out.println();
            printEntries(registry.entries());
        }
    }

    private static void printEntries(final List<RegistryEntry> entries)
    {
        System.out.printf(" %-16s | %-7s | %6s | %s%n", "name", "type", "size", "creator pid");
        System.out.println("------------------+---------+--------+-------------");
        for (final RegistryEntry entry : entries)
        {
            System.out.printf(" %-16s | %-7s | %6s | %d%n",
                entry.name(), entry.type().label(), entry.sizeBytes(), entry.creatorPid());
        }
        System.out.printf("(%d %s)%n", entries.size(), entries.size() == 1 ? "row" : "rows");
    }
}
