package io.dsmreg.internal.hash;

import io.dsmreg.internal.layout.HashDescriptor;

import static io.dsmreg.internal.layout.HashDescriptor.KEY_POINTER;
import static io.dsmreg.internal.layout.HashDescriptor.KEY_SHORT;
import static io.dsmreg.internal.layout.HashDescriptor.KEY_STRING;
import static io.dsmreg.internal.layout.HashDescriptor.KIND_MAP;
import static io.dsmreg.internal.layout.HashDescriptor.VALUE_POINTER;

/**
 * Everything about a hash table that is fixed at creation and recorded in its header, so that an
 * attach can be checked against the request.
 *
 * @param kind           SharedHash or SharedMap ({@code HashDescriptor.KIND_*}).
 * @param partitions     a power of two.
 * @param keySize        bytes of the key field at slot offset 0.
 * @param entrySize      bytes of an entry (the slot's payload).
 * @param keyMode        {@code HashDescriptor.KEY_*}.
 * @param keyHash        {@code HashDescriptor.HASH_*}.
 * @param valueMode      {@code HashDescriptor.VALUE_*}.
 * @param valueOffset    of the value field in the slot.
 * @param keyCodecId     maps: the key codec's id; "" for a hash.
 * @param keyCodecSize   maps: its fixed size or -1; 0 for a hash.
 * @param valueCodecId   maps: the value codec's id; "" for a hash.
 * @param valueCodecSize maps: its fixed size or -1; 0 for a hash.
 * @param sizeLimit      the size limit of the table's area.
 * @param expectedEntries maps: the entries it was sized for at creation ({@code MapOptions.expectedEntries}), 0 for none.
 */
public record HashShape(
    int kind, int partitions, int keySize, int entrySize, int keyMode, int keyHash, int valueMode, int valueOffset,
    String keyCodecId, int keyCodecSize, String valueCodecId, int valueCodecSize, long sizeLimit,
    long expectedEntries)
{
    /** Bytes of a slot: the entry rounded up to 8, so every slot is 8-aligned. */
    public int slotSize()
    {
        return (entrySize + 7) & -8;
    }

    /** How a message describes the table's form: {@code keys of 8 bytes, entries of 16 bytes, 128 partitions}. */
    public String describe()
    {
        final String limit = (sizeLimit == Long.MAX_VALUE ? "no size limit" : "size limit " + sizeLimit + " bytes") +
            (expectedEntries == 0 ? "" : ", sized for " + expectedEntries + " entries");
        if (kind == KIND_MAP)
        {
            return "key codec " + describeCodec(keyCodecId, keyCodecSize) + " and value codec " +
                describeCodec(valueCodecId, valueCodecSize) + ", " + partitions + " partitions, " + limit +
                (keyCodecSize >= 0 ? "" : ", keys of up to " + (keyMode == KEY_SHORT ? HashDescriptor.inlineKeyLength(keySize) : 0) +
                    " bytes in the slot");
        }
        return (keyMode == KEY_STRING ? "string keys of " : "keys of ") + keySize + " bytes, entries of " + entrySize +
            " bytes, " + partitions + " partitions, " + limit;
    }

    /** Every key in a block, the key field a pointer. */
    public boolean pointerKeys()
    {
        return keyMode == KEY_POINTER;
    }

    /** Short keys in the slot, longer ones in blocks. */
    public boolean shortKeys()
    {
        return keyMode == KEY_SHORT;
    }

    public boolean pointerValues()
    {
        return valueMode == VALUE_POINTER;
    }

    private static String describeCodec(final String id, final int size)
    {
        return "\"" + id + "\" (" + (size < 0 ? "variable size" : size + " bytes") + ")";
    }
}
