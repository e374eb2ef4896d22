package io.dsmreg.it;

import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The application of {@link AgentJmxIT}: it makes no dsmreg call and, unless told
 * {@code annotated}, has no annotated class either. It prints whether the agent's JMX thread runs,
 * then {@code ready}, and sleeps until its standard input closes.
 */
public final class AgentJmxApp
{
    static final String FIELDS_REGISTRY = "agent-jmx-fields";

    private AgentJmxApp()
    {
    }

    static final class Annotated
    {
        @SharedNamed(value = "jmx.field", size = 256, registry = FIELDS_REGISTRY)
        static AtomicBuffer buffer;
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "annotated".equals(args[0]))
        {
            System.out.println("field=" + Annotated.buffer.capacity());
        }
        final boolean jmxThread = Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals("dsmreg-agent-jmx") && thread.isDaemon());
        System.out.println("jmxThread=" + jmxThread);
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
}
