package io.dsmreg.jmx;

import java.util.Date;

/**
 * {@code io.dsmreg:type=Allocation,registry=<registry>,name=<quoted entry name>}: one entry, with
 * scalar attributes only, because Prometheus' jmx_exporter skips the array attributes of the
 * registry MBean. Values are at most a fraction of a second old; an entry removed since reads as
 * null sizes until its MBean is unregistered.
 */
public interface AllocationMXBean
{
    /** The entry's name. */
    String getName();

    /** {@code segment}, {@code area} or {@code hash}. */
    String getType();

    /** Whether its initialization has completed. */
    boolean isInitialized();

    /** Reserved bytes (a segment's size); null while initializing. */
    Long getSizeBytes();

    /** Bytes in use (a segment's size; what an area or hash has allocated); null while initializing or unknown. */
    Long getUsedBytes();

    /** A hash's number of entries; null for other types. */
    Long getEntries();

    /** The process that created it, or is initializing it. */
    long getCreatorPid();

    /** When its initialization completed; null before. */
    Date getCreatedAt();
}
