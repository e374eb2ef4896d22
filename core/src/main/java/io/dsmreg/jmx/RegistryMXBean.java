package io.dsmreg.jmx;

import java.util.Date;
import java.util.List;

/**
 * {@code io.dsmreg:type=Registry,name=<registry>}: one registry as every process sees it, the
 * JVM's {@code pg_dsm_registry_allocations}. It also emits a notification of type
 * {@code io.dsmreg.allocation.created} or {@code io.dsmreg.allocation.removed}, whose user data is the
 * entry's name, when any process creates or removes an entry.
 */
@Description("A registry of named shared memory (dsmreg) as every process sees it: its entries, their sizes and the " +
    "processes attached to it. Notifications io.dsmreg.allocation.created and io.dsmreg.allocation.removed announce " +
    "entries created or removed by any process")
public interface RegistryMXBean
{
    /**
     * The registry's name.
     *
     * @return the name it was opened with.
     */
    @Description("The registry's name")
    String getName();

    /**
     * The registry's directory.
     *
     * @return its real path, as {@link io.dsmreg.DsmRegistry#directory()}.
     */
    @Description("The registry's directory, <root>/dsmreg-<user>/<registry>")
    String getDirectory();

    /**
     * How many entries it can hold.
     *
     * @return the capacity it was created with, a power of two.
     */
    @Description("How many entries the registry can hold")
    int getCapacity();

    /**
     * When it was created.
     *
     * @return the creation time of its table, to the millisecond.
     */
    @Description("When the registry was created")
    Date getCreatedAt();

    /**
     * Every entry, by any process, sorted by name; an entry still initializing has a null size.
     *
     * @return one row per entry, at most a fraction of a second old.
     */
    @Description("Every entry of the registry, created by any process, sorted by name; one record per entry (sizes in bytes; " +
        "null while the entry is initializing)")
    List<AllocationInfo> getAllocations();

    /**
     * The number of entries, initialized or not.
     *
     * @return the number of rows {@link #getAllocations()} has.
     */
    @Description("The number of entries in the registry, initialized or not; 0 once the registry is removed")
    int getAllocationCount();

    /**
     * The bytes that initialized entries reserve: segment sizes plus what areas and hashes have reserved.
     *
     * @return the sum of the entries' sizes in bytes.
     */
    @Description("Bytes reserved by the registry's entries: segment sizes plus what areas, hashes and queues have reserved; " +
        "0 once the registry is removed")
    @Units(Units.BYTES)
    long getTotalBytes();

    /**
     * The bytes in use in initialized entries: segment sizes plus what areas and hashes have allocated.
     *
     * @return the sum of the entries' bytes in use.
     */
    @Description("Bytes in use in the registry's entries: segment sizes plus what areas and hashes have allocated; 0 once " +
        "the registry is removed")
    @Units(Units.BYTES)
    long getUsedBytes();

    /**
     * The live processes that have the registry open.
     *
     * @return one row per process; records of processes that died are left out.
     */
    @Description("The live processes that have the registry open, with when they started and attached")
    List<ProcessInfo> getAttachedProcesses();

    /**
     * How many live processes have the registry open.
     *
     * @return the number of rows {@link #getAttachedProcesses()} has.
     */
    @Description("How many live processes have the registry open; 0 once the registry is removed")
    int getAttachedProcessCount();

    /**
     * The registry's maps that this JVM bound to a Hazelcast cluster (the agent's {@code cluster=}
     * setting, docs/cluster.md), beside the host-local entries of {@link #getAllocations()}.
     *
     * @return one row per map this JVM bound, sorted by name; empty when the registry is not on a cluster.
     */
    @Description("The registry's maps that this JVM bound to a Hazelcast cluster (the agent's cluster= setting, " +
        "docs/cluster.md): name, type, entry count and the memory this member owns; empty when the registry is host-local")
    List<ClusterEntryInfo> getClusterEntries();

    /**
     * Whether the registry was removed ({@code dsmreg remove --force}, {@link io.dsmreg.DsmRegistry#removeRegistry})
     * while this process had it open. This process keeps the memory it holds, but shares it with no process that
     * opens the registry afterwards; the entries and totals read empty and 0 from then on.
     *
     * @return true once the registry's table is no longer the one at its path.
     */
    @Description("True once the registry was removed (dsmreg remove --force) while this process had it open: this " +
        "process keeps its memory but shares it with no process that opens the registry afterwards; entries and totals " +
        "then read empty and 0. Restart the process to use the registry again")
    boolean isRemoved();
}
