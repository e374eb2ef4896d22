package io.dsmreg.cli;

import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryEntry;
import io.dsmreg.RegistryInUseException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryProcess;
import io.dsmreg.RegistryView;
import io.dsmreg.internal.file.Directories;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code dsmreg <command>} (the launcher beside dsmreg.jar), or {@code java -jar dsmreg.jar <command>}:
 * look at, check and remove registries from a shell,
 * whether or not any JVM is using them. Reading commands ({@code list}, {@code stat},
 * {@code verify}) go through {@link RegistryView}: they never create a registry, never attach to
 * one and never take a lock, so they cannot slow down or block the JVMs that use it.
 * <p>
 * Exit status: {@value #OK} success; {@value #PROBLEM} a problem was found, a registry or entry is
 * missing, or a removal was refused; {@value #USAGE} the command line was wrong.
 */
public final class Main
{
    static final int OK = 0;
    static final int PROBLEM = 1;
    static final int USAGE = 2;

    private static final String DIR_HELP =
        "  --dir D           the root directory holding dsmreg-<user>/ (default: -Ddsmreg.dir, $DSMREG_DIR,\n" +
        "                    /dev/shm where it exists, else java.io.tmpdir)\n";
    private static final String TABLE_HELP =
        "  --bytes           sizes in bytes (default: for people, as 4.0 KiB, 1.1 MiB)\n" +
        "  --wide            every column in full (default: fit " + Arguments.DEFAULT_WIDTH + " columns, leaving out creator pid,\n" +
        "                    created at, entries and used in that order, then shortening names)\n";

    private enum Command
    {
        LIST("list [registry] [--json] [--bytes] [--wide] [--dir D] [--cluster CLIENT_CONFIG]", 0, 1,
            Set.of(Arguments.DIR, Arguments.JSON, Arguments.BYTES, Arguments.WIDE, Arguments.CLUSTER),
            "Lists the entries of a registry (name | type | size | used | entries | creator pid | created at,\n" +
            "then lock, queue and state where an entry has them), or, without a registry, the registries of this\n" +
            "user. An entry still initializing has no size and the state initializing; an initialized entry whose\n" +
            "files cannot be read has the state damaged (dsmreg verify says why). Times are UTC.\n\n" +
            "  --json            print JSON instead of a table (sizes always in bytes, every field)\n" + TABLE_HELP + DIR_HELP +
            "  --cluster F       list the registry's maps (or every registry's) on the Hazelcast cluster that the\n" +
            "                    client configuration F reaches, instead of this host's shared memory. Needs\n" +
            "                    dsmreg-cluster.jar and hazelcast.jar on the class path: java --add-exports\n" +
            "                    java.base/jdk.internal.misc=ALL-UNNAMED -cp dsmreg.jar:dsmreg-cluster.jar:hazelcast.jar\n" +
            "                    io.dsmreg.cli.Main list --cluster F\n"),
        STAT("stat [registry] [--interval-ms N] [--count N] [--bytes] [--wide] [--dir D]", 0, 1,
            Set.of(Arguments.DIR, Arguments.INTERVAL, Arguments.COUNT, Arguments.BYTES, Arguments.WIDE),
            "Shows what list shows, refreshed every second until interrupted (Ctrl-C).\n\n" +
            "  --interval-ms N   refresh every N milliseconds (default 1000)\n" +
            "  --count N         stop after N refreshes\n" + TABLE_HELP + DIR_HELP),
        REMOVE("remove <registry> [name] [--force] [--dir D]", 1, 2, Set.of(Arguments.DIR, Arguments.FORCE),
            "Removes the entry <name> of a registry, or the whole registry with every entry and its directory.\n" +
            "Refuses while processes have the registry open, and names them.\n\n" +
            "  --force           remove anyway: attached processes keep their memory, but it is no longer\n" +
            "                    shared with processes that ask for it afterwards\n" + DIR_HELP),
        VERIFY("verify <registry>... [--dir D]", 1, Integer.MAX_VALUE, Set.of(Arguments.DIR),
            "Checks registries without locking or changing them: the table (every slot readable, every entry\n" +
            "findable by its name, known types), every entry's files (headers, lengths, each type's own\n" +
            "consistency checks), and files that belong to no entry. Prints each problem found; a lock a\n" +
            "running process holds is reported with its holder instead of waited for, and what a process\n" +
            "that died left half done is reported as repairable (see repair).\n\n" + DIR_HELP),
        REPAIR("repair <registry> [name] [--dir D]", 1, 2, Set.of(Arguments.DIR),
            "Repairs what processes that died left half done, in entry <name> or in every entry: rolls back\n" +
            "their unfinished area operations, repairs hash partitions whose writer died, returns the free\n" +
            "blocks exited processes cached to their areas. Processes using an entry do this themselves on\n" +
            "their next operation; repair does it now, and says what it fixed. It takes the locks it needs,\n" +
            "waiting at most the registry's timeout for each, and counts as attached while it runs.\n\n" + DIR_HELP),
        HELP("help [command]", 0, 1, Set.of(), "Prints the usage of every command, or of one.\n");

        private final String synopsis;
        private final int minPositional;
        private final int maxPositional;
        private final Set<String> options;
        private final String description;

        Command(final String synopsis, final int minPositional, final int maxPositional, final Set<String> options,
            final String description)
        {
            this.synopsis = synopsis;
            this.minPositional = minPositional;
            this.maxPositional = maxPositional;
            this.options = options;
            this.description = description;
        }

        String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        static Command named(final String name)
        {
            for (final Command command : values())
            {
                if (command.label().equals(name))
                {
                    return command;
                }
            }
            return null;
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    private Main(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit status. */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return new Main(out, err).run(Arrays.asList(args));
    }

    private int run(final List<String> args)
    {
        if (args.isEmpty() || args.get(0).equals(Arguments.HELP) || args.get(0).equals("-h"))
        {
            (args.isEmpty() ? err : out).print(usage());
            return args.isEmpty() ? USAGE : OK;
        }
        if (args.get(0).equals(Arguments.VERSION))
        {
            out.println(version());
            return OK;
        }
        final Command command = Command.named(args.get(0));
        if (command == null)
        {
            err.println("dsmreg: unknown command \"" + args.get(0) + "\"\n");
            err.print(usage());
            return USAGE;
        }
        final Arguments arguments;
        try
        {
            arguments = Arguments.parse(command.label(), args.subList(1, args.size()), command.options,
                command.minPositional, command.maxPositional);
        }
        catch (final Arguments.UsageException ex)
        {
            err.println("dsmreg: " + ex.getMessage() + "\nusage: dsmreg " + command.synopsis + "\n(dsmreg help " +
                command.label() + " for more)");
            return USAGE;
        }
        if (arguments.help)
        {
            out.print(help(command));
            return OK;
        }
        try
        {
            return switch (command)
            {
                case LIST -> list(arguments);
                case STAT -> stat(arguments);
                case REMOVE -> remove(arguments);
                case VERIFY -> verify(arguments);
                case REPAIR -> repair(arguments);
                case HELP -> help(arguments);
            };
        }
        catch (final DsmRegistryException ex)
        {
            err.println("dsmreg: " + ex.getMessage());
            return PROBLEM;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Commands
    // ---------------------------------------------------------------------------------------------

    private int list(final Arguments arguments)
    {
        final String registry = arguments.positional(0);
        if (arguments.cluster != null)
        {
            ClusterListing.print(arguments.cluster, registry, arguments.json, arguments.layout(), out);
            return OK;
        }
        if (registry == null)
        {
            final List<Listing.Summary> summaries = summaries(arguments.options());
            if (arguments.json)
            {
                out.println(Listing.registriesJson(userDirectory(arguments.options()), summaries));
            }
            else
            {
                Listing.printRegistries(summaries, arguments.layout(), out);
            }
            return reportProblems(summaries);
        }
        final Optional<RegistryView> view = RegistryView.open(registry, arguments.options());
        if (view.isEmpty())
        {
            return noSuchRegistry(registry, arguments.options());
        }
        final List<RegistryEntry> entries = view.get().entries();
        if (arguments.json)
        {
            out.println(Listing.entriesJson(view.get(), entries));
        }
        else
        {
            Listing.printEntries(entries, arguments.layout(), out);
        }
        return OK;
    }

    private int stat(final Arguments arguments)
    {
        final String registry = arguments.positional(0);
        final RegistryOptions options = arguments.options();
        if (registry != null && RegistryView.open(registry, options).isEmpty())
        {
            return noSuchRegistry(registry, options);
        }
        // On a terminal each frame replaces the last, as AeronStat does; piped, frames follow each other.
        final boolean terminal = System.console() != null && out == System.out;
        for (long frame = 0; frame < arguments.count; frame++)
        {
            if (frame > 0)
            {
                if (!sleep(arguments.intervalMs))
                {
                    return OK;
                }
                out.print(terminal ? "\u001b[H\u001b[2J" : "\n");
            }
            if (registry == null)
            {
                out.println("dsmreg stat - registries in " + userDirectory(options) + " - " + Formats.timestamp(Instant.now()));
                Listing.printRegistries(summaries(options), arguments.layout(), out);
            }
            else
            {
                // Opened afresh every frame, so that a registry removed and created again is followed.
                final Optional<RegistryView> view = RegistryView.open(registry, options);
                if (view.isPresent())
                {
                    final List<RegistryEntry> entries = view.get().entries();
                    out.println(Listing.statHeading(view.get(), entries, arguments.layout(), Instant.now()));
                    Listing.printEntries(entries, arguments.layout(), out);
                }
                else
                {
                    out.println("dsmreg stat - registry " + registry + " does not exist (any more) - " +
                        Formats.timestamp(Instant.now()));
                }
            }
            out.flush();
        }
        return OK;
    }

    private int remove(final Arguments arguments)
    {
        final String registry = arguments.positional(0);
        final String entry = arguments.positional(1);
        final RegistryOptions options = arguments.options();
        if (entry == null)
        {
            try
            {
                if (!DsmRegistry.removeRegistry(registry, options, arguments.force))
                {
                    return noSuchRegistry(registry, options);
                }
            }
            catch (final RegistryInUseException ex)
            {
                err.println("dsmreg: refused: " + ex.getMessage());
                describeProcesses(RegistryView.open(registry, options).map(RegistryView::attachedProcesses).orElse(List.of()));
                return PROBLEM;
            }
            out.println("removed registry " + registry);
            return OK;
        }
        final Optional<RegistryView> view = RegistryView.open(registry, options);
        if (view.isEmpty())
        {
            return noSuchRegistry(registry, options);
        }
        final List<RegistryProcess> attached = view.get().attachedProcesses();
        if (!attached.isEmpty() && !arguments.force)
        {
            final String pids = attached.stream().map(process -> String.valueOf(process.pid())).collect(Collectors.joining(", "));
            err.println("dsmreg: refused: registry \"" + registry + "\" is in use by " +
                (attached.size() == 1 ? "process " : "processes ") + pids + "; stop " + (attached.size() == 1 ? "it" : "them") +
                " first, or remove with --force (processes holding the entry keep its memory, no longer shared with " +
                "processes that ask for it afterwards)");
            describeProcesses(attached);
            return PROBLEM;
        }
        try (DsmRegistry open = DsmRegistry.open(registry, options))
        {
            if (!open.remove(entry))
            {
                err.println("dsmreg: registry \"" + registry + "\" has no entry \"" + entry + "\"");
                return PROBLEM;
            }
        }
        out.println("removed entry \"" + entry + "\" of registry " + registry);
        return OK;
    }

    private int verify(final Arguments arguments)
    {
        int status = OK;
        for (int i = 0; arguments.positional(i) != null; i++)
        {
            status = Math.max(status, verify(arguments.positional(i), arguments));
        }
        return status;
    }

    private int verify(final String registry, final Arguments arguments)
    {
        final Optional<RegistryView> view;
        try
        {
            view = RegistryView.open(registry, arguments.options());
        }
        catch (final DsmRegistryException ex)
        {
            out.println("registry " + registry + ": 1 problem");
            out.println("  " + ex.getMessage());
            return PROBLEM;
        }
        if (view.isEmpty())
        {
            return noSuchRegistry(registry, arguments.options());
        }
        final List<String> problems = view.get().verify();
        final int entries = view.get().entries().size();
        out.println("registry " + registry + " at " + view.get().directory() + ": " + view.get().capacity() + " slots, " +
            entries + (entries == 1 ? " entry" : " entries") + " checked");
        for (final String problem : problems)
        {
            out.println("  problem: " + problem);
        }
        out.println(problems.isEmpty() ? "ok: no problems found" :
            problems.size() + (problems.size() == 1 ? " problem" : " problems") + " found");
        return problems.isEmpty() ? OK : PROBLEM;
    }

    private int repair(final Arguments arguments)
    {
        final String registry = arguments.positional(0);
        final String entry = arguments.positional(1);
        final RegistryOptions options = arguments.options();
        if (RegistryView.open(registry, options).isEmpty())
        {
            return noSuchRegistry(registry, options);
        }
        final List<String> repaired;
        try (DsmRegistry open = DsmRegistry.open(registry, options))
        {
            repaired = entry == null ? open.repair() : open.repair(entry);
        }
        for (final String fixed : repaired)
        {
            out.println("repaired: " + fixed);
        }
        out.println(repaired.isEmpty() ? "ok: nothing needed repair in " + (entry == null ? "registry " + registry :
            "entry \"" + entry + "\" of registry " + registry) : repaired.size() + (repaired.size() == 1 ? " repair" : " repairs") + " made");
        return OK;
    }

    private int help(final Arguments arguments)
    {
        final String name = arguments.positional(0);
        if (name == null)
        {
            out.print(usage());
            return OK;
        }
        final Command command = Command.named(name);
        if (command == null)
        {
            err.println("dsmreg: unknown command \"" + name + "\"\n");
            err.print(usage());
            return USAGE;
        }
        out.print(help(command));
        return OK;
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private static List<Listing.Summary> summaries(final RegistryOptions options)
    {
        final List<Listing.Summary> summaries = new ArrayList<>();
        for (final String name : RegistryView.registries(options))
        {
            summaries.add(Listing.Summary.of(name, options));
        }
        return summaries;
    }

    private int reportProblems(final List<Listing.Summary> summaries)
    {
        int status = OK;
        for (final Listing.Summary summary : summaries)
        {
            if (summary.problem() != null)
            {
                err.println("dsmreg: registry " + summary.name() + ": " + summary.problem());
                status = PROBLEM;
            }
        }
        return status;
    }

    private void describeProcesses(final List<RegistryProcess> processes)
    {
        for (final RegistryProcess process : processes)
        {
            final String command = ProcessHandle.of(process.pid())
                .flatMap(handle -> handle.info().commandLine().or(() -> handle.info().command()))
                .orElse("(command unknown)");
            err.println("  pid " + process.pid() + ", attached since " + Formats.timestamp(process.attachedAt()) + ": " + command);
        }
    }

    /**
     * This user has no such registry: when another user has one, that is the answer (a
     * PermissionException naming the owner, as RegistryView gives it); one in a directory of another
     * user that this one cannot look into may exist all the same, and the message says so.
     */
    private int noSuchRegistry(final String registry, final RegistryOptions options)
    {
        final Path root = Directories.root(options.root());
        Directories.checkNotAnotherUsersRegistry(root, registry);
        err.println("dsmreg: no registry \"" + registry + "\" in " + userDirectory(options));
        final List<String> others = Directories.unreadableOtherUserDirectories(root);
        if (!others.isEmpty())
        {
            err.println("  the same root holds the registries of other users, which this user cannot look into: " +
                String.join("; ", others) + ". If \"" + registry + "\" is one of theirs, only its user can use it: run as that user");
        }
        return PROBLEM;
    }

    private static String userDirectory(final RegistryOptions options)
    {
        return Directories.userDirectory(Directories.root(options.root())).toString();
    }

    private boolean sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String usage()
    {
        final StringBuilder usage = new StringBuilder("usage: dsmreg <command> [arguments]\n" +
            "       (the launcher beside dsmreg.jar; java -jar dsmreg.jar <command> [arguments] is the same)\n\ncommands:\n");
        for (final Command command : Command.values())
        {
            usage.append("  ").append(command.synopsis).append('\n');
        }
        return usage.append("\n'dsmreg help <command>' or '<command> --help' describes a command; 'dsmreg --version' prints " +
            "the version.\n").append(exitStatus()).toString();
    }

    private static String help(final Command command)
    {
        return "usage: dsmreg " + command.synopsis + "\n\n" + command.description + "\n" + exitStatus();
    }

    /** From the manifest of dsmreg.jar; classes run from elsewhere (a build's classes directory) have none. */
    private static String version()
    {
        final String version = Main.class.getPackage().getImplementationVersion();
        return "dsmreg " + (version == null ? "(version unknown: not run from dsmreg.jar)" : version);
    }

    private static String exitStatus()
    {
        return "exit status: " + OK + " success; " + PROBLEM + " a problem was found, a registry or entry is missing, " +
            "or a removal was refused;\n             " + USAGE + " the command line was wrong.\n";
    }
}
