package io.dsmreg.agent;

/**
 * {@code -javaagent:dsmreg.jar=registry=NAME,dir=PATH,cluster=FILE,jmx=DELAY_MS|off,log=debug}, every
 * part optional. A part that cannot be understood is reported and skipped: the application starts
 * regardless.
 */
final class AgentArguments
{
    static final long DEFAULT_JMX_DELAY_MILLIS = 2000;
    static final long JMX_OFF = -1;

    final String registry;
    final String root;
    /** A Hazelcast member or client configuration file that puts the registry on a cluster; null: host-local. */
    final String cluster;
    /** How long after start-up the MBeans are registered, or {@link #JMX_OFF}. */
    final long jmxDelayMillis;
    final boolean debug;

    private AgentArguments(
        final String registry, final String root, final String cluster, final long jmxDelayMillis, final boolean debug)
    {
        this.registry = registry;
        this.root = root;
        this.cluster = cluster;
        this.jmxDelayMillis = jmxDelayMillis;
        this.debug = debug;
    }

    static AgentArguments parse(final String arguments)
    {
        String registry = null;
        String root = null;
        String cluster = null;
        long jmxDelayMillis = DEFAULT_JMX_DELAY_MILLIS;
        boolean debug = false;
        if (arguments != null)
        {
            for (final String part : arguments.split(","))
            {
                final String item = part.strip();
                final int equals = item.indexOf('=');
                final String key = equals < 0 ? item : item.substring(0, equals).strip();
                final String value = equals < 0 ? "" : item.substring(equals + 1).strip();
                if (item.isEmpty())
                {
                    continue;
                }
                if ("registry".equals(key) && !value.isEmpty())
                {
                    // Checked when first used, with the field that uses it named in the error.
                    registry = value;
                }
                else if ("dir".equals(key) && !value.isEmpty())
                {
                    root = value;
                }
                else if ("cluster".equals(key) && !value.isEmpty())
                {
                    // Read in the background when the agent starts the cluster; a bad file is reported there.
                    cluster = value;
                }
                else if ("jmx".equals(key) && ("off".equals(value) || isMillis(value)))
                {
                    jmxDelayMillis = "off".equals(value) ? JMX_OFF : Long.parseLong(value);
                }
                else if ("log".equals(key) && ("debug".equals(value) || "info".equals(value)))
                {
                    debug = "debug".equals(value);
                }
                else
                {
                    AgentLog.warning("ignoring the argument \"" + item + "\"; the agent takes registry=NAME, dir=PATH, " +
                        "cluster=FILE, jmx=DELAY_MS or jmx=off, and log=debug, separated by commas");
                }
            }
        }
        return new AgentArguments(registry, root, cluster, jmxDelayMillis, debug);
    }

    /** 1 to 18 digits: a delay in milliseconds that a long holds. */
    private static boolean isMillis(final String value)
    {
        if (value.isEmpty() || value.length() > 18)
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (value.charAt(i) < '0' || value.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "registry=" + registry + ", dir=" + root + ", cluster=" + cluster + ", jmx=" + (jmxDelayMillis == JMX_OFF ? "off" : jmxDelayMillis + " ms") +
            ", debug=" + debug;
    }
}
