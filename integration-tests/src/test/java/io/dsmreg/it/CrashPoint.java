package io.dsmreg.it;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@link CrashPointAgent}'s advice stops a child JVM: the {@code n}-th time the instrumented method is
 * entered or left, {@link #reached} prints {@code crash-point=<label> pid=<pid>} on standard output and then
 * sleeps, so that the parent finds the shared state exactly as the operation left it at that point, and
 * kills the child there (SIGKILL). The sleep is bounded: if the parent died, the child halts after it
 * without running the rest of the operation.
 * <p>
 * Public, with a public method: the advice is inlined into engine classes, which call it from their own package.
 */
public final class CrashPoint
{
    /** How long a stopped child waits for its parent's kill before halting on its own. */
    private static final long STOPPED_MINUTES = 5;
    /** The exit code of a child that was never killed: the parent died or forgot it. */
    private static final int NEVER_KILLED = 86;

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static volatile String label = "";
    private static volatile int stopAt = Integer.MAX_VALUE;

    private CrashPoint()
    {
    }

    /** Called once, by the agent's premain, before any instrumented class loads. */
    static void arm(final String pointLabel, final int nthCall)
    {
        label = pointLabel;
        stopAt = nthCall;
    }

    /** Called by the advice at the point: stops the calling thread, and so the operation, at the armed call. */
    public static void reached()
    {
        if (CALLS.incrementAndGet() != stopAt)
        {
            return;
        }
        System.out.println("crash-point=" + label + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        try
        {
            Thread.sleep(TimeUnit.MINUTES.toMillis(STOPPED_MINUTES));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        // Never return into the operation: what it would do next is what the parent's kill was to prevent.
        Runtime.getRuntime().halt(NEVER_KILLED);
    }
}
