package io.dsmreg.internal.lock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process on this host, identified by pid and start time together: pids are reused, so a pid
 * alone would let a new process inherit a dead one's locks.
 * <p>
 * On Linux the start time is field 22 of {@code /proc/<pid>/stat} (clock ticks since boot), which
 * every process reads identically and cheaply; a zombie counts as dead, since it will never
 * release anything. Elsewhere it is {@link ProcessHandle.Info#startInstant()} in milliseconds.
 *
 * @param pid       the operating system's process id.
 * @param startTime when it started, in the platform's unit (see above); 0 when unknown.
 */
public record ProcessIdentity(long pid, long startTime)
{
    private static final boolean PROC_FS = Files.isReadable(Path.of("/proc/self/stat"));
    private static final ProcessIdentity CURRENT = probeCurrent();

    public static ProcessIdentity current()
    {
        return CURRENT;
    }

    /**
     * Whether the process that had this identity is still running. A pid with no process behind it
     * reads as dead, so every process that shares a registry must share one PID namespace (one
     * container, or containers started with a shared PID namespace): a process in another namespace
     * would be taken for dead, and its locks taken over while it still runs.
     */
    public boolean isAlive()
    {
        if (pid <= 0)
        {
            return false;
        }
        if (pid == CURRENT.pid)
        {
            return startTime == CURRENT.startTime;
        }
        final ProcessIdentity running = running(pid);
        return running != null && (startTime == 0 || running.startTime == 0 || running.startTime == startTime);
    }

    /**
     * The process running now with {@code pid}, or null if none is (a zombie counts as none); its
     * start time is 0 when the platform does not tell it.
     */
    public static ProcessIdentity running(final long pid)
    {
        if (pid <= 0)
        {
            return null;
        }
        if (pid == CURRENT.pid)
        {
            return CURRENT;
        }
        if (PROC_FS)
        {
            final Stat stat = readStat(Long.toString(pid));
            return stat == null || stat.isZombie() ? null : new ProcessIdentity(pid, stat.startTime);
        }
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return null;
        }
        return new ProcessIdentity(pid, handle.get().info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /**
     * This process, from {@code /proc/self/stat} where there is one: in a cold JVM that costs a
     * fraction of {@code ProcessHandle.current()}, whose implementation class alone takes about 15 ms
     * to initialize, on the way to every process's first registry.
     */
    private static ProcessIdentity probeCurrent()
    {
        final Stat stat = PROC_FS ? readStat("self") : null;
        if (stat != null)
        {
            return new ProcessIdentity(stat.pid, stat.startTime);
        }
        final ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    private record Stat(long pid, char state, long startTime)
    {
        boolean isZombie()
        {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }

    /** Fields 1, 3 and 22 of {@code /proc/<process>/stat}, or null if it cannot be read. */
    private static Stat readStat(final String process)
    {
        final String text;
        try
        {
            text = Files.readString(Path.of("/proc", process, "stat"), StandardCharsets.US_ASCII);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
        final int end = text.lastIndexOf(')');
        final int pidEnd = text.indexOf(' ');
        if (end < 0 || end + 2 >= text.length() || pidEnd <= 0)
        {
            return null;
        }
        final String[] fields = text.substring(end + 2).trim().split(" ");
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        if (fields.length < 20)
        {
            return null;
        }
        try
        {
            return new Stat(Long.parseLong(text.substring(0, pidEnd)), fields[0].charAt(0), Long.parseLong(fields[19]));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
