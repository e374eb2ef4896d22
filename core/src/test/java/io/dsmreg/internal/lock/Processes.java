package io.dsmreg.internal.lock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real processes for the lock tests to name as lock holders: one that runs, one that has exited, a zombie. Nothing
 * here fakes a process; each test stops what it started.
 */
public final class Processes
{
    private static final long WAIT_SECONDS = 10;

    private Processes()
    {
    }

    /** A child that sleeps until it is destroyed. */
    public static Process sleeper() throws IOException
    {
        return new ProcessBuilder("sleep", "60").start();
    }

    /** The identity {@code process} runs with now. */
    public static ProcessIdentity identityOf(final Process process)
    {
        final ProcessIdentity identity = ProcessIdentity.running(process.pid());
        assertNotNull(identity, "child " + process.pid() + " is running");
        return identity;
    }

    /** The identity of a process that ran, exited and was reaped: a holder that died. */
    static ProcessIdentity exited() throws IOException, InterruptedException
    {
        final Process process = sleeper();
        final ProcessIdentity identity = identityOf(process);
        stop(process);
        return identity;
    }

    /** Destroys {@code process} and waits until it is reaped. */
    public static void stop(final Process process) throws InterruptedException
    {
        process.destroyForcibly();
        assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "child " + process.pid() + " stopped");
    }

    /** Skips a test that reads {@code /proc} (zombies, command names), which only Linux has. */
    static void assumeProcFileSystem()
    {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs /proc");
    }

    /**
     * A zombie: the child of a shell that has become {@code sleep}, and so never reaps it, killed after that exec.
     * Destroying the returned parent lets init reap the zombie.
     */
    public static Zombie zombie() throws IOException, InterruptedException
    {
        assumeProcFileSystem();
        final Process parent = new ProcessBuilder("sh", "-c", "sleep 60 & echo $!; exec sleep 60").start();
        final String line = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertNotNull(line, "the shell printed its child's pid");
        final Zombie zombie = new Zombie(parent, Long.parseLong(line.trim()));
        final Path parentName = Path.of("/proc", Long.toString(parent.pid()), "comm");
        awaitOrStop(zombie, () -> "sleep".equals(Files.readString(parentName).trim()), "the shell became sleep");
        ProcessHandle.of(zombie.pid).ifPresent(ProcessHandle::destroyForcibly);
        awaitOrStop(zombie, () -> zombie.state() == 'Z', "its child became a zombie");
        return zombie;
    }

    private static void awaitOrStop(final Zombie zombie, final Condition condition, final String what)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.holds())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                ProcessHandle.of(zombie.pid).ifPresent(ProcessHandle::destroyForcibly);
                stop(zombie.parent);
                fail("waited in vain until " + what);
            }
            Thread.sleep(1);
        }
    }

    @FunctionalInterface
    private interface Condition
    {
        boolean holds() throws IOException;
    }

    /** A process that exited but whose parent has not reaped it. */
    public static final class Zombie implements AutoCloseable
    {
        final Process parent;
        public final long pid;

        Zombie(final Process parent, final long pid)
        {
            this.parent = parent;
            this.pid = pid;
        }

        /** Field 3 of {@code /proc/<pid>/stat}. */
        char state() throws IOException
        {
            return fieldsFromState()[0].charAt(0);
        }

        /** Field 22 of {@code /proc/<pid>/stat}: what its identity would hold, were it running. */
        public long startTime() throws IOException
        {
            return Long.parseLong(fieldsFromState()[19]);
        }

        private String[] fieldsFromState() throws IOException
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }

        /** Kills the parent; the JVM reaps it, and init then reaps the zombie. */
        @Override
        public void close()
        {
            parent.destroyForcibly();
        }
    }
}
