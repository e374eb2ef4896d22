package io.dsmreg.jmx;

import java.util.Date;
import java.util.List;

/**
 * {@code io.dsmreg:type=Registry,name=<registry>}: one registry as every process sees it, the
 * JVM's {@code pg_dsm_registry_allocations}. It also emits a notification of type
 * {@code io.dsmreg.allocation.created} or {@code io.dsmreg.allocation.removed}, whose user data is the
 * entry's name, when any process creates or removes an entry.
 */
public interface RegistryMXBean
{
    /**
     * The registry's name.
     *
     * @return the name it was opened with.
     */
    String getName();

    /**
     * The registry's directory.
     *
     * @return its real path, as {@link io.dsmreg.DsmRegistry#directory()}.
     */
    String getDirectory();

    /**
     * How many entries it can hold.
     *
     * @return the capacity it was created with, a power of two.
     */
    int getCapacity();

    /**
     * When it was created.
     *
     * @return the creation time of its table, to the millisecond.
     */
    Date getCreatedAt();

    /**
     * Every entry, by any process, sorted by name; an entry still initializing has a null size.
     *
     * @return one row per entry, at most a fraction of a second old.
     */
    List<AllocationInfo> getAllocations();

    /**
     * The number of entries, initialized or not.
     *
     * @return the number of rows {@link #getAllocations()} has.
     */
    int getAllocationCount();

    /**
     * The bytes that initialized entries reserve: segment sizes plus what areas and hashes have reserved.
     *
     * @return the sum of the entries' sizes in bytes.
     */
    long getTotalBytes();

    /**
     * The bytes in use in initialized entries: segment sizes plus what areas and hashes have allocated.
     *
     * @return the sum of the entries' bytes in use.
     */
    long getUsedBytes();

    /**
     * The live processes that have the registry open.
     *
     * @return one row per process; records of processes that died are left out.
     */
    List<ProcessInfo> getAttachedProcesses();

    /**
     * How many live processes have the registry open.
     *
     * @return the number of rows {@link #getAttachedProcesses()} has.
     */
    int getAttachedProcessCount();

    /**
     * The registry's maps that this JVM bound to a Hazelcast cluster (the agent's {@code cluster=}
     * setting, docs/cluster.md), beside the host-local entries of {@link #getAllocations()}.
     *
     * @return one row per map this JVM bound, sorted by name; empty when the registry is not on a cluster.
     */
    List<ClusterEntryInfo> getClusterEntries();
}
