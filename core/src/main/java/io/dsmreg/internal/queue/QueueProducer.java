package io.dsmreg.internal.queue;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.SharedQueue;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.DirectBuffer;

import java.time.Duration;

/**
 * A producer of a queue. On a one-producer queue it holds the queue's producer word (a {@link SharedMutex}
 * naming this process) from {@link QueueHandle#producer} to {@link #close}; on a many-producer queue it
 * holds nothing and sends as the queue's own {@code offer} methods do.
 * <p>
 * Invariants:
 * <ul>
 *   <li>At most one live process holds a one-producer queue's producer word, so Agrona's
 *       {@code OneToOneRingBuffer}, which claims without a CAS, has one writer on the host; a dead holder's
 *       word is taken over by the next producer (a record it left half written is skipped by the
 *       consumer's unblock, as for any dead producer).</li>
 *   <li>A closed producer sends nothing: every send checks {@link #closed} first.</li>
 * </ul>
 * Not thread-safe on a one-producer queue: one thread at a time, the contract of Agrona's one-to-one ring.
 */
final class QueueProducer implements SharedQueue.Producer
{
    private final QueueHandle queue;
    /** The producer word held, or null on a many-producer queue. */
    private final SharedMutex word;
    private boolean closed;

    QueueProducer(final QueueHandle queue, final SharedMutex word)
    {
        this.queue = queue;
        this.word = word;
    }

    @Override
    public boolean offer(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length)
    {
        checkOpen();
        return queue.send(msgTypeId, buffer, offset, length);
    }

    @Override
    public boolean offer(final int msgTypeId, final DirectBuffer buffer, final int offset, final int length, final Duration timeout)
    {
        checkOpen();
        return queue.send(msgTypeId, buffer, offset, length, timeout);
    }

    @Override
    public <T> boolean offer(final Codec<T> codec, final T message)
    {
        checkOpen();
        return queue.send(codec, message);
    }

    @Override
    public <T> boolean offer(final Codec<T> codec, final T message, final Duration timeout)
    {
        checkOpen();
        return queue.send(codec, message, timeout);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (word != null)
            {
                // Release: the next producer, in any process, sees the ring's tail as this one left it.
                word.unlock();
            }
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new DsmRegistryException(
                "the producer of queue \"" + queue.name() + "\" was closed; open another with SharedQueue.producer()");
        }
    }
}
