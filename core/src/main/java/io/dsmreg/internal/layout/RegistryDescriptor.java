package io.dsmreg.internal.layout;

/**
 * Layout of a registry's table file, {@code registry.dat}: a header page, a table of the processes
 * attached to the registry, and the open-addressing table of named entries (the "slots").
 * <p>
 * Header:
 * <pre>
 *   offset  field                 type   written
 *  +-------+---------------------+------+-------------------------------------------+
 *  |     0 | magic "dsmregTB"     | long | at creation                               |
 *  |     8 | major version        | int  | at creation; a reader refuses another one |
 *  |    12 | minor version        | int  | at creation; compatible additions         |
 *  |    16 | header length        | int  | at creation (4096)                        |
 *  |    20 | slot length          | int  | at creation (128)                         |
 *  |    24 | slot capacity         | int  | at creation, a power of two               |
 *  |    28 | process capacity     | int  | at creation                               |
 *  |    32 | file length          | long | at creation; a shorter file is refused    |
 *  |    40 | creator pid          | long | at creation                               |
 *  |    48 | created at (epoch ms) | long | at creation                               |
 *  |    56 | next file id         | long | under the table lock                      |
 *  |    64 | table lock holder pid | long | under the table lock (for timeouts)       |
 *  |    72 | dirty slot           | long | under the table lock: slot being written  |
 *  |    80 | removal epoch        | long | under the table lock: +1 per removal      |
 *  |   128 | ready                | long | LAST at creation, with release semantics  |
 *  +-------+---------------------+------+-------------------------------------------+
 *  |  4096 | process table: process capacity x 32 bytes                               |
 *  |   ... | slot table: slot capacity x 128 bytes                                    |
 *  +-------+--------------------------------------------------------------------------+
 * </pre>
 * Process record (32 bytes; {@code pid} is written last and cleared first, so a reader that sees
 * a pid sees the rest):
 * <pre>
 *  |  0 | pid            | long |   |  8 | start time | long |
 *  | 16 | attached at ms | long |   | 24 | (reserved) | long |
 * </pre>
 * Slot (128 bytes, two cache lines). Every write happens under the table lock and is bracketed by
 * the generation, a seqlock: odd while the slot is being written, even when stable, and different
 * after every change, which lets readers copy a slot without any lock and lets a process validate
 * a cached handle with one volatile read.
 * <pre>
 *   offset  field            type
 *  +-------+----------------+------+-----------------------------------------------+
 *  |     0 | generation     | long | seqlock; changes on every write               |
 *  |     8 | state          | int  | EMPTY, INITIALIZING, READY, REMOVED           |
 *  |    12 | type           | int  | segment, area, hash                           |
 *  |    16 | size           | long | requested size (segments), 0 otherwise        |
 *  |    24 | file id        | long | names the entry's files                       |
 *  |    32 | owner pid      | long | creator once READY, initializer before        |
 *  |    40 | owner start    | long | start time of the owner process               |
 *  |    48 | created at     | long | epoch ms of publication                       |
 *  |    56 | name length    | int  | UTF-8 bytes, 1..63                            |
 *  |    60 | name hash      | int  | picks the first slot to probe                 |
 *  |    64 | name           | 64 B | UTF-8 bytes                                   |
 *  +-------+----------------+------+-----------------------------------------------+
 * </pre>
 * The removal epoch changes whenever a published entry stops being published (removed), so a process
 * validates all of its cached handles at once with one read of one hot word, and only after a
 * removal re-checks each handle's slot generation.
 * <p>
 * A crash while holding the table lock can leave one slot with an odd generation; the next holder
 * finds it through "dirty slot" and makes it even again. The state word is written after every
 * other field of a claim, so a half-written claim still reads as free.
 */
public final class RegistryDescriptor
{
    public static final long MAGIC = Magic.of("dsmregTB");
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;
    public static final long READY_VALUE = FileHeaderDescriptor.READY_VALUE;

    public static final int SLOT_LENGTH_OFFSET = 20;
    public static final int SLOT_CAPACITY_OFFSET = 24;
    public static final int PROCESS_CAPACITY_OFFSET = 28;
    public static final int FILE_LENGTH_OFFSET = 32;
    public static final int CREATOR_PID_OFFSET = 40;
    public static final int CREATED_AT_OFFSET = 48;
    public static final int NEXT_FILE_ID_OFFSET = 56;
    public static final int LOCK_HOLDER_PID_OFFSET = 64;
    public static final int DIRTY_SLOT_OFFSET = 72;
    public static final int REMOVAL_EPOCH_OFFSET = 80;
    public static final int READY_OFFSET = 128;
    public static final int HEADER_LENGTH = 4096;

    public static final int PROCESS_RECORD_LENGTH = 32;
    public static final int PROCESS_PID_OFFSET = 0;
    public static final int PROCESS_START_TIME_OFFSET = 8;
    public static final int PROCESS_ATTACHED_AT_OFFSET = 16;
    public static final int DEFAULT_PROCESS_CAPACITY = 1024;

    public static final int SLOT_LENGTH = 128;
    public static final int SLOT_GENERATION_OFFSET = 0;
    public static final int SLOT_STATE_OFFSET = 8;
    public static final int SLOT_TYPE_OFFSET = 12;
    public static final int SLOT_SIZE_OFFSET = 16;
    public static final int SLOT_FILE_ID_OFFSET = 24;
    public static final int SLOT_OWNER_PID_OFFSET = 32;
    public static final int SLOT_OWNER_START_OFFSET = 40;
    public static final int SLOT_CREATED_AT_OFFSET = 48;
    public static final int SLOT_NAME_LENGTH_OFFSET = 56;
    public static final int SLOT_NAME_HASH_OFFSET = 60;
    public static final int SLOT_NAME_OFFSET = 64;
    public static final int MAX_NAME_LENGTH = 63;

    public static final int STATE_EMPTY = 0;
    public static final int STATE_INITIALIZING = 1;
    public static final int STATE_READY = 2;
    public static final int STATE_REMOVED = 3;
    /** Stored in a slot's type field: a segment. */
    public static final int TYPE_SEGMENT = 1;
    /** Stored in a slot's type field: an area. */
    public static final int TYPE_AREA = 2;
    /** Stored in a slot's type field: a hash (or map). */
    public static final int TYPE_HASH = 3;
    /** Stored in a slot's type field: a lock. */
    public static final int TYPE_LOCK = 4;
    /** Stored in a slot's type field: a queue. */
    public static final int TYPE_QUEUE = 5;

    public static final int DEFAULT_SLOT_CAPACITY = 16384;
    public static final int MAX_SLOT_CAPACITY = 1 << 20;

    /** Position of the table lock in {@code registry.lock}; entry i is locked at {@code 1 + i}. */
    public static final long TABLE_LOCK_POSITION = 0;

    private RegistryDescriptor()
    {
    }

    public static int processTableOffset()
    {
        return HEADER_LENGTH;
    }

    public static int processOffset(final int index)
    {
        return HEADER_LENGTH + index * PROCESS_RECORD_LENGTH;
    }

    public static int slotTableOffset(final int processCapacity)
    {
        return HEADER_LENGTH + processCapacity * PROCESS_RECORD_LENGTH;
    }

    public static long fileLength(final int slotCapacity, final int processCapacity)
    {
        return slotTableOffset(processCapacity) + (long)slotCapacity * SLOT_LENGTH;
    }

    public static long entryLockPosition(final int slotIndex)
    {
        return 1L + slotIndex;
    }
}
