package io.dsmreg.internal.lock;

import io.dsmreg.CorruptFileException;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Function;

/**
 * A write-ahead undo log in shared memory that makes a critical section all-or-nothing when its
 * process dies half-way: every write to shared metadata under the lock goes through
 * {@link #putInt}/{@link #putLong}, which first record the old value; {@link #commit()} empties the
 * log at the end. Whoever takes over the lock from a dead owner ({@link SharedMutex#lock} returned
 * true) calls {@link #rollback} and finds the metadata exactly as it was before the dead owner's
 * operation began. A thread that fails half-way (an exception) rolls back the same way.
 * <pre>
 *   count (int, at countOffset; best on the lock's cache line)
 *   entries (at entriesOffset, 8-aligned), capacity x 16 bytes:
 *  +--------------------------------------------------------------+------------------+
 *  | target: part (bits 40..63) | offset (bits 1..39) | long? (bit 0) | old value (long) |
 *  +--------------------------------------------------------------+------------------+
 * </pre>
 * A part names one of the files the protected state spans (0, 1, ...), since each process maps
 * them at its own address; {@link Parts} turns it back into a buffer. Ordering: an entry is
 * complete before the count includes it (release), and the count includes it before the write it
 * undoes (release store of the new value), so a dead process's log always covers its writes.
 * Rolling back is idempotent: a taker that dies while rolling back leaves the log for the next one.
 * <p>
 * Writes that need no undo (to memory nobody can reach until the operation commits, such as pages
 * just taken from a free list) may be made directly; they must be harmless if rolled-back state
 * makes that memory unreachable again.
 */
public final class UndoLog
{
    /** Bytes per entry. */
    public static final int ENTRY_LENGTH = 16;

    private static final int PART_SHIFT = 40;
    private static final long OFFSET_MASK = (1L << PART_SHIFT) - 1;

    /** Turns the part numbers of logged writes back into buffers of this process. */
    @FunctionalInterface
    public interface Parts
    {
        UnsafeBuffer part(int part);
    }

    private final UnsafeBuffer log;
    private final int countOffset;
    private final int entriesOffset;
    private final int capacity;
    private final Function<String, CorruptFileException> corrupt;

    /**
     * @param corrupt the error for a log whose contents cannot be right (a count or an entry damaged
     *                outside dsmreg), worded by the owner of the file that holds it.
     */
    public UndoLog(
        final UnsafeBuffer log, final int countOffset, final int entriesOffset, final int capacity,
        final Function<String, CorruptFileException> corrupt)
    {
        log.boundsCheck(countOffset, Integer.BYTES);
        log.boundsCheck(entriesOffset, capacity * ENTRY_LENGTH);
        this.log = log;
        this.countOffset = countOffset;
        this.entriesOffset = entriesOffset;
        this.capacity = capacity;
        this.corrupt = corrupt;
    }

    /** Writes {@code value} at {@code offset} of {@code buffer} (file {@code part}), logging the old value first. */
    public void putInt(final int part, final UnsafeBuffer buffer, final int offset, final int value)
    {
        final int old = buffer.getInt(offset);
        if (old != value)
        {
            append(((long)part << PART_SHIFT) | ((long)offset << 1), old);
            // Release: the log entry and count are visible before the change they undo.
            buffer.putIntRelease(offset, value);
        }
    }

    /** Writes {@code value} at {@code offset} of {@code buffer} (file {@code part}), logging the old value first. */
    public void putLong(final int part, final UnsafeBuffer buffer, final int offset, final long value)
    {
        final long old = buffer.getLong(offset);
        if (old != value)
        {
            append(((long)part << PART_SHIFT) | ((long)offset << 1) | 1, old);
            // Release: the log entry and count are visible before the change they undo.
            buffer.putLongRelease(offset, value);
        }
    }

    /** Ends the operation: its writes stay. Release, so they are all visible before the log is empty. */
    public void commit()
    {
        log.putIntRelease(countOffset, 0);
    }

    public boolean isEmpty()
    {
        return log.getIntVolatile(countOffset) == 0;
    }

    /**
     * Undoes the logged writes, newest first, and empties the log; returns how many there were.
     * Every entry is checked before anything is undone, so a damaged log changes nothing.
     *
     * @throws CorruptFileException if the count or an entry cannot be right.
     */
    public int rollback(final Parts parts)
    {
        final int count = log.getIntVolatile(countOffset);
        if (count < 0 || count > capacity)
        {
            throw corrupt.apply("its count is " + count + ", outside 0.." + capacity);
        }
        final UnsafeBuffer[] buffers = new UnsafeBuffer[count];
        for (int i = 0; i < count; i++)
        {
            final long target = log.getLong(entriesOffset + i * ENTRY_LENGTH);
            final long offset = (target & OFFSET_MASK) >>> 1;
            buffers[i] = parts.part((int)(target >>> PART_SHIFT));
            final int length = (target & 1) != 0 ? Long.BYTES : Integer.BYTES;
            if (offset + length > buffers[i].capacity() || ((buffers[i].addressOffset() + offset) & (length - 1)) != 0)
            {
                throw corrupt.apply("entry " + i + " undoes a write at offset " + offset + " of part " + (target >>> PART_SHIFT) +
                    ", which has " + buffers[i].capacity() + " bytes (or is not aligned there)");
            }
        }
        for (int i = count - 1; i >= 0; i--)
        {
            final int entry = entriesOffset + i * ENTRY_LENGTH;
            final long target = log.getLong(entry);
            final long old = log.getLong(entry + 8);
            final UnsafeBuffer buffer = buffers[i];
            final int offset = (int)((target & OFFSET_MASK) >>> 1);
            if ((target & 1) != 0)
            {
                buffer.putLongRelease(offset, old);
            }
            else
            {
                buffer.putIntRelease(offset, (int)old);
            }
        }
        log.putIntRelease(countOffset, 0);
        return count;
    }

    private void append(final long target, final long old)
    {
        final int count = log.getInt(countOffset);
        if (count < 0 || count >= capacity)
        {
            // Operations make fewer logged writes than the capacity, so only a count damaged outside dsmreg gets here.
            throw corrupt.apply("its count is " + count + " inside an operation, which makes fewer than " + capacity + " writes");
        }
        final int entry = entriesOffset + count * ENTRY_LENGTH;
        log.putLong(entry, target);
        log.putLong(entry + 8, old);
        // Release: the entry is complete before the count includes it.
        log.putIntRelease(countOffset, count + 1);
    }
}
