package io.dsmreg.internal.queue;

import io.dsmreg.Codec;
import io.dsmreg.ConsumerInUseException;
import io.dsmreg.CorruptFileException;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.SharedQueue;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.time.Duration;

import static io.dsmreg.internal.layout.QueueDescriptor.CONSUMER_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.RECEIVED_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.UNBLOCKS_OFFSET;

/**
 * The one consumer of a queue on the host: it holds the queue's consumer word (a {@link SharedMutex}
 * naming this process) from {@link #open} to {@link #close}, and reads with Agrona's {@code read}.
 * <p>
 * Invariants:
 * <ul>
 *   <li>At most one live process holds the consumer word; a dead holder's word is taken over by the
 *       next consumer, which continues at the ring's head (Agrona keeps it in the ring's trailer).</li>
 *   <li>Agrona advances the head after the handler returned for every message of a {@code read}: a
 *       consumer killed before leaves the whole batch to its successor, which receives it again.</li>
 * </ul>
 * Protocol for a producer that died in the middle of a message (Agrona leaves a record whose length is
 * negative, or 0 after its claim moved the tail, at the head, and {@code read} stops there). The look at
 * the head is sampled: the length word at the head is the line the producers are about to write, and each
 * read of it by the consumer takes that line from them, so that their next write waits for it: Agrona's
 * {@code read} reads it once per poll already, and an empty poll must not read it twice.
 * <ol>
 *   <li>Every {@value #STALL_CHECK_POLLS}th {@code poll} that reads nothing, and every wake of a blocking
 *       {@code receive}, looks at the length word at the head. A negative length is a record a producer
 *       claimed and has not committed: a sighting of a stalled head.</li>
 *   <li>A length of 0 is an empty ring, or a record whose producer died between moving the tail and
 *       marking its record. Only the tail tells them apart, and reading it takes the producers' line
 *       too, so the clock is read and, at most once every {@value #TAIL_CHECK_NANOS} ns, the tail: a
 *       tail ahead of the head is a sighting too.</li>
 *   <li>The first sighting at a head only notes it (a live producer commits within nanoseconds); the next
 *       one at the same head starts the clock; once sightings at that head span {@code unblockAfter},
 *       the consumer calls Agrona's {@code unblock()}, which turns that record into padding, counts it,
 *       and starts over: the next read goes past it. A head that moved is a new head.</li>
 * </ol>
 * A one-producer queue is unblocked through a {@code ManyToOneRingBuffer} over the same memory (Agrona's
 * {@code OneToOneRingBuffer.unblock()} does nothing): both use Agrona's record and trailer layout, and
 * with its one producer dead nothing else writes there. Not thread-safe: one thread at a time.
 */
final class QueueConsumer implements SharedQueue.Consumer
{
    private static final long NOT_STALLED = -1;
    /** Empty polls between two looks at the head for a stalled record; a power of 2. */
    private static final int STALL_CHECK_POLLS = 64;
    /** The least time between two reads of the producers' tail when the head's length word is 0. */
    private static final long TAIL_CHECK_NANOS = 1_000_000;
    /** {@link #stalledSinceNanos} before the clock was started for {@link #stalledHead}. */
    private static final long CLOCK_NOT_STARTED = Long.MIN_VALUE;

    private final QueueHandle queue;
    private final UnsafeBuffer mapped;
    private final RingBuffer ring;
    private final AtomicBuffer records;
    private final int mask;
    private final ManyToOneRingBuffer unblocker;
    private final SharedMutex word;
    private final long unblockAfterNanos;
    private final IdleStrategy idle = QueueHandle.newIdleStrategy();
    private final Decoder decoder = new Decoder();
    private final CheckedHandler checked = new CheckedHandler();
    private long stalledHead = NOT_STALLED;
    private long stalledSinceNanos;
    private int emptyPolls;
    private long tailCheckedAtNanos;
    private boolean closed;

    private QueueConsumer(
        final QueueHandle queue, final UnsafeBuffer mapped, final RingBuffer ring, final SharedMutex word, final long unblockAfterNanos)
    {
        this.queue = queue;
        this.mapped = mapped;
        this.ring = ring;
        this.records = ring.buffer();
        this.mask = ring.capacity() - 1;
        this.unblocker = ring instanceof ManyToOneRingBuffer many ? many : new ManyToOneRingBuffer(ring.buffer());
        this.word = word;
        this.unblockAfterNanos = unblockAfterNanos;
    }

    /**
     * Takes the queue's consumer word: free, or from a dead holder.
     *
     * @throws ConsumerInUseException if a live process holds it, this one included.
     */
    static QueueConsumer open(
        final QueueHandle queue, final UnsafeBuffer mapped, final RingBuffer ring, final long unblockAfterNanos, final long timeoutNanos)
    {
        final SharedMutex word = queue.takeWord(CONSUMER_OFFSET, "the consumer", pid -> new ConsumerInUseException(
            "requested a consumer of queue \"" + queue.name() + "\" but pid " + pid + " has one open; " +
            "a queue has one consumer at a time on the host: close that one (SharedQueue.Consumer.close) or stop " +
            "that process (a dead consumer's place is taken over)", pid));
        return new QueueConsumer(queue, mapped, ring, word, unblockAfterNanos);
    }

    @Override
    public int poll(final MessageHandler handler, final int limit)
    {
        final int read = read(handler, limit);
        if (read == 0)
        {
            sampleForStall();
        }
        return read;
    }

    @Override
    public <T> T poll(final Codec<T> codec)
    {
        final T value = readOne(codec);
        if (value == null)
        {
            sampleForStall();
        }
        return value;
    }

    @Override
    public int receive(final MessageHandler handler, final int limit, final Duration timeout)
    {
        final int read = poll(handler, limit);
        if (read > 0)
        {
            return read;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        idle.reset();
        while (System.nanoTime() - deadline < 0)
        {
            idle.idle();
            final int later = read(handler, limit);
            if (later > 0)
            {
                return later;
            }
            unblockIfStalled();
        }
        return 0;
    }

    @Override
    public <T> T receive(final Codec<T> codec, final Duration timeout)
    {
        final T value = poll(codec);
        if (value != null)
        {
            return value;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        idle.reset();
        while (System.nanoTime() - deadline < 0)
        {
            idle.idle();
            final T later = readOne(codec);
            if (later != null)
            {
                return later;
            }
            unblockIfStalled();
        }
        return null;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            // Release: the next consumer, in any process, sees the counters this one wrote.
            word.unlock();
        }
    }

    /**
     * Reads up to {@code limit} messages with Agrona's {@code read}, and counts them. Agrona trusts a
     * record's length, which a damaged file may set to anything: {@link #checked} refuses a record that
     * reaches past the ring before the handler sees it, and a length past the whole buffer fails Agrona's
     * zeroing of what it read (which leaves the head where it was) with an IndexOutOfBoundsException,
     * reported here as the damage it is. The same exception with the record at the head inside the ring
     * (the head moved past the handler's batch) is the caller's handler's, and passes on.
     */
    private int read(final MessageHandler handler, final int limit)
    {
        checkOpen();
        final int read;
        checked.handler = handler;
        try
        {
            read = ring.read(checked, limit);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            final int offset = (int)ring.consumerPosition() & mask;
            final int length = records.getIntVolatile(RecordDescriptor.lengthOffset(offset));
            if (length <= ring.capacity() - offset)
            {
                throw ex;
            }
            throw recordPastTheEnd(offset, length, ex);
        }
        finally
        {
            checked.handler = null;
        }
        if (read > 0)
        {
            received(read);
        }
        return read;
    }

    /** Reads one codec message, or returns null if none is waiting. */
    private <T> T readOne(final Codec<T> codec)
    {
        decoder.codec = codec;
        decoder.value = null;
        try
        {
            read(decoder, 1);
            @SuppressWarnings("unchecked")
            final T value = (T)decoder.value;
            return value;
        }
        finally
        {
            decoder.codec = null;
            decoder.value = null;
        }
    }

    /** Step 1's sampling: every {@value #STALL_CHECK_POLLS}th empty poll looks at the head. */
    private void sampleForStall()
    {
        if ((++emptyPolls & (STALL_CHECK_POLLS - 1)) == 0)
        {
            unblockIfStalled();
        }
    }

    /** Steps 1 and 2 of the dead-producer protocol of the class comment, after a read that read nothing. */
    private void unblockIfStalled()
    {
        final long head = ring.consumerPosition();
        final int length = records.getIntVolatile(RecordDescriptor.lengthOffset((int)head & mask));
        if (length < 0)
        {
            sighted(head);
        }
        else if (length == 0)
        {
            final long now = System.nanoTime();
            if (now - tailCheckedAtNanos >= TAIL_CHECK_NANOS)
            {
                tailCheckedAtNanos = now;
                if (ring.producerPosition() != head)
                {
                    sighted(head);
                }
            }
        }
    }

    /** Step 3 of the dead-producer protocol: one more sign that the record at {@code head} is stalled. */
    private void sighted(final long head)
    {
        if (head != stalledHead)
        {
            stalledHead = head;
            stalledSinceNanos = CLOCK_NOT_STARTED;
            return;
        }
        final long now = System.nanoTime();
        if (stalledSinceNanos == CLOCK_NOT_STARTED)
        {
            stalledSinceNanos = now;
        }
        else if (now - stalledSinceNanos >= unblockAfterNanos)
        {
            if (unblocker.unblock())
            {
                mapped.putLongRelease(UNBLOCKS_OFFSET, mapped.getLong(UNBLOCKS_OFFSET) + 1);
            }
            stalledHead = NOT_STALLED;
        }
    }

    private void received(final int messages)
    {
        // Only the consumer word's holder writes it; release so listings read a whole value.
        mapped.putLongRelease(RECEIVED_OFFSET, mapped.getLong(RECEIVED_OFFSET) + messages);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new DsmRegistryException(
                "the consumer of queue \"" + queue.name() + "\" was closed; open another with SharedQueue.consumer()");
        }
    }

    private CorruptFileException recordPastTheEnd(final int offset, final int length, final Throwable cause)
    {
        return queue.corrupt("the record at offset " + offset + " of its ring records " + length +
            " bytes, past the ring's end at " + ring.capacity() + " bytes", cause);
    }

    /** Hands the caller's handler the messages whose records lie inside the ring and hold a header; a damaged one is refused. */
    private final class CheckedHandler implements MessageHandler
    {
        MessageHandler handler;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            if (length < 0 || (long)index + length > ring.capacity())
            {
                throw recordPastTheEnd(index - RecordDescriptor.HEADER_LENGTH, length + RecordDescriptor.HEADER_LENGTH, null);
            }
            handler.onMessage(msgTypeId, buffer, index, length);
        }
    }

    /** Decodes one message of a codec poll into {@link #value}. */
    private final class Decoder implements MessageHandler
    {
        Codec<?> codec;
        Object value;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            if (msgTypeId != SharedQueue.CODEC_MESSAGE_TYPE_ID)
            {
                throw queue.codecFailure(codec, "decode a message of type id " + msgTypeId + " and " + length +
                    " bytes: codec messages have type id " + SharedQueue.CODEC_MESSAGE_TYPE_ID + "; receive raw messages with " +
                    "poll(MessageHandler, int). The message was removed", null);
            }
            try
            {
                value = codec.decode(buffer, index, length);
            }
            catch (final RuntimeException ex)
            {
                throw queue.codecFailure(codec, "decode a message of " + length + " bytes (it was removed)", ex);
            }
        }
    }
}
