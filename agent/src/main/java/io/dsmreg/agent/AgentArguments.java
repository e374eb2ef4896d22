package io.dsmreg.agent;

/**
 * {@code -javaagent:dsmreg.jar=registry=NAME,dir=PATH,log=debug}, every part optional. A part
 * that cannot be understood is reported and skipped: the application starts regardless.
 */
final class AgentArguments
{
    final String registry;
    final String root;
    final boolean debug;

    private AgentArguments(final String registry, final String root, final boolean debug)
    {
        this.registry = registry;
        this.root = root;
        this.debug = debug;
    }

    static AgentArguments parse(final String arguments)
    {
        String registry = null;
        String root = null;
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
                else if ("log".equals(key) && ("debug".equals(value) || "info".equals(value)))
                {
                    debug = "debug".equals(value);
                }
                else
                {
                    AgentLog.warning("ignoring the argument \"" + item + "\"; the agent takes registry=NAME, dir=PATH and " +
                        "log=debug, separated by commas");
                }
            }
        }
        return new AgentArguments(registry, root, debug);
    }

    @Override
    public String toString()
    {
        return "registry=" + registry + ", dir=" + root + ", debug=" + debug;
    }
}
