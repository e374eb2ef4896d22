package io.dsmreg.internal.lock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Another process holding an OS lock on one byte of a file: {@link #start} runs {@link #main} in a child JVM, which
 * takes the lock, says so, and keeps it until it is killed or its input closes.
 */
public final class LockHolder
{
    private static final String LOCKED = "locked";

    private LockHolder()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
            FileLock ignored = channel.lock(Long.parseLong(args[1]), 1, false))
        {
            System.out.println(LOCKED);
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Held until the parent closes our input or kills us.
            }
        }
    }

    /** A child JVM that holds the lock at {@code position} of {@code file} when this returns. */
    public static Process start(final Path file, final long position) throws IOException, URISyntaxException
    {
        final Path classes = Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-cp", classes.toString(), LockHolder.class.getName(), file.toString(), Long.toString(position))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        final String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        if (!LOCKED.equals(line))
        {
            child.destroyForcibly();
        }
        assertEquals(LOCKED, line, "the child JVM took the lock");
        return child;
    }
}
