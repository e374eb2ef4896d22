package io.dsmreg.agent;

import io.dsmreg.internal.inject.FieldValues;

import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * {@code java -javaagent:dsmreg.jar[=registry=NAME,dir=PATH,cluster=FILE,jmx=DELAY_MS|off,log=debug] ...}: fills
 * every {@link io.dsmreg.SharedNamed} field of the application's classes as they load, and
 * registers the MBeans of the registries it opens.
 * <p>
 * Start-up does four cheap things: record the arguments and check them ({@link FieldValues#checkSettings}:
 * a few file attributes, no registry opened), reporting each unusable one in one ERROR line that
 * names it and the fix; start the thread that registers MBeans after a delay ({@link MBeanPublisher});
 * and install a transformer that exports
 * {@code jdk.internal.misc} to Agrona as Agrona loads (so that no JVM flag is needed) and rejects
 * every class whose bytes do not mention the annotation. The class rewriting (Byte Buddy's ASM)
 * loads only when the first class that does is loaded. Nothing here ever throws into the host
 * JVM, and nothing spins a lambda or opens a file, which would cost tens of milliseconds of every
 * start. With an unusable registry name or directory the agent still fills fields: each field
 * those settings reach fails with the start-up message, rather than silently using another
 * registry, and no MBeans are registered.
 * <p>
 * With {@code cluster=FILE} it also starts one thread that brings up the Hazelcast member or client
 * the file describes, from the application's class path (docs/cluster.md); without it, nothing of
 * the cluster module or Hazelcast is loaded.
 */
public final class DsmregAgent
{
    private DsmregAgent()
    {
    }

    public static void premain(final String arguments, final Instrumentation instrumentation)
    {
        start(arguments, instrumentation);
    }

    /** When attached to a running JVM: classes loaded before then keep their fields unset. */
    public static void agentmain(final String arguments, final Instrumentation instrumentation)
    {
        start(arguments, instrumentation);
    }

    private static void start(final String arguments, final Instrumentation instrumentation)
    {
        try
        {
            final long started = System.nanoTime();
            final AgentArguments parsed = AgentArguments.parse(arguments);
            AgentLog.debug(parsed.debug);
            for (final String problem : parsed.problems)
            {
                AgentLog.AGENT.error(problem);
            }
            final MBeanPublisher publisher = parsed.jmxDelayMillis < 0 ? null : new MBeanPublisher(parsed.jmxDelayMillis);
            // Configured and checked before the publisher starts: with no delay it opens the agent's registry at once.
            FieldValues.configure(parsed.registry, parsed.root, publisher);
            final List<String> unusable = FieldValues.checkSettings();
            for (final String problem : unusable)
            {
                AgentLog.AGENT.error(problem + ". Until then the application runs, and the @SharedNamed fields this setting " +
                    "reaches fail with this message");
            }
            if (parsed.cluster != null)
            {
                FieldValues.configureCluster(parsed.cluster);
            }
            instrumentation.addTransformer(
                new SharedNamedTransformer(instrumentation, DsmregAgent.class.getProtectionDomain()), false);
            if (publisher != null && unusable.isEmpty())
            {
                publisher.start();
            }
            if (parsed.debug)
            {
                // Taken before the message is built, so that it measures start-up alone.
                final long micros = (System.nanoTime() - started) / 1000;
                AgentLog.AGENT.debug("started with " + parsed + " in " + micros + " us");
            }
        }
        catch (final Throwable ex)
        {
            AgentLog.AGENT.error("could not start; the application runs without it, @SharedNamed fields stay unset", ex);
        }
    }
}
