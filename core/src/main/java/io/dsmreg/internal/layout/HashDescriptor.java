package io.dsmreg.internal.layout;

import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;

/**
 * Layout of a hash table: its header file {@code <file id>_1024.dsm} (beside the files of the
 * table's own area, parts 0..1023, see {@link AreaDescriptor}) and the bucket tables it allocates
 * in that area, one per partition.
 * <pre>
 *   header file
 *   offset  field                      type  written
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |     0 | magic "dsmregHT"          | long | at creation                                      |
 *  |     8 | major version             | int  | a reader refuses another one                     |
 *  |    12 | minor version             | int  |                                                  |
 *  |    16 | header length             | int  | 256                                              |
 *  |    20 | partition count           | int  | a power of two                                   |
 *  |    24 | file id                   | long | ties the file to its registry slot               |
 *  |    32 | kind                      | int  | 1 SharedHash, 2 SharedMap                        |
 *  |    36 | key size                  | int  | bytes of the key field at slot offset 0          |
 *  |    40 | entry size                | int  | bytes of an entry (hash) / of a slot's payload   |
 *  |    44 | slot size                 | int  | entry size rounded up to 8                       |
 *  |    48 | key mode                  | int  | 0 bytes inline, 1 NUL-padded string inline,      |
 *  |       |                           |      |   2 relative pointer to a block [int len][bytes] |
 *  |    52 | value mode                | int  | 0 none (hash), 1 inline 8 bytes, 2 pointer       |
 *  |    56 | value offset              | int  | of the value field in the slot                   |
 *  |    60 | key codec fixed size      | int  | maps: the codec's fixed size, or -1              |
 *  |    64 | value codec fixed size    | int  |                                                  |
 *  |    72 | key codec id              | 64 B | maps: int length + UTF-8                         |
 *  |   136 | value codec id            | 64 B |                                                  |
 *  |   200 | ready                     | long | LAST, with release                               |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |   256 | partitions                | partition count x 64 bytes, each on its own line:    |
 *  |       |  +0  LOCK word            | long | {@link io.dsmreg.internal.lock.SharedMutex}              |
 *  |       |  +8  version              | long | seqlock: odd while a writer changes what         |
 *  |       |                           |      |   lock-free readers see                          |
 *  |       |  +16 table                | long | relative pointer to the bucket table, 0 = none   |
 *  |       |  +24 resize count         | long | +1 whenever the table is replaced or repaired:   |
 *  |       |                           |      |   processes re-resolve their cached table        |
 *  |       |  +32 live entries         | int  | written under the lock, read without it         |
 *  |       |  +36 tombstones           | int  |                                                  |
 *  |       |  +40 pending table        | long | growth: the new table while it is filled        |
 *  |       |  +48 pending key block    | long | insert: blocks allocated but not yet linked     |
 *  |       |  +56 pending value block  | long |   (a taker frees them unless a slot holds them) |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *
 *   bucket table (an allocation of the area)
 *  +-------+--------------------------+-----+--------------------------------------------------+
 *  |     0 | capacity                  | int  | slots, a multiple of 8                           |
 *  |     4 | slot size                 | int  | as the header's                                  |
 *  |     8 | magic                     | int  | "HTBL"                                           |
 *  |    12 | partition                 | int  | which partition it belongs to                    |
 *  |    16 | groups                    | capacity / 8 x (8 + 8 x slot size) bytes:            |
 *  |       |   +0 control bytes        | 8 B  | per slot: 0x80 empty, 0xFE deleted, 0..0x7F the  |
 *  |       |                           |      |   low 7 bits of the key's hash (a full slot)     |
 *  |       |   +8 slots                | 8 x slot size                                        |
 *  +-------+--------------------------+-----+--------------------------------------------------+
 * </pre>
 * A slot's contents are written before its control byte, and a control byte is one store, so an
 * insert is invisible until it is complete. Groups are probed linearly from the key's home group,
 * {@code (hash bits 7..38 x groups) >>> 32}, until one holds an empty slot; the partition is the
 * hash's top log2(partition count) bits (partition 0 when there is one).
 */
public final class HashDescriptor
{
    public static final long MAGIC = Magic.of("dsmregHT");
    /** 2: keys hashed by Hashing's folded multiply (1: MurmurHash3's finalizer); a table of 1 cannot be read by 2. */
    public static final int MAJOR_VERSION = 2;
    public static final int MINOR_VERSION = 0;
    public static final long READY_VALUE = FileHeaderDescriptor.READY_VALUE;
    /** The header file's part number: past the area's segment numbers. */
    public static final int HEADER_PART = AreaDescriptor.MAX_SEGMENTS;

    public static final int MAGIC_OFFSET = FileHeaderDescriptor.MAGIC_OFFSET;
    public static final int MAJOR_VERSION_OFFSET = FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
    public static final int MINOR_VERSION_OFFSET = FileHeaderDescriptor.MINOR_VERSION_OFFSET;
    public static final int HEADER_LENGTH_OFFSET = FileHeaderDescriptor.HEADER_LENGTH_OFFSET;
    public static final int PARTITION_COUNT_OFFSET = 20;
    public static final int FILE_ID_OFFSET = 24;
    public static final int KIND_OFFSET = 32;
    public static final int KEY_SIZE_OFFSET = 36;
    public static final int ENTRY_SIZE_OFFSET = 40;
    public static final int SLOT_SIZE_OFFSET = 44;
    public static final int KEY_MODE_OFFSET = 48;
    public static final int VALUE_MODE_OFFSET = 52;
    public static final int VALUE_OFFSET_OFFSET = 56;
    public static final int KEY_CODEC_SIZE_OFFSET = 60;
    public static final int VALUE_CODEC_SIZE_OFFSET = 64;
    public static final int KEY_CODEC_ID_OFFSET = 72;
    public static final int VALUE_CODEC_ID_OFFSET = 136;
    public static final int CODEC_ID_LENGTH = 64;
    public static final int READY_OFFSET = 200;
    public static final int HEADER_LENGTH = 256;

    public static final int KIND_HASH = 1;
    public static final int KIND_MAP = 2;

    public static final int KEY_INLINE = 0;
    public static final int KEY_STRING = 1;
    public static final int KEY_POINTER = 2;

    public static final int VALUE_NONE = 0;
    public static final int VALUE_INLINE = 1;
    public static final int VALUE_POINTER = 2;

    public static final int PARTITION_LENGTH = 64;
    public static final int LOCK_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int TABLE_OFFSET = 16;
    public static final int RESIZE_COUNT_OFFSET = 24;
    public static final int LIVE_OFFSET = 32;
    public static final int TOMBSTONES_OFFSET = 36;
    public static final int PENDING_TABLE_OFFSET = 40;
    public static final int PENDING_KEY_OFFSET = 48;
    public static final int PENDING_VALUE_OFFSET = 56;

    public static final int TABLE_CAPACITY_OFFSET = 0;
    public static final int TABLE_SLOT_SIZE_OFFSET = 4;
    public static final int TABLE_MAGIC_OFFSET = 8;
    public static final int TABLE_PARTITION_OFFSET = 12;
    public static final int TABLE_HEADER_LENGTH = 16;
    public static final int TABLE_MAGIC = 0x4C42_5448;

    public static final int GROUP_WIDTH = 8;
    public static final byte CTRL_EMPTY = (byte)0x80;
    public static final byte CTRL_DELETED = (byte)0xFE;

    private HashDescriptor()
    {
    }

    public static int partitionOffset(final int partition)
    {
        return HEADER_LENGTH + partition * PARTITION_LENGTH;
    }

    /** The header file's length for {@code partitions} partitions, whole pages. */
    public static int fileLength(final int partitions)
    {
        return AreaDescriptor.roundUp(partitionOffset(partitions), AreaDescriptor.PAGE_SIZE);
    }

    /** Bytes of one group: its control word and its eight slots. */
    public static int groupLength(final int slotSize)
    {
        return GROUP_WIDTH + GROUP_WIDTH * slotSize;
    }

    /** Bytes of a bucket table of {@code capacity} slots. */
    public static long tableLength(final int capacity, final int slotSize)
    {
        return TABLE_HEADER_LENGTH + (long)(capacity / GROUP_WIDTH) * groupLength(slotSize);
    }
}
