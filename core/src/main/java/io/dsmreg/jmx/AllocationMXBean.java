package io.dsmreg.jmx;

import java.util.Date;

/**
 * {@code io.dsmreg:type=Allocation,registry=<registry>,allocationType=<type>,name=<entry name>}: one
 * entry, with scalar attributes only, because Prometheus' jmx_exporter skips the array attributes of
 * the registry MBean. The name is quoted ({@link javax.management.ObjectName#quote}) only when it holds
 * a character an ObjectName value cannot hold unquoted. Values are at most a fraction of a second old; an entry removed since reads as
 * null sizes until its MBean is unregistered.
 */
@Description("One entry of a registry of named shared memory (dsmreg): its type, size and creator, created by any " +
    "process. Registered while the entry exists")
public interface AllocationMXBean
{
    /**
     * The entry's name.
     *
     * @return its name in the registry, unquoted.
     */
    @Description("The entry's name in its registry, unquoted")
    String getName();

    /**
     * {@code segment}, {@code area} or {@code hash}.
     *
     * @return the {@link io.dsmreg.EntryType#label() label} of the entry's type; {@code unknown} for a type this
     *         version of dsmreg does not know; null once the entry is removed.
     */
    @Description("The entry's type: segment, area, hash, lock or queue; null once the entry is removed")
    String getType();

    /**
     * Whether its initialization has completed.
     *
     * @return true once the entry is published; false while initializing and once removed.
     */
    @Description("Whether the entry's initialization has completed; false while initializing and once removed")
    boolean isInitialized();

    /**
     * Reserved bytes (a segment's size); null while initializing.
     *
     * @return a segment's requested size, or an area's or hash's reserved bytes (all of its files).
     */
    @Description("Bytes the entry reserves: a segment's size, or all the files of an area, hash or queue; null while " +
        "initializing")
    @Units(Units.BYTES)
    Long getSizeBytes();

    /**
     * Bytes in use (a segment's size; what an area or hash has allocated); null while initializing or unknown.
     *
     * @return bytes in use.
     */
    @Description("Bytes in use: a segment's size, what an area or hash has allocated, a queue's bytes waiting; null while " +
        "initializing")
    @Units(Units.BYTES)
    Long getUsedBytes();

    /**
     * A hash's number of entries; null for other types.
     *
     * @return the number of entries; null also while initializing and once removed.
     */
    @Description("A hash's number of entries (a queue's messages received); null for other types and while initializing")
    Long getEntries();

    /**
     * The process that created it, or is initializing it.
     *
     * @return its operating system process id; 0 once the entry is removed.
     */
    @Description("The process that created the entry, or is initializing it; 0 once the entry is removed")
    long getCreatorPid();

    /**
     * When its initialization completed; null before.
     *
     * @return the time of publication, to the millisecond; null also once removed.
     */
    @Description("When the entry's initialization completed; null before")
    Date getCreatedAt();

    /**
     * A lock's state in words: {@code free}, {@code exclusive by pid 12 since <instant>, 2 waiting},
     * {@code shared by pids 12, 40, 0 waiting}; null for other types.
     *
     * @return the lock's {@link io.dsmreg.LockState#describe() state}, read without taking the lock.
     */
    @Description("A lock's state in words: free, exclusive by pid N since <instant>, shared by pids N, M; null for other " +
        "types")
    String getLock();

    /**
     * A queue's state in words: {@code capacity 1048576, 128 bytes waiting (producer at 4224, consumer at 4096),
     * consumer pid 12, 50 sent, 48 received, 0 unblocked}; null for other types.
     *
     * @return the queue's {@link io.dsmreg.QueueState#describe() state}, read without locks.
     */
    @Description("A queue's state in words: capacity, bytes waiting, producer and consumer positions, consumer pid, " +
        "messages sent, received and unblocked; null for other types")
    String getQueue();
}
