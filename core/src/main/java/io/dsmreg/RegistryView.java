package io.dsmreg;

import io.dsmreg.internal.registry.RegistryReader;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only look at a registry, the JVM's {@code pg_dsm_registry_allocations}: what
 * {@link DsmRegistry#entries()}, the MBeans and the {@code dsmreg} command line show.
 * <p>
 * {@link #open(String, RegistryOptions)} never creates a registry, never records this process as
 * attached to it and never takes a lock: every read copies the registry table's slots under their
 * seqlocks, so watching a registry cannot slow down or block the processes that use it, and works
 * whether or not any of them is running. Thread-safe.
 */
public final class RegistryView
{
    private final RegistryReader reader;

    private RegistryView(final RegistryReader reader)
    {
        this.reader = reader;
    }

    /**
     * Looks at the registry {@code name} under {@code options}' root, if it exists.
     *
     * @param name    the registry's name.
     * @param options where the registry lives (only the root is used); not null.
     * @return empty when there is no such registry (or its creator died before finishing its table).
     * @throws InvalidNameException for a name that cannot name a registry.
     * @throws PermissionException  if its directory is not this user's alone, or is a link, or if this user has no
     *                              such registry but another user does, under the same root: only that user can use it.
     * @throws CorruptFileException if its table file is not a registry table of this version, or is
     *                              blank (zeroed) while entry files lie beside it.
     */
    public static Optional<RegistryView> open(final String name, final RegistryOptions options)
    {
        return RegistryReader.open(name, options).map(RegistryView::new);
    }

    /**
     * The names of the registries under {@code options}' root that belong to this user, sorted;
     * empty when there are none. Creates nothing.
     *
     * @param options where to look (only the root is used); not null.
     * @return the registries' names.
     * @throws PermissionException if the user's directory is not this user's alone, or is a link.
     */
    public static List<String> registries(final RegistryOptions options)
    {
        return RegistryReader.registries(options);
    }

    /**
     * The registry's name.
     *
     * @return the name it was opened with.
     */
    public String name()
    {
        return reader.name();
    }

    /**
     * The registry's directory.
     *
     * @return its real path, as {@link DsmRegistry#directory()}.
     */
    public Path directory()
    {
        return reader.directory();
    }

    /**
     * How many entries the registry can hold.
     *
     * @return the capacity it was created with, a power of two.
     */
    public int capacity()
    {
        return reader.capacity();
    }

    /**
     * When the registry was created.
     *
     * @return the creation time of its table, to the millisecond.
     */
    public Instant createdAt()
    {
        return reader.createdAt();
    }

    /**
     * Every entry, created by any process, sorted by name. Entries whose initialization has not
     * completed have a null size, as in PostgreSQL.
     *
     * @return a new list; later changes to the registry do not show in it.
     */
    public List<RegistryEntry> entries()
    {
        return reader.entries();
    }

    /**
     * The processes that have the registry open right now; records of processes that died are left out.
     *
     * @return a new list, in no particular order.
     */
    public List<RegistryProcess> attachedProcesses()
    {
        return reader.attachedProcesses();
    }

    /**
     * Whether the registry was removed since this view was opened ({@code dsmreg remove},
     * {@link DsmRegistry#removeRegistry}), perhaps created anew since: this view then still shows the
     * removed registry's table, which no process opening the registry shares; open a new view to see
     * the registry as it is now.
     *
     * @return true once the table this view reads is no longer the registry's.
     */
    public boolean isRemoved()
    {
        return reader.isRemoved();
    }

    /**
     * A number that changes whenever an entry is created, finishes its initialization or is
     * removed, by any process: a watcher that sees it unchanged need not list the entries again.
     * It does not change when an area's or hash's contents change.
     *
     * @return the current count; compare it for equality only.
     */
    public long changeCount()
    {
        return reader.changeCount();
    }

    /**
     * Checks the registry while it may be in use, without locks and without writing: the table
     * (every slot readable, every entry findable by its name, no name twice, known types), every
     * initialized entry's files (through its type's own checks), and files that no entry refers to.
     * Entries that change while they are checked are skipped rather than reported. A lock that a
     * running process holds throughout is reported with its holder (what it protects is not checked);
     * what a process that died left half done is reported as repairable ({@link DsmRegistry#repair()}).
     *
     * @return one message per problem, naming the entry or file and what to do; empty when consistent.
     */
    public List<String> verify()
    {
        return reader.verify();
    }

    /**
     * The registry's name and directory, for messages and logs.
     *
     * @return a description of this view.
     */
    @Override
    public String toString()
    {
        return "RegistryView{name=\"" + name() + "\", directory=" + directory() + '}';
    }
}
