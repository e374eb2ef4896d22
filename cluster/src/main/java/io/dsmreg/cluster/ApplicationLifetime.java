package io.dsmreg.cluster;

import com.hazelcast.core.HazelcastInstance;

/**
 * Ends the agent's Hazelcast member or client when the application ends. Hazelcast's threads are
 * not daemons, so a member started for the application would keep its JVM alive after
 * {@code main} returns, which the same application without a cluster does not do.
 * <p>
 * A daemon thread looks every {@value #CHECK_MILLIS} ms whether {@code main} has returned (the JVM's
 * {@code DestroyJavaVM} thread waits for the last non-daemon threads) and every other non-daemon
 * thread is Hazelcast's ({@code hz.*}); then it shuts the instance down, gracefully for a member
 * (its partitions migrate to the others first), and the JVM exits. {@code System.exit} needs none of
 * this: Hazelcast's shutdown hook ends the instance.
 */
final class ApplicationLifetime implements Runnable
{
    static final long CHECK_MILLIS = 200;
    private static final String DESTROY_JAVA_VM = "DestroyJavaVM";
    private static final String HAZELCAST_THREADS = "hz.";

    private final HazelcastInstance hazelcast;

    private ApplicationLifetime(final HazelcastInstance hazelcast)
    {
        this.hazelcast = hazelcast;
    }

    static void watch(final HazelcastInstance hazelcast)
    {
        final Thread thread = new Thread(new ApplicationLifetime(hazelcast), "dsmreg-cluster-lifetime");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run()
    {
        try
        {
            while (hazelcast.getLifecycleService().isRunning())
            {
                if (applicationEnded())
                {
                    hazelcast.shutdown();
                    return;
                }
                Thread.sleep(CHECK_MILLIS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean applicationEnded()
    {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null)
        {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        while (count == threads.length)
        {
            threads = new Thread[threads.length * 2];
            count = root.enumerate(threads, true);
        }
        boolean mainReturned = false;
        for (int i = 0; i < count; i++)
        {
            final Thread thread = threads[i];
            if (thread.isDaemon() || !thread.isAlive())
            {
                continue;
            }
            if (DESTROY_JAVA_VM.equals(thread.getName()))
            {
                mainReturned = true;
            }
            else if (!thread.getName().startsWith(HAZELCAST_THREADS))
            {
                return false;
            }
        }
        return mainReturned;
    }
}
