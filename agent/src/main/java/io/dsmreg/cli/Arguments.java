package io.dsmreg.cli;

import io.dsmreg.RegistryOptions;
import io.dsmreg.internal.file.Directories;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The parsed command line of one command: its positional arguments and options. */
final class Arguments
{
    static final String DIR = "--dir";
    static final String JSON = "--json";
    static final String FORCE = "--force";
    static final String INTERVAL = "--interval-ms";
    static final String COUNT = "--count";
    static final String HELP = "--help";
    static final String CLUSTER = "--cluster";
    static final String BYTES = "--bytes";
    static final String WIDE = "--wide";
    static final String VERSION = "--version";
    /** The width tables fit unless {@value #WIDE} is given: a terminal's default. */
    static final int DEFAULT_WIDTH = 80;

    final List<String> positional = new ArrayList<>();
    Path dir;
    /** A Hazelcast client configuration file: list the cluster's dsmreg maps instead of shared memory. */
    String cluster;
    boolean json;
    boolean force;
    boolean bytes;
    boolean wide;
    boolean help;
    long intervalMs = 1000;
    long count = Long.MAX_VALUE;

    /** A command line that does not fit the command's usage: exit status 2. */
    static final class UsageException extends Exception
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }

    /**
     * Parses {@code args} (after the command name) against the options the command accepts.
     *
     * @throws UsageException for an unknown option, a missing or bad value, or a wrong number of arguments.
     */
    static Arguments parse(
        final String command, final List<String> args, final Set<String> options, final int minPositional,
        final int maxPositional) throws UsageException
    {
        final Arguments parsed = new Arguments();
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            if (arg.equals(HELP) || arg.equals("-h"))
            {
                parsed.help = true;
                return parsed;
            }
            if (!arg.startsWith("--"))
            {
                parsed.positional.add(arg);
                continue;
            }
            final int equals = arg.indexOf('=');
            final String option = equals < 0 ? arg : arg.substring(0, equals);
            if (!options.contains(option))
            {
                throw new UsageException(command + " has no option " + option);
            }
            switch (option)
            {
                case JSON -> parsed.json = true;
                case FORCE -> parsed.force = true;
                case BYTES -> parsed.bytes = true;
                case WIDE -> parsed.wide = true;
                default ->
                {
                    final String value;
                    if (equals >= 0)
                    {
                        value = arg.substring(equals + 1);
                    }
                    else if (i + 1 < args.size())
                    {
                        value = args.get(++i);
                    }
                    else
                    {
                        throw new UsageException(option + " needs a value");
                    }
                    switch (option)
                    {
                        case DIR -> parsed.dir = Path.of(value);
                        case CLUSTER -> parsed.cluster = value;
                        case INTERVAL -> parsed.intervalMs = positive(option, value);
                        case COUNT -> parsed.count = positive(option, value);
                        default -> throw new IllegalStateException("option " + option + " is accepted but not parsed");
                    }
                }
            }
        }
        if (parsed.positional.size() < minPositional)
        {
            throw new UsageException(command + " needs " + (minPositional == 1 ? "a registry name" : minPositional + " arguments"));
        }
        if (parsed.positional.size() > maxPositional)
        {
            throw new UsageException(command + " takes at most " + maxPositional + " argument" + (maxPositional == 1 ? "" : "s") +
                ", got " + parsed.positional);
        }
        return parsed;
    }

    RegistryOptions options()
    {
        // Whatever chose the root, --dir is how a user of the command line chooses another: messages say so.
        Directories.chosenBy(Directories.root(dir).toString(), DIR + " DIR");
        return dir == null ? RegistryOptions.defaults() : RegistryOptions.defaults().root(dir);
    }

    /** How tables are printed: {@value #BYTES} and {@value #WIDE}. */
    Listing.Layout layout()
    {
        return new Listing.Layout(bytes, wide ? Integer.MAX_VALUE : DEFAULT_WIDTH);
    }

    String positional(final int index)
    {
        return index < positional.size() ? positional.get(index) : null;
    }

    private static long positive(final String option, final String value) throws UsageException
    {
        try
        {
            final long parsed = Long.parseLong(value);
            if (parsed > 0)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ex)
        {
            // Reported below with the option's name.
        }
        throw new UsageException(option + " needs a positive whole number, got \"" + value + "\"");
    }
}
