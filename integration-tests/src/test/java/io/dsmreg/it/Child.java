package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.NamedSegment;
import io.dsmreg.RegistryOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The program the integration tests run in child JVMs: {@code Child <root> <command> <args...>}.
 * It prints {@code key=value} lines; an exception is printed as {@code error=<class>: <message>}
 * with exit code 3, so that the parent can check messages.
 */
public final class Child
{
    private Child()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path root = Path.of(args[0]);
        final String command = args[1];
        final RegistryOptions options = RegistryOptions.defaults().root(root).timeout(Duration.ofSeconds(60));
        try
        {
            switch (command)
            {
                case "race" -> race(options, Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]), Integer.parseInt(args[5]));
                case "hang-in-init" -> hangInInit(options, args[2], Path.of(args[3]));
                case "get" -> get(options.timeout(Duration.ofMillis(Long.parseLong(args[5]))), args[2],
                    Long.parseLong(args[3]), args[4]);
                case "remove" -> remove(options, args[2]);
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
        catch (final RuntimeException ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }

    /**
     * Waits at the start barrier for the other {@code parties}, then asks for {@code names} segments;
     * every initializer appends a line to the log (O_APPEND, so lines from all processes interleave
     * whole), fills the segment with contents derived from its name, and takes a few milliseconds, so
     * that the others wait for it: the processes' work windows are long enough to overlap. Prints every
     * segment's contents, and the window ({@link StartBarrier}).
     */
    private static void race(final RegistryOptions options, final Path barrier, final int parties, final Path log, final int names)
        throws Exception
    {
        StartBarrier.await(barrier, parties);
        try (DsmRegistry registry = DsmRegistry.open("race", options))
        {
            final StringBuilder contents = new StringBuilder();
            int initialized = 0;
            for (int i = 0; i < names; i++)
            {
                final NamedSegment segment = registry.segment("name-" + i, 256, (buffer, name) ->
                {
                    append(log, name + " " + ProcessHandle.current().pid() + "\n");
                    buffer.putStringAscii(0, "contents of " + name + " by " + ProcessHandle.current().pid());
                    pause(5);
                }, "name-" + i);
                initialized += segment.found() ? 0 : 1;
                contents.append(segment.buffer().getStringAscii(0)).append(';');
            }
            StartBarrier.end();
            System.out.println("initialized=" + initialized);
            System.out.println("contents=" + contents);
        }
    }

    /** Starts initializing {@code name}, writes half of it, signals the marker, then never returns. */
    private static void hangInInit(final RegistryOptions options, final String name, final Path marker) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("crash", options))
        {
            registry.segment(name, 4096, (buffer, arg) ->
            {
                buffer.putLong(0, 0xDEADL);
                try
                {
                    Files.writeString(marker, Long.toString(ProcessHandle.current().pid()));
                    Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                }
                catch (final IOException | InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, null);
        }
    }

    /**
     * Asks for a segment. {@code mode}: {@code value:N} initializes word 0 to N; {@code fail}
     * throws from the initializer. Prints found and word 0.
     */
    private static void get(final RegistryOptions options, final String name, final long size, final String mode)
    {
        try (DsmRegistry registry = DsmRegistry.open("crash", options))
        {
            final NamedSegment segment = registry.segment(name, size, (buffer, arg) ->
            {
                if ("fail".equals(mode))
                {
                    buffer.putLong(0, -1);
                    throw new IllegalStateException("initializer failed on purpose");
                }
                buffer.putLong(0, Long.parseLong(mode.substring("value:".length())));
            }, null);
            System.out.println("found=" + segment.found());
            System.out.println("word0=" + segment.buffer().getLong(0));
            System.out.println("entries=" + registry.entries().size());
        }
    }

    private static void remove(final RegistryOptions options, final String name)
    {
        try (DsmRegistry registry = DsmRegistry.open("crash", options))
        {
            System.out.println("removed=" + registry.remove(name));
        }
    }

    private static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void append(final Path log, final String line)
    {
        try
        {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
