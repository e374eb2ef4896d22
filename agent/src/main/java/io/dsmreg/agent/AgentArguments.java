package io.dsmreg.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code -javaagent:dsmreg.jar=registry=NAME,dir=PATH,cluster=FILE,jmx=DELAY_MS|off,log=debug},
 * every part optional. A part that cannot be understood is a {@linkplain #problems problem}, reported at
 * start-up and skipped: the application starts regardless. {@code registry} and {@code dir} are
 * kept as given, even empty, so that their check ({@link io.dsmreg.internal.inject.FieldValues#checkSettings})
 * refuses them rather than the fields falling back to another registry.
 */
final class AgentArguments
{
    static final long DEFAULT_JMX_DELAY_MILLIS = 2000;
    static final long JMX_OFF = -1;
    private static final Set<String> KEYS = Set.of("registry", "dir", "cluster", "jmx", "log");

    final String registry;
    final String root;
    /** A Hazelcast member or client configuration file that puts the registry on a cluster; null: host-local. */
    final String cluster;
    /** How long after start-up the MBeans are registered, or {@link #JMX_OFF}. */
    final long jmxDelayMillis;
    final boolean debug;
    /** One message per part that was skipped: what it was, and what the agent takes. */
    final List<String> problems;

    private AgentArguments(
        final String registry, final String root, final String cluster, final long jmxDelayMillis, final boolean debug,
        final List<String> problems)
    {
        this.registry = registry;
        this.root = root;
        this.cluster = cluster;
        this.jmxDelayMillis = jmxDelayMillis;
        this.debug = debug;
        this.problems = problems;
    }

    static AgentArguments parse(final String arguments)
    {
        String registry = null;
        String root = null;
        String cluster = null;
        long jmxDelayMillis = DEFAULT_JMX_DELAY_MILLIS;
        boolean debug = false;
        final List<String> problems = new ArrayList<>(0);
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
                if ("registry".equals(key))
                {
                    registry = value;
                }
                else if ("dir".equals(key))
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
                    problems.add("ignoring the argument \"" + item + "\"" + (KEYS.contains(key) ? ": " + key + " takes " +
                        describeValue(key) : "") + "; the agent takes registry=NAME, dir=PATH, cluster=FILE, " +
                        "jmx=DELAY_MS or jmx=off, and log=debug, separated by commas");
                }
            }
        }
        return new AgentArguments(registry, root, cluster, jmxDelayMillis, debug, problems);
    }

    /** What a known key takes, for a part whose value it cannot take. */
    private static String describeValue(final String key)
    {
        switch (key)
        {
            case "jmx":
                return "a delay in milliseconds or off (the default, " + DEFAULT_JMX_DELAY_MILLIS + " ms, applies)";
            case "cluster":
                return "a Hazelcast member or client configuration file (docs/cluster.md)";
            default:
                return "debug or info";
        }
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
        return "registry=" + registry + ", dir=" + root + (cluster == null ? "" : ", cluster=" + cluster) + ", jmx=" +
            (jmxDelayMillis == JMX_OFF ? "off" : jmxDelayMillis + " ms") + ", debug=" + debug;
    }
}
