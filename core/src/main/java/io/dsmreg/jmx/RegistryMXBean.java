package io.dsmreg.jmx;

import java.util.Date;
import java.util.List;

/**
 * {@code io.dsmreg:type=Registry,name=<registry>}: one registry as every process sees it, the
 * JVM's {@code pg_dsm_registry_allocations}. It also emits a notification of type
 * {@value RegistryMBeans#CREATED} or {@value RegistryMBeans#REMOVED}, whose user data is the
 * entry's name, when any process creates or removes an entry.
 */
public interface RegistryMXBean
{
    /** The registry's name. */
    String getName();

    /** The registry's directory. */
    String getDirectory();

    /** How many entries it can hold. */
    int getCapacity();

    /** When it was created. */
    Date getCreatedAt();

    /** Every entry, by any process, sorted by name; an entry still initializing has a null size. */
    List<AllocationInfo> getAllocations();

    /** The number of entries, initialized or not. */
    int getAllocationCount();

    /** The bytes that initialized entries reserve: segment sizes plus what areas and hashes have reserved. */
    long getTotalBytes();

    /** The bytes in use in initialized entries: segment sizes plus what areas and hashes have allocated. */
    long getUsedBytes();

    /** The live processes that have the registry open. */
    List<ProcessInfo> getAttachedProcesses();

    /** How many live processes have the registry open. */
    int getAttachedProcessCount();
}
