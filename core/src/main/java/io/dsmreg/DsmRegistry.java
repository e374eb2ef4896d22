package io.dsmreg;

import io.dsmreg.internal.area.AreaKind;
import io.dsmreg.internal.hash.HashKind;
import io.dsmreg.internal.queue.QueueKind;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.segment.SegmentKind;
import io.dsmreg.internal.sharedlock.LockKind;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A registry of named shared memory, shared by every process of this user on this host that opens
 * the same name: the JVM's counterpart of PostgreSQL's DSM registry.
 * <pre>{@code
 * try (DsmRegistry registry = DsmRegistry.open("orders"))
 * {
 *     NamedSegment state = registry.segment("orders.state", 4096, (buffer, start) -> buffer.putLong(0, start), 7L);
 *     state.buffer().getAndAddLong(0, 1);
 * }
 * }</pre>
 * The first process that asks for a name creates and initializes it, exactly once on the host,
 * even when processes race or the initializer dies half-way; every other process attaches to it.
 * Entries outlive the processes that use them, until {@link #remove(String)}.
 * <p>
 * Instances are thread-safe. Opening the same registry twice in one JVM shares one set of mappings
 * and one set of locks; each instance must be closed, and the last close releases them. Handles
 * returned by a registry stay valid after it is closed. Once closed, an instance throws
 * {@link DsmRegistryException} from every method that reads or changes the registry.
 */
public final class DsmRegistry implements AutoCloseable
{
    private final OpenRegistry registry;
    private volatile boolean closed;

    private DsmRegistry(final OpenRegistry registry)
    {
        this.registry = registry;
    }

    /**
     * Creates the registry {@code name}, or joins it if it exists, with default options.
     *
     * @param name letters, digits, '.', '_' and '-', at most 63 characters (it names a directory).
     * @return a new handle of the registry; close it when done.
     * @throws DsmRegistryException as {@link #open(String, RegistryOptions)}.
     */
    public static DsmRegistry open(final String name)
    {
        return open(name, RegistryOptions.defaults());
    }

    /**
     * Creates the registry {@code name}, or joins it if it exists.
     *
     * @param name    letters, digits, '.', '_' and '-', at most 63 characters (it names a directory).
     * @param options where the registry lives, how long to wait, how many entries a new one holds;
     *                null for {@link RegistryOptions#defaults()}.
     * @return a new handle of the registry; close it when done.
     * @throws InvalidNameException  for a name that cannot name a directory.
     * @throws PermissionException   if its directory is not this user's alone, or is a link.
     * @throws CorruptFileException  if its table file is not a registry table of this version, or is blank (zeroed)
     *                               while entry files lie beside it: it is refused, never recreated over them.
     * @throws OutOfSpaceException   if there is no room for a new table file.
     * @throws LockTimeoutException  if another process held the registry's table lock longer than the timeout.
     */
    public static DsmRegistry open(final String name, final RegistryOptions options)
    {
        return new DsmRegistry(OpenRegistry.acquire(name, options == null ? RegistryOptions.defaults() : options));
    }

    /**
     * The registry's name.
     *
     * @return the name it was opened with.
     */
    public String name()
    {
        return registry.name();
    }

    /**
     * The registry's directory, {@code <root>/dsmreg-<user>/<name>}.
     *
     * @return its real path, symbolic links of the root resolved.
     */
    public Path directory()
    {
        return registry.directory();
    }

    /**
     * {@link #segment(String, long, SegmentInitializer, Object)} with no initializer: zeroed memory.
     *
     * @param name the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param size bytes of shared memory, from 1 to 2 GiB minus 4 KiB (2,147,479,552).
     * @return the segment's handle.
     * @throws DsmRegistryException as {@link #segment(String, long, SegmentInitializer, Object)}.
     */
    public NamedSegment segment(final String name, final long size)
    {
        return segment(name, size, null, null);
    }

    /**
     * Returns the named segment, creating and initializing it if no process has: PostgreSQL's
     * {@code GetNamedDSMSegment}.
     * <p>
     * The first caller on the host creates {@code size} zeroed bytes and runs
     * {@code init.initialize(buffer, arg)}; all others, in this and other processes, wait for that
     * and attach. {@link NamedSegment#found()} tells which happened. Asking again in the same process
     * returns the same mapping.
     *
     * @param name the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param size bytes of shared memory, from 1 to 2 GiB minus 4 KiB (2,147,479,552).
     * @param init run once on the host to fill the new segment; null for zeroed memory.
     * @param arg  passed to {@code init}.
     * @param <A>  the type of {@code arg}.
     * @return the segment's handle; {@link NamedSegment#found()} tells whether this call initialized it.
     * @throws InvalidNameException   for a null, empty or too long name.
     * @throws InvalidSizeException   for a size out of range.
     * @throws EntryMismatchException if the name exists as another type or with another size.
     * @throws OutOfSpaceException    if the file system or the registry is full.
     * @throws LockTimeoutException   if another process held the entry longer than the timeout.
     */
    public <A> NamedSegment segment(final String name, final long size, final SegmentInitializer<? super A> init, final A arg)
    {
        return SegmentKind.segment(open(), name, size, init, arg);
    }

    /**
     * {@link #area(String, AreaOptions)} without options: joins the area as it is, or creates it with the defaults.
     *
     * @param name the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @return the area; the same instance on every call in this process.
     * @throws DsmRegistryException as {@link #area(String, AreaOptions)}.
     */
    public SharedArea area(final String name)
    {
        return area(name, null);
    }

    /**
     * Returns the named area, creating it if no process has: PostgreSQL's {@code GetNamedDSA}.
     * Asking again in the same process returns the same instance (PostgreSQL refuses to attach
     * twice). An area's files take no space until its first allocation.
     *
     * @param name    the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param options the options of a new area; for an existing one, null accepts its options and
     *                anything else must equal them.
     * @return the area; the same instance on every call in this process.
     * @throws InvalidNameException   for a null, empty or too long name.
     * @throws EntryMismatchException if the name exists as another type, or with other options.
     * @throws OutOfSpaceException    if the file system or the registry is full.
     * @throws LockTimeoutException   if another process held the entry longer than the timeout.
     */
    public SharedArea area(final String name, final AreaOptions options)
    {
        return AreaKind.area(open(), name, options);
    }

    /**
     * Returns the named hash table, creating it if no process has: PostgreSQL's {@code GetNamedDSHash}.
     * Its memory is an area of its own plus a header file; {@link #remove} removes them all.
     *
     * @param name   the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param params its key and entry sizes, key kind, partitions and size limit; an existing hash
     *               must have been created with equal ones.
     * @return the hash; the same instance on every call in this process with equal parameters.
     * @throws NullPointerException   if {@code params} is null.
     * @throws InvalidNameException   for a null, empty or too long name.
     * @throws EntryMismatchException if the name exists as another type, as a map, or with other parameters.
     * @throws OutOfSpaceException    if the file system or the registry is full.
     * @throws LockTimeoutException   if another process held the entry longer than the timeout.
     */
    public SharedHash hash(final String name, final HashParams params)
    {
        Objects.requireNonNull(params, "params");
        return HashKind.hash(open(), name, params);
    }

    /**
     * {@link #map(String, Codec, Codec, MapOptions)} with {@link MapOptions#defaults()}.
     *
     * @param name       the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param keyCodec   encodes the keys.
     * @param valueCodec encodes the values.
     * @param <K>        the keys' type.
     * @param <V>        the values' type.
     * @return the map.
     * @throws DsmRegistryException as {@link #map(String, Codec, Codec, MapOptions)}.
     */
    public <K, V> SharedMap<K, V> map(final String name, final Codec<K> keyCodec, final Codec<V> valueCodec)
    {
        return map(name, keyCodec, valueCodec, MapOptions.defaults());
    }

    /**
     * Returns the named {@link SharedMap}, creating it if no process has. A map is a hash table
     * (listed as type hash) that records its codecs' ids and sizes: asking for it with other codecs
     * or options is an {@link EntryMismatchException} naming both.
     *
     * @param name       the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param keyCodec   encodes the keys; its id and fixed size are recorded in a new map.
     * @param valueCodec encodes the values; its id and fixed size are recorded in a new map.
     * @param options    partitions and size limit; an existing map must have been created with equal ones.
     * @param <K>        the keys' type.
     * @param <V>        the values' type.
     * @return the map; the same instance on every call in this process with the same codec instances.
     * @throws NullPointerException     if a codec or {@code options} is null.
     * @throws IllegalArgumentException if a codec's id is empty or has more than 60 bytes of UTF-8, or its
     *                                  fixed size is neither {@link Codec#VARIABLE_SIZE} nor 0 to
     *                                  {@link SharedMap#MAX_KEY_SIZE}.
     * @throws InvalidNameException     for a null, empty or too long name.
     * @throws EntryMismatchException   if the name exists as another type, as a plain hash, or with other codecs
     *                                  or options.
     * @throws OutOfSpaceException      if the file system or the registry is full.
     * @throws LockTimeoutException     if another process held the entry longer than the timeout.
     */
    public <K, V> SharedMap<K, V> map(
        final String name, final Codec<K> keyCodec, final Codec<V> valueCodec, final MapOptions options)
    {
        Objects.requireNonNull(options, "options");
        return HashKind.map(open(), name, keyCodec, valueCodec, options);
    }

    /**
     * Returns the named lock, creating it free if no process has: a {@link SharedLock}, PostgreSQL's
     * LWLock and ConditionVariable between processes (docs/locks.md). Its waits are bounded by this
     * registry's timeout.
     *
     * @param name the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @return the lock; the same instance on every call in this process.
     * @throws InvalidNameException   for a null, empty or too long name.
     * @throws EntryMismatchException if the name exists as another type.
     * @throws OutOfSpaceException    if the file system or the registry is full.
     * @throws LockTimeoutException   if another process held the entry longer than the timeout.
     */
    public SharedLock lock(final String name)
    {
        return LockKind.lock(open(), name);
    }

    /**
     * The lock inside a segment, beside the data it protects, as PostgreSQL keeps an LWLock in a named
     * segment: {@link SharedLock#initialize} made it in the segment's initializer. Call it once per
     * process and keep the instance: reentry is detected per instance. Its waits are bounded by this
     * registry's timeout.
     *
     * @param segment a segment of this registry.
     * @param offset  where the lock starts: a multiple of {@link SharedLock#ALIGNMENT}.
     * @return a new handle of the lock.
     * @throws IllegalArgumentException if the lock does not fit the segment or is not aligned.
     * @throws CorruptFileException     if no lock was initialized there, or it is damaged.
     */
    public SharedLock lock(final NamedSegment segment, final int offset)
    {
        Objects.requireNonNull(segment, "segment");
        return LockKind.inSegment(open(), segment, offset);
    }

    /**
     * {@link #queue(String, int, QueueOptions)} without options: joins the queue as it is, or creates it with many producers.
     *
     * @param name     the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param capacity the ring buffer's bytes: a power of two from 1024 to 1 GiB.
     * @return the queue; the same instance on every call in this process.
     * @throws DsmRegistryException as {@link #queue(String, int, QueueOptions)}.
     */
    public SharedQueue queue(final String name, final int capacity)
    {
        return queue(name, capacity, null);
    }

    /**
     * Returns the named message queue, creating it if no process has: PostgreSQL's {@code shm_mq} on
     * Agrona's ring buffers, many producers (or one) and one consumer at a time (docs/queues.md).
     *
     * @param name     the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @param capacity the ring buffer's bytes: a power of two from 1024 to 1 GiB; messages take up to an eighth of it.
     * @param options  the options of a new queue; for an existing one, null accepts its options and anything
     *                 else must equal them.
     * @return the queue; the same instance on every call in this process.
     * @throws InvalidNameException   for a null, empty or too long name.
     * @throws InvalidSizeException   for a capacity that is not a power of two in range.
     * @throws EntryMismatchException if the name exists as another type, or with another capacity or options.
     * @throws OutOfSpaceException    if the file system or the registry is full.
     * @throws LockTimeoutException   if another process held the entry longer than the timeout.
     */
    public SharedQueue queue(final String name, final int capacity, final QueueOptions options)
    {
        return QueueKind.queue(open(), name, capacity, options);
    }

    /**
     * Removes the entry {@code name} and deletes its files; PostgreSQL cannot do this. Waits for an
     * initialization in progress to finish. Processes that still hold a handle keep valid memory,
     * no longer shared with anyone who asks afresh; the next request for the name creates a new entry.
     *
     * @param name the entry's name: 1 to 63 bytes of UTF-8, any characters.
     * @return true if the entry existed.
     * @throws InvalidNameException for a null, empty or too long name.
     * @throws LockTimeoutException if another process held the entry longer than the timeout.
     * @throws DsmRegistryException if called from the entry's own initializer.
     */
    public boolean remove(final String name)
    {
        return open().remove(name);
    }

    /**
     * Repairs what processes that died left half done, in every entry, now rather than at each
     * entry's next use: rolls back the unfinished operations of areas (and of the areas of hashes and
     * maps), repairs hash partitions whose writer died, returns free blocks that exited processes
     * cached to their areas, and reports a registry table slot left mid-write. Processes that use an
     * entry do the same on their own when they meet such a state; this is what {@code dsmreg repair}
     * runs. It takes the locks it needs with waits bounded by the registry's timeout.
     *
     * @return what was repaired, one sentence each naming the entry; empty when nothing needed it.
     * @throws LockTimeoutException if a live process held a lock longer than the timeout.
     */
    public List<String> repair()
    {
        return open().repairAll();
    }

    /**
     * {@link #repair()} for the entry {@code name} alone.
     *
     * @param name the entry to repair.
     * @return what was repaired, one sentence each; empty when nothing needed it.
     * @throws InvalidNameException for a null, empty or too long name.
     * @throws DsmRegistryException if the registry has no entry {@code name}.
     * @throws LockTimeoutException if a live process held a lock longer than the timeout.
     */
    public List<String> repair(final String name)
    {
        return open().repair(name);
    }

    /**
     * Every entry of the registry, created by any process, sorted by name: the rows of PostgreSQL's
     * {@code pg_dsm_registry_allocations}. Reads without locks; entries whose initialization has
     * not completed have a null size. {@link RegistryView} reads the same without opening the registry.
     *
     * @return a new list; later changes to the registry do not show in it.
     */
    public List<RegistryEntry> entries()
    {
        return open().entries();
    }

    /**
     * Registers the registry's MBeans with the platform MBeanServer, for JConsole, VisualVM and
     * Prometheus' jmx_exporter: {@code io.dsmreg:type=Registry,name=<registry>} with the table of
     * every entry, and one {@code io.dsmreg:type=Allocation,registry=<registry>,name=<entry>} per
     * entry, kept current as any process creates and removes entries (docs/observability.md).
     * <p>
     * Once per JVM and registry: further calls share the registration, which lasts until every
     * returned handle is closed, or until the JVM's last handle of the registry is closed.
     *
     * @return this call's share of the registration; close it to end it.
     * @throws DsmRegistryException if another registry of the same name (under another root) has
     *                              registered its MBeans in this JVM.
     */
    public MBeans registerMBeans()
    {
        return open().registerMBeans();
    }

    /**
     * Deletes the registry {@code name} with every entry in it and its directory. Refuses while
     * live processes have it open unless {@code force}: forced, they keep their memory, but it is
     * no longer shared with processes that open the registry afterwards.
     *
     * @param name    the registry's name.
     * @param options where the registry lives and how long to wait for its table lock; null for
     *                {@link RegistryOptions#defaults()}.
     * @param force   true to delete it even while live processes have it open, or when its table file is corrupt.
     * @return false if there is no such registry.
     * @throws InvalidNameException   for a name that cannot name a registry.
     * @throws PermissionException    if its directory is not this user's alone, or is a link.
     * @throws CorruptFileException   if its table file is corrupt and {@code force} is false.
     * @throws LockTimeoutException   if another process held its table lock longer than the timeout.
     * @throws RegistryInUseException if processes have it open and {@code force} is false; names them.
     * @throws DsmRegistryException   if this process has it open.
     */
    public static boolean removeRegistry(final String name, final RegistryOptions options, final boolean force)
    {
        return OpenRegistry.removeRegistry(name, options == null ? RegistryOptions.defaults() : options, force);
    }

    /** Releases this handle; the last handle of the JVM releases the registry's locks and files. */
    @Override
    public void close()
    {
        if (!closed)
        {
            synchronized (this)
            {
                if (closed)
                {
                    return;
                }
                closed = true;
            }
            registry.release();
        }
    }

    /**
     * The registry's name and directory, and whether this handle is closed, for messages and logs.
     *
     * @return a description of this handle.
     */
    @Override
    public String toString()
    {
        return "DsmRegistry{name=\"" + registry.name() + "\", directory=" + registry.directory() + (closed ? ", closed}" : "}");
    }

    private OpenRegistry open()
    {
        if (closed)
        {
            throw new DsmRegistryException("registry \"" + registry.name() + "\" is closed; open it again with DsmRegistry.open");
        }
        return registry;
    }

    /** A registration of a registry's MBeans, from {@link #registerMBeans()}; closing it twice is harmless. */
    public interface MBeans extends AutoCloseable
    {
        /** Ends this registration; the MBeans go when the registry's last registration ends. */
        @Override
        void close();
    }
}
