package io.dsmreg.agent;

import io.dsmreg.DsmRegistry;
import io.dsmreg.internal.inject.FieldValues;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The agent's one thread, {@value #THREAD_NAME}: registers the MBeans of every registry the agent
 * opens (docs/observability.md), never in premain and never on an application thread.
 * <p>
 * It waits the configured delay first, because some application servers set up JMX and logging
 * in their own {@code main} and the platform MBeanServer must not exist before they have; then it
 * opens the agent's registry, so that an application without annotated classes shows up too, and
 * registers the MBeans of it and of every registry that the fields' injections open, then or later.
 * Injections only queue the registry: the platform MBeanServer's first start costs well over
 * 100 ms, which class initialization, and start-up, would otherwise wait for. Every failure is
 * logged and stays here.
 */
final class MBeanPublisher implements Runnable, Consumer<DsmRegistry>
{
    static final String THREAD_NAME = "dsmreg-agent-jmx";

    private final long delayMillis;
    private final LinkedBlockingQueue<DsmRegistry> opened = new LinkedBlockingQueue<>();
    // Kept for the life of the JVM: closing a registration would take its MBeans away.
    private final List<DsmRegistry.MBeans> registrations = new ArrayList<>();

    MBeanPublisher(final long delayMillis)
    {
        this.delayMillis = delayMillis;
    }

    void start()
    {
        final Thread thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /** Called by {@link FieldValues} on the thread that opened the registry: only queues it. */
    @Override
    public void accept(final DsmRegistry registry)
    {
        opened.add(registry);
    }

    @Override
    public void run()
    {
        try
        {
            Thread.sleep(delayMillis);
            openAgentRegistry();
            while (true)
            {
                register(opened.take());
            }
        }
        catch (final InterruptedException ex)
        {
            AgentLog.JMX.debug("MBean registration interrupted; registries opened from now on get no MBeans");
        }
        catch (final Throwable ex)
        {
            AgentLog.JMX.error("MBean registration stopped; registries opened from now on get no MBeans", ex);
        }
    }

    private static void openAgentRegistry()
    {
        try
        {
            // Announced to accept() like any other, so it is registered by the loop.
            FieldValues.defaultRegistry();
        }
        catch (final Throwable ex)
        {
            AgentLog.JMX.error("could not open the agent's registry \"" + FieldValues.registryName(null) + "\" to register its " +
                "MBeans; the application runs without them", ex);
        }
    }

    private void register(final DsmRegistry registry)
    {
        try
        {
            registrations.add(registry.registerMBeans());
            AgentLog.JMX.debug("registered the MBeans of registry \"" + registry.name() + "\" at " + registry.directory());
        }
        catch (final Throwable ex)
        {
            AgentLog.JMX.error("could not register the MBeans of registry \"" + registry.name() + "\" at " +
                registry.directory() + "; the application runs without them", ex);
        }
    }
}
