package io.dsmreg.internal.layout;

/**
 * Layout of a hash table: its header file {@code <file id>_1024.dsm} (beside the files of the
 * table's own area, parts 0..1023, see {@link AreaDescriptor}), the bucket tables it allocates in
 * that area, one per partition, and the key and value blocks a map allocates there for keys and
 * values that do not fit a slot. {@code io.dsmreg.internal.hash.HashTable} is the only writer of
 * all of it, and the one reader of slots and blocks.
 * <pre>
 *   header file (the prefix is FileHeaderDescriptor's)
 *   offset  field                      type   written
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |     0 | magic "dsmregHT"          | long | at creation                                      |
 *  |     8 | major version             | int  | at creation; a reader refuses another one        |
 *  |    12 | minor version             | int  | at creation                                      |
 *  |    16 | header length             | int  | at creation: 256                                 |
 *  |    20 | partition count           | int  | at creation: a power of two                      |
 *  |    24 | file id                   | long | at creation: ties the file to its registry slot  |
 *  |    32 | kind                      | int  | at creation: 1 SharedHash, 2 SharedMap           |
 *  |    36 | key size                  | int  | at creation: bytes of a slot's key field         |
 *  |    40 | entry size                | int  | at creation: bytes of an entry (hash) or of      |
 *  |       |                           |      |   a slot's two fields (map)                      |
 *  |    44 | slot size                 | int  | at creation: entry size rounded up to 8          |
 *  |    48 | key mode                  | int  | at creation: 0 bytes inline, 1 NUL-padded        |
 *  |       |                           |      |   string inline, 2 pointer to a key block,       |
 *  |       |                           |      |   3 short keys inline, longer ones in a block    |
 *  |    52 | value mode                | int  | at creation: 0 none (hash), 1 inline,            |
 *  |       |                           |      |   2 pointer to a value block                     |
 *  |    56 | value offset              | int  | at creation: of the value field in a slot        |
 *  |    60 | key codec fixed size      | int  | at creation: maps: its fixed size, or -1         |
 *  |    64 | value codec fixed size    | int  | at creation                                      |
 *  |    68 | key hash                  | int  | at creation: 0 Hashing.hashBytes of the key's    |
 *  |       |                           |      |   bytes, 1 Hashing.hashUtf8: Java's String hash  |
 *  |       |                           |      |   of the UTF-8 key, mixed (Codec.STRING's keys)  |
 *  |    72 | key codec id              | 64 B | at creation: maps: int length + UTF-8            |
 *  |   136 | value codec id            | 64 B | at creation                                      |
 *  |   200 | ready                     | long | LAST, with release (HeaderedFile.publish)        |
 *  |   208 | expected entries          | long | at creation (minor version 1; 0 in files of      |
 *  |       |                           |      |   3.0): maps sized up front, 0 for none; each    |
 *  |       |                           |      |   partition's table never has fewer slots than   |
 *  |       |                           |      |   its share of them needs                        |
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |   256 | partitions                | partition count x 64 bytes, each on its own line:       |
 *  |       | +0  LOCK word             | long | SharedMutex: a CAS by its taker                  |
 *  |       | +8  version               | long | SeqLock, under the lock: odd (then a release     |
 *  |       |                           |      |   fence) before a change lock-free readers       |
 *  |       |                           |      |   could see, even (release) after it             |
 *  |       | +16 table                 | long | inside an odd version: relative pointer to       |
 *  |       |                           |      |   the bucket table, 0 = none yet                 |
 *  |       | +24 resize count          | long | inside an odd version, +1 whenever the table     |
 *  |       |                           |      |   is replaced or repaired: processes then        |
 *  |       |                           |      |   re-resolve their cached view of the table      |
 *  |       | +32 live entries          | int  | under the lock, release (after the control       |
 *  |       |                           |      |   byte); read without it by size(), listings     |
 *  |       | +36 tombstones            | int  | under the lock, plain; recounted by a repair     |
 *  |       | +40 pending table         | long | under the lock, release: growth names the new    |
 *  |       |                           |      |   table before filling it and clears the name    |
 *  |       |                           |      |   after the swap; a repair frees it unless it    |
 *  |       |                           |      |   is the table                                   |
 *  |       | +48 pending key block     | long | under the lock, release: an insert names its     |
 *  |       | +56 pending value block   | long |   blocks before claiming a slot (a replace       |
 *  |       |                           |      |   its new value block before linking it) and     |
 *  |       |                           |      |   clears them after the write; a repair frees    |
 *  |       |                           |      |   them unless a full slot links them             |
 *  +-------+---------------------------+------+--------------------------------------------------+
 *
 *   bucket table (an allocation of the area)
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |     0 | capacity                  | int  | before the table is linked: slots, a             |
 *  |       |                           |      |   multiple of 8                                  |
 *  |     4 | slot size                 | int  | before the table is linked: the header's         |
 *  |     8 | magic                     | int  | before the table is linked: "HTBL"               |
 *  |    12 | partition                 | int  | before the table is linked                       |
 *  |    16 | groups                    | capacity / 8 x (8 + 8 x slot size) bytes:               |
 *  |       |   +0 control bytes        | 8 B  | per slot: 0x80 empty, 0xFE deleted, 0..0x7F      |
 *  |       |                           |      |   the low 7 bits of the key's hash (full);       |
 *  |       |                           |      |   one volatile store, inside an odd version      |
 *  |       |   +8 slots                | 8 x slot size bytes                                     |
 *  +-------+---------------------------+------+--------------------------------------------------+
 *
 *   slot: the entry (SharedHash: key first, then the caller's bytes), or a map's two fields
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |     0 | key field                 | key size bytes: the encoded key inline (padded          |
 *  |       |                           | with zeros), or in pointer mode the relative            |
 *  |       |                           | pointer to its key block, or in short mode one          |
 *  |       |                           | of the two forms below; plain, before the               |
 *  |       |                           | control byte                                            |
 *  | value | value field               | long | maps: the encoded value inline (up to 8          |
 *  |offset |                           |      |   bytes, padded with zeros), or in pointer       |
 *  |       |                           |      |   mode the relative pointer to its value block;  |
 *  |       |                           |      |   plain, before the control byte; a value        |
 *  |       |                           |      |   update is this one store, in an odd version    |
 *  +-------+---------------------------+------+--------------------------------------------------+
 *
 *   key field in short mode (key size: 16 or more, a multiple of 8)
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |     0 | length                    | int  | 0 to key size - 4: the key is here, a block      |
 *  |       |                           |      |   in the slot; KEY_IN_BLOCK (-1): it is not      |
 *  |     4 | bytes                     | length bytes, the encoding (inline form)                |
 *  |     8 | key block                 | long | block form: relative pointer to its key block    |
 *  +-------+---------------------------+------+--------------------------------------------------+
 *
 *   key or value block (an allocation of the area, for a field in pointer mode)
 *  +-------+---------------------------+------+--------------------------------------------------+
 *  |     0 | length                    | int  | before the block is named pending                |
 *  |     4 | bytes                     | length bytes, the encoding: before it is named          |
 *  +-------+---------------------------+------+--------------------------------------------------+
 * </pre>
 * A slot's contents are written before its control byte, and a control byte is one store, so an
 * insert is invisible until it is complete. Groups are probed linearly from the key's home group,
 * {@code (hash bits 7..38 x groups) >>> 32}, until one holds an empty slot; the partition is the
 * hash's top log2(partition count) bits (partition 0 when there is one). A map's key is inline when
 * its codec has a fixed size of up to {@link #MAX_INLINE_KEY} bytes, its value when its codec has a
 * fixed size of up to {@link #VALUE_FIELD_LENGTH} bytes; every other field is a pointer to a block, except
 * the keys of a variable-size codec, which are in short mode unless the map was created with an inline
 * key length of 0 (then every key is a pointer to a block, key mode {@link #KEY_POINTER}): in short mode
 * a key of up to key size - 4 bytes is kept in the slot, in the form of a block, and a longer one in a
 * block of its own (the default key field of {@link #DEFAULT_SHORT_KEY_FIELD} bytes keeps keys of up to
 * 28 bytes in the slot).
 * Partition locks are {@link io.dsmreg.internal.lock.SharedMutex}es and versions
 * {@link io.dsmreg.internal.lock.SeqLock}s; the header file is created, published and attached
 * through {@link io.dsmreg.internal.file.HeaderedFile}.
 */
public final class HashDescriptor
{
    /** The header file's magic number. */
    public static final long MAGIC = Magic.of("dsmregHT");
    /**
     * 3: short keys in the slot (key mode 3), which a reader of 2 would take for inline keys; 2: keys
     * hashed by Hashing's folded multiply (1: MurmurHash3's finalizer). A reader reads its own version only.
     */
    public static final int MAJOR_VERSION = 3;
    /** Compatible revisions of version 3. 1: the expected entries (0 in files of 3.0, which is what they mean). */
    public static final int MINOR_VERSION = 1;
    /** The header file's part number: past the area's segment numbers. */
    public static final int HEADER_PART = AreaDescriptor.MAX_SEGMENTS;

    /** The number of partitions, a power of two. */
    public static final int PARTITION_COUNT_OFFSET = FileHeaderDescriptor.PREFIX_LENGTH;
    /** The registry's file id of the table. */
    public static final int FILE_ID_OFFSET = PARTITION_COUNT_OFFSET + Integer.BYTES;
    /** {@link #KIND_HASH} or {@link #KIND_MAP}. */
    public static final int KIND_OFFSET = FILE_ID_OFFSET + Long.BYTES;
    /** Bytes of a slot's key field. */
    public static final int KEY_SIZE_OFFSET = KIND_OFFSET + Integer.BYTES;
    /** Bytes of an entry: of a slot's fields. */
    public static final int ENTRY_SIZE_OFFSET = KEY_SIZE_OFFSET + Integer.BYTES;
    /** Bytes of a slot: the entry size rounded up to 8. */
    public static final int SLOT_SIZE_OFFSET = ENTRY_SIZE_OFFSET + Integer.BYTES;
    /** One of {@code KEY_*}. */
    public static final int KEY_MODE_OFFSET = SLOT_SIZE_OFFSET + Integer.BYTES;
    /** One of {@code VALUE_*}. */
    public static final int VALUE_MODE_OFFSET = KEY_MODE_OFFSET + Integer.BYTES;
    /** The offset of the value field in a slot. */
    public static final int VALUE_OFFSET_OFFSET = VALUE_MODE_OFFSET + Integer.BYTES;
    /** Maps: the key codec's fixed size, or -1. */
    public static final int KEY_CODEC_SIZE_OFFSET = VALUE_OFFSET_OFFSET + Integer.BYTES;
    /** Maps: the value codec's fixed size, or -1. */
    public static final int VALUE_CODEC_SIZE_OFFSET = KEY_CODEC_SIZE_OFFSET + Integer.BYTES;
    /** One of {@code HASH_*}: how a key's bytes are hashed. */
    public static final int KEY_HASH_OFFSET = VALUE_CODEC_SIZE_OFFSET + Integer.BYTES;
    /** Maps: the key codec's id, an int length and UTF-8. */
    public static final int KEY_CODEC_ID_OFFSET = KEY_HASH_OFFSET + Integer.BYTES;
    /** Bytes reserved for a codec id: its length and its UTF-8. */
    public static final int CODEC_ID_LENGTH = 64;
    /** Maps: the value codec's id. */
    public static final int VALUE_CODEC_ID_OFFSET = KEY_CODEC_ID_OFFSET + CODEC_ID_LENGTH;
    /** The ready word, written last ({@link io.dsmreg.internal.file.HeaderedFile#publish}). */
    public static final int READY_OFFSET = VALUE_CODEC_ID_OFFSET + CODEC_ID_LENGTH;
    /** The entries a map was sized for at creation, 0 for none. */
    public static final int EXPECTED_ENTRIES_OFFSET = READY_OFFSET + Long.BYTES;
    /** The header's length: past the last field, to the next cache line, where the partitions start. */
    public static final int HEADER_LENGTH = AreaDescriptor.roundUp(EXPECTED_ENTRIES_OFFSET + Long.BYTES, 64);

    public static final int KIND_HASH = 1;
    public static final int KIND_MAP = 2;

    /** Key field: the key's bytes. */
    public static final int KEY_INLINE = 0;
    /** Key field: a UTF-8 string padded with NULs. */
    public static final int KEY_STRING = 1;
    /** Key field: a relative pointer to a key block. */
    public static final int KEY_POINTER = 2;
    /** Key field: a short key in the slot in the form of a block, or {@link #KEY_IN_BLOCK} and a pointer to a key block. */
    public static final int KEY_SHORT = 3;

    /** Key hash: {@code Hashing.hashBytes} of the key's bytes. */
    public static final int HASH_BYTES = 0;
    /**
     * Key hash: {@code Hashing.hashUtf8}, Java's String hash of the key's UTF-8 decoding, mixed; a Java
     * process then takes the hash a String caches instead of reading its characters first.
     */
    public static final int HASH_UTF8 = 1;

    /** No value field: SharedHash, whose entry is the caller's. */
    public static final int VALUE_NONE = 0;
    /** Value field: the value's bytes, padded with zeros. */
    public static final int VALUE_INLINE = 1;
    /** Value field: a relative pointer to a value block. */
    public static final int VALUE_POINTER = 2;

    /** A partition's lock word ({@link io.dsmreg.internal.lock.SharedMutex}). */
    public static final int LOCK_OFFSET = 0;
    /** A partition's seqlock version ({@link io.dsmreg.internal.lock.SeqLock}). */
    public static final int VERSION_OFFSET = LOCK_OFFSET + Long.BYTES;
    /** A partition's bucket table pointer. */
    public static final int TABLE_OFFSET = VERSION_OFFSET + Long.BYTES;
    /** How often a partition's table was replaced or repaired. */
    public static final int RESIZE_COUNT_OFFSET = TABLE_OFFSET + Long.BYTES;
    /** A partition's live entries. */
    public static final int LIVE_OFFSET = RESIZE_COUNT_OFFSET + Long.BYTES;
    /** A partition's deleted slots. */
    public static final int TOMBSTONES_OFFSET = LIVE_OFFSET + Integer.BYTES;
    /** The table a growth is filling, until it is linked. */
    public static final int PENDING_TABLE_OFFSET = TOMBSTONES_OFFSET + Integer.BYTES;
    /** The key block a write allocated, until it is linked. */
    public static final int PENDING_KEY_OFFSET = PENDING_TABLE_OFFSET + Long.BYTES;
    /** The value block a write allocated, until it is linked. */
    public static final int PENDING_VALUE_OFFSET = PENDING_KEY_OFFSET + Long.BYTES;
    /** Bytes of a partition record: one cache line. */
    public static final int PARTITION_LENGTH = PENDING_VALUE_OFFSET + Long.BYTES;

    /** A bucket table's slot count. */
    public static final int TABLE_CAPACITY_OFFSET = 0;
    /** A bucket table's slot size, checked against the header's. */
    public static final int TABLE_SLOT_SIZE_OFFSET = TABLE_CAPACITY_OFFSET + Integer.BYTES;
    /** {@link #TABLE_MAGIC}. */
    public static final int TABLE_MAGIC_OFFSET = TABLE_SLOT_SIZE_OFFSET + Integer.BYTES;
    /** The partition a bucket table belongs to. */
    public static final int TABLE_PARTITION_OFFSET = TABLE_MAGIC_OFFSET + Integer.BYTES;
    /** Bytes before a bucket table's first group. */
    public static final int TABLE_HEADER_LENGTH = TABLE_PARTITION_OFFSET + Integer.BYTES;
    /** "HTBL", little-endian. */
    public static final int TABLE_MAGIC = 0x4C42_5448;

    /** Slots per group, and bytes of a group's control word. */
    public static final int GROUP_WIDTH = 8;
    public static final byte CTRL_EMPTY = (byte)0x80;
    public static final byte CTRL_DELETED = (byte)0xFE;

    /** The key field's offset in a slot. */
    public static final int KEY_FIELD_OFFSET = 0;
    /** Bytes of a map's value field: an inline value or a pointer, one 8-byte store either way. */
    public static final int VALUE_FIELD_LENGTH = Long.BYTES;
    /** The largest fixed key size a map keeps inline; larger and variable-size keys are blocks. */
    public static final int MAX_INLINE_KEY = 32;

    /** Short mode: the key field's length word, the key's length when it is in the slot. */
    public static final int SHORT_KEY_LENGTH_OFFSET = KEY_FIELD_OFFSET;
    /** Short mode: where the bytes of a key in the slot start. */
    public static final int SHORT_KEY_DATA_OFFSET = SHORT_KEY_LENGTH_OFFSET + Integer.BYTES;
    /** Short mode: where the pointer to the key block of a key not in the slot is. */
    public static final int SHORT_KEY_BLOCK_OFFSET = KEY_FIELD_OFFSET + Long.BYTES;
    /** Short mode: the length word of a key that is in a block of its own. */
    public static final int KEY_IN_BLOCK = -1;
    /** Short mode: the smallest key field, room for the length word and the block pointer. */
    public static final int MIN_SHORT_KEY_FIELD = SHORT_KEY_BLOCK_OFFSET + Long.BYTES;
    /** Short mode: the largest key field. */
    public static final int MAX_SHORT_KEY_FIELD = 256;
    /** Short mode: the key field maps of variable-size keys get unless their options say otherwise. */
    public static final int DEFAULT_SHORT_KEY_FIELD = 32;

    /** A block's length: bytes of its encoding. */
    public static final int BLOCK_LENGTH_OFFSET = 0;
    /** A block's encoding. */
    public static final int BLOCK_DATA_OFFSET = BLOCK_LENGTH_OFFSET + Integer.BYTES;

    static
    {
        if (HEADER_LENGTH != 256 || READY_OFFSET != 200 || EXPECTED_ENTRIES_OFFSET != 208 || PARTITION_LENGTH != 64 || TABLE_HEADER_LENGTH != 16 ||
            KEY_HASH_OFFSET + Integer.BYTES > KEY_CODEC_ID_OFFSET || (FILE_ID_OFFSET & 7) != 0 ||
            (VERSION_OFFSET & 7) != 0 || (PENDING_TABLE_OFFSET & 7) != 0 || SHORT_KEY_DATA_OFFSET != BLOCK_DATA_OFFSET ||
            SHORT_KEY_BLOCK_OFFSET < SHORT_KEY_DATA_OFFSET)
        {
            throw new ExceptionInInitializerError("HashDescriptor offsets overlap, are misaligned or moved");
        }
    }

    private HashDescriptor()
    {
    }

    /** The offset of partition {@code partition}'s record in the header file. */
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

    /** The value field's offset in a map's slot: after a key field of {@code keySize} bytes, 8-aligned. */
    public static int valueFieldOffset(final int keySize)
    {
        return AreaDescriptor.roundUp(KEY_FIELD_OFFSET + keySize, Long.BYTES);
    }

    /** Short mode: the key field that keeps keys of up to {@code inlineKeyLength} bytes in the slot. */
    public static int shortKeyField(final int inlineKeyLength)
    {
        return Math.max(MIN_SHORT_KEY_FIELD, AreaDescriptor.roundUp(SHORT_KEY_DATA_OFFSET + inlineKeyLength, Long.BYTES));
    }

    /** Short mode: the longest key a key field of {@code keySize} bytes keeps in the slot. */
    public static int inlineKeyLength(final int keySize)
    {
        return keySize - SHORT_KEY_DATA_OFFSET;
    }

    /** Bytes of a block holding an encoding of {@code length} bytes. */
    public static long blockLength(final int length)
    {
        return BLOCK_DATA_OFFSET + (long)length;
    }
}
