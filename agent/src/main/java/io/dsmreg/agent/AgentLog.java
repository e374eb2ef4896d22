package io.dsmreg.agent;

import java.lang.System.Logger.Level;

/**
 * The messages of one of the agent's components, {@link #AGENT} or {@link #JMX}, through the
 * JVM's logging. Each names its component as its source: with the JDK's own logging, whose
 * default format shows the class and method that logged, it is given explicitly, since that
 * would otherwise always be this class; other logging back ends show the logger's name, which is
 * the component's too ({@code dsmreg.agent}, {@code dsmreg.jmx}).
 * <p>
 * The logger is created only when there is something to say, so that a quiet agent does not
 * initialize the JVM's logging before the application configures it.
 */
final class AgentLog
{
    /** Start-up, its settings, and the filling of fields. */
    static final AgentLog AGENT = new AgentLog("dsmreg agent", "dsmreg.agent");
    /** The thread that registers MBeans. */
    static final AgentLog JMX = new AgentLog("dsmreg jmx", "dsmreg.jmx");

    private static volatile boolean debug;

    private final String component;
    private final String loggerName;
    private volatile System.Logger logger;

    private AgentLog(final String component, final String loggerName)
    {
        this.component = component;
        this.loggerName = loggerName;
    }

    static void debug(final boolean enabled)
    {
        debug = enabled;
    }

    static boolean debugging()
    {
        return debug;
    }

    /** The source a message names: {@code [dsmreg agent]}. */
    String source()
    {
        return "[" + component + "]";
    }

    /** With {@code log=debug}, said at INFO so that the JVM's default logging shows it. */
    void debug(final String message)
    {
        if (debug)
        {
            log(Level.INFO, message, null);
        }
    }

    void warning(final String message)
    {
        log(Level.WARNING, message, null);
    }

    void error(final String message)
    {
        log(Level.ERROR, message, null);
    }

    void error(final String message, final Throwable cause)
    {
        log(Level.ERROR, message, cause);
    }

    private void log(final Level level, final String message, final Throwable cause)
    {
        final String line = component + ": " + message;
        if (Backend.JDK_LOGGING)
        {
            JdkLogging.log(loggerName, source(), level, line, cause);
            return;
        }
        System.Logger current = logger;
        if (current == null)
        {
            current = System.getLogger(loggerName);
            logger = current;
        }
        current.log(level, line, cause);
    }

    /** Which logging back end the JVM's System.Logger uses; decided when the first message is said. */
    private static final class Backend
    {
        static final boolean JDK_LOGGING = ModuleLayer.boot().findModule("java.logging").isPresent() &&
            "sun.util.logging.internal.LoggingProviderImpl".equals(System.LoggerFinder.getLoggerFinder().getClass().getName());
    }

    /** Loaded only where java.logging is present and is the back end. */
    private static final class JdkLogging
    {
        static void log(final String loggerName, final String source, final Level level, final String line, final Throwable cause)
        {
            final java.util.logging.Level julLevel = switch (level)
            {
                case ERROR -> java.util.logging.Level.SEVERE;
                case WARNING -> java.util.logging.Level.WARNING;
                default -> java.util.logging.Level.INFO;
            };
            java.util.logging.Logger.getLogger(loggerName).logp(julLevel, source, null, line, cause);
        }
    }
}
