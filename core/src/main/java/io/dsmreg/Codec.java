package io.dsmreg;

import io.dsmreg.internal.map.BuiltInCodecs;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a {@link SharedMap} turns keys and values into bytes in shared memory and back.
 * <pre>{@code
 * record Point(int x, int y) {}
 * Codec<Point> POINT = new Codec<>()
 * {
 *     public String id() { return "com.example.point-v1"; }
 *     public int fixedSize() { return 8; }
 *     public void encode(Point p, MutableDirectBuffer b, int at) { b.putInt(at, p.x()); b.putInt(at + 4, p.y()); }
 *     public Point decode(DirectBuffer b, int at, int length) { return new Point(b.getInt(at), b.getInt(at + 4)); }
 * };
 * }</pre>
 * The id and fixed size are recorded in the map when it is created: a process that asks for the
 * map with a codec of another id or size gets {@link EntryMismatchException}. Change the id when
 * the encoding changes. Keys are compared and hashed by their encoded bytes, so equal keys must
 * encode to equal bytes (and values are compared by their bytes in {@code replace} and
 * {@code remove(key, value)}). A codec must be stateless and thread-safe; {@code decode} may be
 * given bytes that another thread is changing and then sees its result discarded.
 *
 * @param <T> the type it encodes; never null.
 */
public interface Codec<T>
{
    /** {@link #fixedSize()} of a codec whose values take different sizes. */
    int VARIABLE_SIZE = -1;

    /** A {@code Long} as 8 bytes in the platform's order; maps of Long keys and values have primitive fast paths. */
    Codec<Long> LONG = BuiltInCodecs.LONG;
    /** An {@code Integer} as 4 bytes in the platform's order. */
    Codec<Integer> INTEGER = BuiltInCodecs.INTEGER;
    /**
     * A {@code String} as UTF-8. A String with an unpaired surrogate (a char of a surrogate pair without its other
     * half), which UTF-8 cannot encode, is refused with an {@link IllegalArgumentException} ({@link CodecException}
     * from a map or a queue), not written as {@code '?'} as {@code String.getBytes} would: that would make two keys one.
     */
    Codec<String> STRING = BuiltInCodecs.STRING;
    /** A {@code byte[]} as itself; compared by contents. */
    Codec<byte[]> BYTES = BuiltInCodecs.BYTES;

    /**
     * A stable name of the encoding, at most 60 bytes of UTF-8, recorded in the map.
     *
     * @return the id, 1 to 60 bytes of UTF-8; the same on every call.
     */
    String id();

    /**
     * The size of every encoded value, or {@link #VARIABLE_SIZE}.
     *
     * @return bytes, from 0 to {@link SharedMap#MAX_KEY_SIZE}, or {@link #VARIABLE_SIZE}; the same on every call.
     */
    int fixedSize();

    /**
     * The size of {@code value} encoded; for fixed-size codecs {@link #fixedSize()}. A map calls it
     * only when the codec is of {@link #VARIABLE_SIZE}, before {@link #encode}.
     *
     * @param value the value to encode; never null.
     * @return bytes, from 0; at most {@link SharedMap#MAX_KEY_SIZE} for keys and {@link SharedMap#MAX_VALUE_SIZE}
     *         for values.
     */
    default int size(final T value)
    {
        return fixedSize();
    }

    /**
     * Writes exactly {@link #size(Object)} bytes of {@code value} at {@code offset}.
     *
     * @param value  the value to encode; never null.
     * @param buffer where to write; writing past {@code offset + size(value)} is a {@link CodecException}.
     * @param offset the index of the first byte to write.
     */
    void encode(T value, MutableDirectBuffer buffer, int offset);

    /**
     * Reads a value from the {@code length} bytes at {@code offset}.
     *
     * @param buffer holds the encoded bytes; read it, never keep it: it is reused.
     * @param offset the index of the first byte.
     * @param length how many bytes {@link #encode} wrote: {@link #fixedSize()} or {@link #size(Object)}.
     * @return the value, never null.
     */
    T decode(DirectBuffer buffer, int offset, int length);
}
