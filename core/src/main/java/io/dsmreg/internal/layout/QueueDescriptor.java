package io.dsmreg.internal.layout;

import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Layout of a named queue's file, {@code <file id>_0.dsm}: a header, the consumer's line, then an
 * Agrona ring buffer ({@code ManyToOneRingBuffer} or {@code OneToOneRingBuffer}: both use Agrona's
 * {@code RecordDescriptor} for records and {@link RingBufferDescriptor} for the trailer), which owns
 * its whole publication protocol.
 * <pre>
 *   offset  field                type   written
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |     0 | magic "dsmregQU"   | long | at creation                                       |
 *  |     8 | major version      | int  | at creation; a reader refuses another one         |
 *  |    12 | minor version      | int  | at creation                                       |
 *  |    16 | header length      | int  | at creation: 256; the ring buffer starts there    |
 *  |    20 | producers          | int  | at creation: 1 one producer, 2 many               |
 *  |    24 | capacity           | long | at creation: the ring's data bytes, a power of 2  |
 *  |    32 | file id            | long | at creation: ties the file to its registry slot   |
 *  |    64 | ready              | long | LAST, with release (HeaderedFile.publish)         |
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |   128 | consumer word      | long | SharedMutex: CAS by a consumer that opens, release |
 *  |       |                    |      |   0 when it closes; pid and start time, 0 = none  |
 *  |   136 | messages received  | long | by the consumer word's holder, release            |
 *  |   144 | unblocks           | long | by the consumer word's holder, release: records   |
 *  |       |                    |      |   of dead producers skipped                       |
 *  |   192 | producer word      | long | SharedMutex, one-producer queues only: CAS by the |
 *  |       |                    |      |   producer that opens, release 0 when it closes   |
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |   256 | ring buffer data   | capacity bytes: Agrona's records, 8-aligned                |
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |   256 | ring buffer trailer| TRAILER_LENGTH bytes: Agrona's tail, head cache, head,     |
 *  | + cap |                    |   correlation counter and heartbeat, each on its own line |
 *  +-------+--------------------+------------------------------------------------------------+
 * </pre>
 */
public final class QueueDescriptor
{
    public static final long MAGIC = Magic.of("dsmregQU");
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;

    /** One producer thread on the host at a time: Agrona's {@code OneToOneRingBuffer}. */
    public static final int PRODUCERS_ONE = 1;
    /** Any number of producers in any processes: Agrona's {@code ManyToOneRingBuffer}. */
    public static final int PRODUCERS_MANY = 2;

    /** {@link #PRODUCERS_ONE} or {@link #PRODUCERS_MANY}. */
    public static final int PRODUCERS_OFFSET = FileHeaderDescriptor.PREFIX_LENGTH;
    /** The ring buffer's data capacity in bytes. */
    public static final int CAPACITY_OFFSET = PRODUCERS_OFFSET + Integer.BYTES;
    /** The file id the registry slot records. */
    public static final int FILE_ID_OFFSET = CAPACITY_OFFSET + Long.BYTES;
    /** The ready word, on the header's second half-line. */
    public static final int READY_OFFSET = 64;
    /** The consumer's line: its lock word first. */
    public static final int CONSUMER_OFFSET = 128;
    /** Messages the consumers have taken from the ring, a counter of the consumer word's holders. */
    public static final int RECEIVED_OFFSET = CONSUMER_OFFSET + Long.BYTES;
    /** Records of dead producers the consumers have skipped with Agrona's {@code unblock()}. */
    public static final int UNBLOCKS_OFFSET = RECEIVED_OFFSET + Long.BYTES;
    /**
     * The producer's word of a {@link #PRODUCERS_ONE} queue, on the second half of the consumer's line: it
     * is written only when a producer opens or closes, never on the send path.
     */
    public static final int PRODUCER_OFFSET = CONSUMER_OFFSET + 64;
    /** Where the ring buffer starts: after the consumer's line. */
    public static final int HEADER_LENGTH = CONSUMER_OFFSET + 128;

    /** The smallest capacity: room for messages of up to 128 bytes (Agrona allows an eighth of the capacity). */
    public static final int MIN_CAPACITY = 1024;
    /** The largest capacity: the file stays one int-indexed mapping. */
    public static final int MAX_CAPACITY = 1 << 30;

    private QueueDescriptor()
    {
    }

    /** The file's length for a ring of {@code capacity} data bytes. */
    public static long fileLength(final int capacity)
    {
        return (long)HEADER_LENGTH + capacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /** Whether {@code capacity} is one a queue may have: a power of two from {@link #MIN_CAPACITY} to {@link #MAX_CAPACITY}. */
    public static boolean isValidCapacity(final long capacity)
    {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && Long.bitCount(capacity) == 1;
    }
}
