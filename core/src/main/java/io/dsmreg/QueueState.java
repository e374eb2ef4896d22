package io.dsmreg;

/**
 * What a listing shows of a queue ({@link RegistryEntry#queue()}, {@link SharedQueue#state()}), read from
 * shared memory without locks and without writing: one instant's view, which may already have changed.
 * Positions are Agrona's: bytes since the queue was created, records' headers and alignment included.
 *
 * @param capacity         the ring's bytes.
 * @param producers        one producer or many.
 * @param producerPosition where the next message will be written: Agrona's tail.
 * @param consumerPosition where the consumer reads next: Agrona's head; never above {@code producerPosition}.
 * @param consumerPid      the process that holds the queue's consumer; 0 when none is open (a dead consumer's pid
 *                         shows until another takes over).
 * @param producerPid      the process that holds a one-producer queue's producer; 0 when none is open and on a
 *                         many-producer queue.
 * @param messagesSent     the messages received and the complete messages waiting; it leaves out a message still being
 *                         written, and may leave out the batch the consumer was taking at that instant (its count
 *                         is added after its head moved). Null if it could not be counted because the consumer
 *                         took messages during every count.
 * @param messagesReceived the messages the queue's consumers took since it was created.
 * @param unblocks         the records of dead producers the consumers skipped, each a lost message.
 */
public record QueueState(
    long capacity, QueueOptions.Producers producers, long producerPosition, long consumerPosition, long consumerPid,
    long producerPid, Long messagesSent, long messagesReceived, long unblocks)
{
    /**
     * The bytes sent and not yet received, records' headers and alignment included.
     *
     * @return {@code producerPosition - consumerPosition}, from 0 to {@link #capacity()}.
     */
    public long bytesWaiting()
    {
        return producerPosition - consumerPosition;
    }

    /**
     * One line for listings: {@code capacity 1048576, 128 bytes waiting (producer at 4224, consumer at 4096),
     * consumer pid 12, 50 sent, 48 received, 0 unblocked}.
     *
     * @return the state in words.
     */
    public String describe()
    {
        return "capacity " + capacity + ", " + bytesWaiting() + " bytes waiting (producer at " + producerPosition +
            ", consumer at " + consumerPosition + "), " + (consumerPid == 0 ? "no consumer" : "consumer pid " + consumerPid) +
            (producers == QueueOptions.Producers.ONE ?
                ", " + (producerPid == 0 ? "no producer" : "producer pid " + producerPid) : "") +
            ", " + (messagesSent == null ? "sent unknown" : messagesSent + " sent") + ", " + messagesReceived + " received, " +
            unblocks + " unblocked";
    }
}
