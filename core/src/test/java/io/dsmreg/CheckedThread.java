package io.dsmreg;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A helper thread of a test whose failure fails the test: {@link #join} waits for it (bounded) and
 * rethrows whatever it threw, an assertion error included. A bare {@code Thread} that throws only
 * prints a stack trace, and the test that started it passes.
 */
public final class CheckedThread
{
    /** A thread's work: may throw anything. */
    @FunctionalInterface
    public interface Body
    {
        void run() throws Exception;
    }

    private static final long JOIN_SECONDS = 120;

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private CheckedThread(final String name, final Body body)
    {
        thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, name);
    }

    /** Starts {@code body} in a new thread named {@code name}. */
    public static CheckedThread start(final String name, final Body body)
    {
        final CheckedThread checked = new CheckedThread(name, body);
        checked.thread.start();
        return checked;
    }

    /** Whether the thread is still running. */
    public boolean isAlive()
    {
        return thread.isAlive();
    }

    /** Waits for the thread to end, at most two minutes, and fails with what it threw, if it threw. */
    public void join() throws InterruptedException
    {
        thread.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
        if (thread.isAlive())
        {
            throw new AssertionError("thread " + thread.getName() + " did not end in " + JOIN_SECONDS + " s");
        }
        final Throwable thrown = failure.get();
        if (thrown != null)
        {
            throw new AssertionError("thread " + thread.getName() + " failed: " + thrown, thrown);
        }
    }
}
