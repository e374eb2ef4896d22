package io.dsmreg.internal.queue;

import io.dsmreg.Codec;
import io.dsmreg.CodecException;
import io.dsmreg.CorruptFileException;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.ProducerInUseException;
import io.dsmreg.QueueInUseException;
import io.dsmreg.QueueOptions;
import io.dsmreg.QueueState;
import io.dsmreg.SharedQueue;
import io.dsmreg.internal.hash.StrictUtf8;
import io.dsmreg.internal.lock.SharedMutex;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongFunction;

import static io.dsmreg.internal.layout.QueueDescriptor.CAPACITY_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.CONSUMER_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.MIN_CAPACITY;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCERS_MANY;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCERS_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCER_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.RECEIVED_OFFSET;
import static io.dsmreg.internal.layout.QueueDescriptor.UNBLOCKS_OFFSET;

/**
 * A {@link SharedQueue} of this host: one mapped file whose ring buffer is Agrona's. The send path is
 * Agrona's own ({@code write}, or {@code tryClaim}, encode, {@code commit} for codecs); this class only
 * checks the arguments first, so that bad input is an error that says what to do, and waits when asked to.
 * Thread-safe for sending; the receiving side is {@link QueueConsumer}.
 */
public final class QueueHandle extends CachedHandle implements SharedQueue
{
    /** A view of a claimed record, per thread, so a codec that writes past its declared size is caught. */
    private static final ThreadLocal<UnsafeBuffer> CLAIMED = ThreadLocal.withInitial(() -> new UnsafeBuffer(0, 0));

    private final Path file;
    private final UnsafeBuffer mapped;
    private final RingBuffer ring;
    private final int capacity;
    private final QueueOptions options;
    private final long timeoutNanos;

    /**
     * @param file   the queue's file, for errors.
     * @param mapped its whole file, its header checked by {@link QueueFiles}.
     */
    QueueHandle(final String name, final Path file, final UnsafeBuffer mapped, final long timeoutNanos, final EntryGeneration entry)
    {
        super(name, entry);
        this.file = file;
        this.mapped = mapped;
        this.capacity = (int)mapped.getLong(CAPACITY_OFFSET);
        this.timeoutNanos = timeoutNanos;
        final UnsafeBuffer ringBuffer = QueueFiles.ring(mapped, capacity);
        if (mapped.getInt(PRODUCERS_OFFSET) == PRODUCERS_MANY)
        {
            this.options = QueueOptions.manyProducers();
            this.ring = new ManyToOneRingBuffer(ringBuffer);
        }
        else
        {
            this.options = QueueOptions.oneProducer();
            this.ring = new OneToOneRingBuffer(ringBuffer);
        }
    }

    @Override
    public String name()
    {
        return entryName;
    }

    @Override
    public int capacity()
    {
        return capacity;
    }

    @Override
    public QueueOptions options()
    {
        return options;
    }

    @Override
    public int maxMessageLength()
    {
        return ring.maxMsgLength();
    }

    @Override
    public boolean offer(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length)
    {
        requireManyProducers();
        return send(msgTypeId, buffer, offset, length);
    }

    @Override
    public boolean offer(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length, final Duration timeout)
    {
        requireManyProducers();
        return send(msgTypeId, buffer, offset, length, timeout);
    }

    @Override
    public <T> boolean offer(final Codec<T> codec, final T message)
    {
        requireManyProducers();
        return send(codec, message);
    }

    @Override
    public <T> boolean offer(final Codec<T> codec, final T message, final Duration timeout)
    {
        requireManyProducers();
        return send(codec, message, timeout);
    }

    /**
     * Sends as {@link #offer(int, DirectBuffer, int, int)}, for a caller allowed to: anyone on a many-producer
     * queue, the holder of the producer word on a one-producer queue.
     */
    boolean send(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (msgTypeId < 1 || length < 0 || length > ring.maxMsgLength())
        {
            throw badMessage(msgTypeId, length);
        }
        return ring.write(msgTypeId, buffer, offset, length);
    }

    /** {@link #send(int, DirectBuffer, int, int)}, waiting up to {@code timeout} for room. */
    boolean send(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length, final Duration timeout)
    {
        if (send(msgTypeId, buffer, offset, length))
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        final IdleStrategy idle = newIdleStrategy();
        while (System.nanoTime() - deadline < 0)
        {
            idle.idle();
            if (ring.write(msgTypeId, buffer, offset, length))
            {
                return true;
            }
        }
        return false;
    }

    /** Sends as {@link #offer(Codec, Object)}, for a caller allowed to (see {@link #send(int, DirectBuffer, int, int)}). */
    <T> boolean send(final Codec<T> codec, final T message)
    {
        final int length = encodedLength(codec, message);
        final int index = ring.tryClaim(CODEC_MESSAGE_TYPE_ID, length);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer claimed = CLAIMED.get();
        claimed.wrap(ring.buffer(), index, length);
        boolean encoded = false;
        try
        {
            codec.encode(message, claimed, 0);
            encoded = true;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw codecFailure(codec, "encode " + StrictUtf8.describe(message) + ": it wrote past the " + length +
                " bytes it declared", ex);
        }
        catch (final RuntimeException ex)
        {
            throw codecFailure(codec, "encode " + StrictUtf8.describe(message), ex);
        }
        finally
        {
            if (encoded)
            {
                ring.commit(index);
            }
            else
            {
                // The claimed record becomes padding: the consumer skips it, nothing is sent.
                ring.abort(index);
            }
        }
        return true;
    }

    /** {@link #send(Codec, Object)}, waiting up to {@code timeout} for room. */
    <T> boolean send(final Codec<T> codec, final T message, final Duration timeout)
    {
        if (send(codec, message))
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        final IdleStrategy idle = newIdleStrategy();
        while (System.nanoTime() - deadline < 0)
        {
            idle.idle();
            if (send(codec, message))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public long bytesWaiting()
    {
        return ring.size();
    }

    @Override
    public long consumerPid()
    {
        return mapped.getLongVolatile(CONSUMER_OFFSET) >>> 32;
    }

    @Override
    public long messagesReceived()
    {
        return mapped.getLongVolatile(RECEIVED_OFFSET);
    }

    @Override
    public long unblocks()
    {
        return mapped.getLongVolatile(UNBLOCKS_OFFSET);
    }

    @Override
    public long producerPid()
    {
        return options == QueueOptions.oneProducer() ? mapped.getLongVolatile(PRODUCER_OFFSET) >>> 32 : 0;
    }

    @Override
    public QueueState state()
    {
        return QueueFiles.state(file, entryName, mapped);
    }

    @Override
    public Producer producer()
    {
        if (options == QueueOptions.manyProducers())
        {
            return new QueueProducer(this, null);
        }
        return new QueueProducer(this, takeWord(PRODUCER_OFFSET, "the producer", pid -> new ProducerInUseException(
            "requested the producer of queue \"" + entryName + "\", a one-producer queue, but pid " + pid + " has it open; " +
            "close that one (SharedQueue.Producer.close) or stop that process (a dead producer's place is taken over), " +
            "or create the queue with QueueOptions.manyProducers() to send from several at once", pid)));
    }

    @Override
    public Consumer consumer()
    {
        return consumer(DEFAULT_UNBLOCK_AFTER);
    }

    @Override
    public Consumer consumer(final Duration unblockAfter)
    {
        if (unblockAfter.isNegative() || unblockAfter.isZero())
        {
            throw new IllegalArgumentException(
                "the consumer of queue \"" + entryName + "\" was asked to unblock after " + unblockAfter + "; give a " +
                "positive duration, above the longest pause of a live producer");
        }
        return QueueConsumer.open(this, mapped, ring, unblockAfter.toNanos(), timeoutNanos);
    }

    /**
     * Takes the word at {@code offset} of the queue's header (the consumer's, or the one producer's): free,
     * or with a CAS from a dead holder's word, so exactly one process wins it.
     *
     * @param role  whose word it is, for timeout messages: {@code the consumer}.
     * @param inUse the exception for a live holder, from its pid.
     * @throws QueueInUseException from {@code inUse} if a live process holds it, this one included.
     */
    SharedMutex takeWord(final int offset, final String role, final LongFunction<QueueInUseException> inUse)
    {
        final SharedMutex word = new SharedMutex(mapped, offset, role + " of queue \"" + entryName + "\"");
        if (!word.tryLock())
        {
            final long holder = mapped.getLongVolatile(offset);
            if (holder != 0 && SharedMutex.isOwnerAlive(holder))
            {
                throw inUse.apply(holder >>> 32);
            }
            // Free again, or its holder is dead: lock() takes a dead holder's word over with a CAS.
            word.lock(timeoutNanos);
        }
        return word;
    }

    /**
     * How senders and receivers wait: 100 spins, 10 yields, then parks from 1 microsecond doubling to
     * 1 millisecond, so a long wait wakes about a thousand times a second and uses little CPU.
     */
    static IdleStrategy newIdleStrategy()
    {
        return new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    }

    private void requireManyProducers()
    {
        if (options != QueueOptions.manyProducers())
        {
            throw new IllegalStateException(
                "a message was offered to queue \"" + entryName + "\", a one-producer queue, without its producer; " +
                "send through SharedQueue.producer(), which holds the queue's one producer on the host");
        }
    }

    /** The error for a message this queue cannot take, naming what was asked and the limits. */
    private RuntimeException badMessage(final int msgTypeId, final int length)
    {
        if (msgTypeId < 1)
        {
            return new IllegalArgumentException(
                "a message of type id " + msgTypeId + " was sent to queue \"" + entryName + "\"; type ids must be " +
                "above 0 (Agrona uses negative ones for padding): use 1 or more");
        }
        return new InvalidSizeException(
            "a message of " + length + " bytes was sent to queue \"" + entryName + "\", whose messages take 0 to " +
            ring.maxMsgLength() + " bytes (an eighth of its capacity of " + capacity + "); " +
            "split the message, or create the queue with a capacity of at least " + minimumCapacityFor(length));
    }

    private <T> int encodedLength(final Codec<T> codec, final T message)
    {
        final int length;
        try
        {
            length = codec.size(message);
        }
        catch (final RuntimeException ex)
        {
            throw codecFailure(codec, "size " + StrictUtf8.describe(message), ex);
        }
        if (length < 0 || length > ring.maxMsgLength())
        {
            throw badMessage(CODEC_MESSAGE_TYPE_ID, length);
        }
        return length;
    }

    private static long minimumCapacityFor(final int length)
    {
        return Math.max(MIN_CAPACITY, Long.highestOneBit(8L * length - 1) << 1);
    }

    /** This queue's file is damaged: {@code problem} says how. */
    CorruptFileException corrupt(final String problem, final Throwable cause)
    {
        final CorruptFileException ex = QueueFiles.corrupt(file, entryName, problem);
        if (cause != null)
        {
            ex.initCause(cause);
        }
        return ex;
    }

    CodecException codecFailure(final Codec<?> codec, final String action, final Throwable cause)
    {
        return new CodecException("codec \"" + codec.id() + "\" of queue \"" + entryName + "\" failed to " + action +
            (cause == null ? "" : ": " + cause), cause);
    }

    @Override
    public String toString()
    {
        return "SharedQueue{name=\"" + entryName + "\", capacity=" + capacity + ", producers=" + options.producers() + '}';
    }
}
