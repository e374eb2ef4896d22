package io.dsmreg.agent;

import java.lang.System.Logger.Level;

/**
 * The agent's messages, through {@link System.Logger}. The logger is created only when there is
 * something to say, so that a quiet agent does not initialize the JVM's logging before the
 * application configures it.
 */
final class AgentLog
{
    private static volatile boolean debug;

    private AgentLog()
    {
    }

    static void debug(final boolean enabled)
    {
        debug = enabled;
    }

    static boolean debugging()
    {
        return debug;
    }

    /** With {@code log=debug}, said at INFO so that the JVM's default logging shows it. */
    static void debug(final String message)
    {
        if (debug)
        {
            Holder.LOGGER.log(Level.INFO, "dsmreg agent: " + message);
        }
    }

    static void warning(final String message)
    {
        Holder.LOGGER.log(Level.WARNING, "dsmreg agent: " + message);
    }

    static void error(final String message, final Throwable cause)
    {
        Holder.LOGGER.log(Level.ERROR, "dsmreg agent: " + message, cause);
    }

    private static final class Holder
    {
        static final System.Logger LOGGER = System.getLogger("io.dsmreg.agent");
    }
}
