package io.dsmreg.internal.queue;

import io.dsmreg.CorruptFileException;
import io.dsmreg.QueueOptions;
import io.dsmreg.QueueState;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.util.function.Function;

import static io.dsmreg.internal.layout.QueueDescriptor.CONSUMER_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.HEADER_LENGTH;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCER_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.RECEIVED_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.UNBLOCKS_OFFSET;

/**
 * Reads a queue's {@link QueueState} from its mapping, for listings and {@link io.dsmreg.SharedQueue#state()}:
 * without locks and without writing, while producers and the consumer go on. Every value read is untrusted:
 * one that no queue can hold is a {@link CorruptFileException} naming the file, never a wrong index.
 * <p>
 * Messages sent are not counted by the producers (a shared counter would cost every send a write to a
 * cache line all producers contend for); they are the consumer's received count plus the complete
 * messages waiting in the ring. Protocol of one reading, tried up to {@value #ATTEMPTS} times:
 * <ol>
 *   <li>Read the head (the consumer's position), then the tail (the producers').</li>
 *   <li>Walk the records from the head to the tail, counting messages (a positive length, a type that is
 *       not padding). A negative length is a record whose producer is still writing: not sent yet, skipped.
 *       A length of 0 is a record claimed and not yet marked: the walk stops there, and what follows is
 *       counted by a later reading.</li>
 *   <li>Read the received count, then the head again. If the head moved, the consumer took (and zeroed)
 *       records during the walk: start again. If it did not, the head held still from step 1 to here, so
 *       the positions are one instant's (the tail at most a capacity ahead, or the file is damaged), the
 *       records walked were all in the ring, and the received count covers only records before the head
 *       (the consumer adds a batch's count after Agrona moved the head past it). Sent is then never too
 *       high, and at most short by the batch whose count the consumer had not yet added.</li>
 * </ol>
 * If the head moved during every attempt, the last attempt's positions are returned with sent unknown.
 */
final class QueueStateReader
{
    private static final int ATTEMPTS = 4;
    /** What {@link #messagesWaiting} returns for a record no producer writes. */
    private static final long DAMAGED = -1;

    private QueueStateReader()
    {
    }

    /**
     * @param mapped    a queue's whole file, whose header was checked (capacity, producers).
     * @param capacity  the ring's capacity, checked against the file's length.
     * @param producers the producers field, checked.
     * @param corrupt   the error for a damaged value, from what is wrong: names the file.
     */
    static QueueState read(
        final UnsafeBuffer mapped, final int capacity, final QueueOptions.Producers producers,
        final Function<String, CorruptFileException> corrupt)
    {
        final int headAt = HEADER_LENGTH + capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET;
        final int tailAt = HEADER_LENGTH + capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        final long consumerPid = pid(mapped, CONSUMER_OFFSET, "consumer", corrupt);
        final long producerPid = producers == QueueOptions.Producers.ONE ? pid(mapped, PRODUCER_OFFSET, "producer", corrupt) : 0;
        final long unblocks = count(mapped, UNBLOCKS_OFFSET, "records unblocked", corrupt);
        for (int attempt = 1; ; attempt++)
        {
            final long head = mapped.getLongVolatile(headAt);
            final long tail = mapped.getLongVolatile(tailAt);
            final boolean inRange = head >= 0 && tail - head >= 0 && tail - head <= capacity;
            final long waiting = inRange ? messagesWaiting(mapped, capacity, head, tail) : DAMAGED;
            final long received = count(mapped, RECEIVED_OFFSET, "messages received", corrupt);
            final long headAfter = mapped.getLongVolatile(headAt);
            if (headAfter == head)
            {
                if (!inRange)
                {
                    throw corrupt.apply("its ring's consumer position is " + head + " and its producer position " + tail +
                        ": the producer must be ahead by 0 to " + capacity + " bytes");
                }
                if (waiting == DAMAGED)
                {
                    throw corrupt.apply("its ring holds a record no producer writes between the consumer position " + head +
                        " and the producer position " + tail + ": a length that is not a whole record inside the ring");
                }
                return new QueueState(capacity, producers, tail, head, consumerPid, producerPid, received + waiting, received,
                    unblocks);
            }
            if (attempt == ATTEMPTS)
            {
                // Invariants of any interleaving: the head only grows, the tail read after the first head is at
                // least that head, and at most a capacity ahead of the head read after it.
                if (head < 0 || headAfter < head || tail < head || tail - headAfter > capacity)
                {
                    throw corrupt.apply("its ring's consumer position went from " + head + " to " + headAfter +
                        " around a producer position of " + tail + ", which no ring of capacity " + capacity + " shows");
                }
                return new QueueState(capacity, producers, Math.max(tail, headAfter), headAfter, consumerPid, producerPid, null,
                    received, unblocks);
            }
        }
    }

    /** Step 2 of the protocol: complete messages from {@code head} to {@code tail}, or {@link #DAMAGED}. */
    private static long messagesWaiting(final UnsafeBuffer mapped, final int capacity, final long head, final long tail)
    {
        final int mask = capacity - 1;
        long messages = 0;
        // Every record takes at least HEADER_LENGTH bytes, so the walk ends within capacity / 8 steps.
        for (long position = head; position < tail; )
        {
            final int index = (int)position & mask;
            final int length = mapped.getIntVolatile(HEADER_LENGTH + RecordDescriptor.lengthOffset(index));
            if (length == 0)
            {
                return messages;
            }
            final long recordLength = Math.abs((long)length);
            final long aligned = BitUtil.align(recordLength, RecordDescriptor.ALIGNMENT);
            if (recordLength < RecordDescriptor.HEADER_LENGTH || aligned > tail - position || index + aligned > capacity)
            {
                return DAMAGED;
            }
            if (length > 0 && mapped.getInt(HEADER_LENGTH + RecordDescriptor.typeOffset(index)) != RingBuffer.PADDING_MSG_TYPE_ID)
            {
                messages++;
            }
            position += aligned;
        }
        return messages;
    }

    private static long pid(
        final UnsafeBuffer mapped, final int offset, final String role, final Function<String, CorruptFileException> corrupt)
    {
        final long word = mapped.getLongVolatile(offset);
        final long pid = word >>> 32;
        if (word != 0 && (pid == 0 || pid > SharedMutex.MAX_PID))
        {
            throw corrupt.apply("its " + role + " word is 0x" + Long.toHexString(word) + ", which names no process (pid " + pid + ")");
        }
        return pid;
    }

    private static long count(
        final UnsafeBuffer mapped, final int offset, final String what, final Function<String, CorruptFileException> corrupt)
    {
        final long count = mapped.getLongVolatile(offset);
        if (count < 0)
        {
            throw corrupt.apply("its count of " + what + " is " + count + ", below 0");
        }
        return count;
    }
}
