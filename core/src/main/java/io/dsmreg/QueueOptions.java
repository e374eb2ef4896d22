package io.dsmreg;

import java.util.Objects;

/**
 * How to create a queue. Immutable:
 * <pre>{@code
 * SharedQueue events = registry.queue("orders.events", 1 << 20, QueueOptions.oneProducer());
 * }</pre>
 * The options are fixed when the queue is created. A process that asks for an existing queue with
 * options gets {@link EntryMismatchException} if they differ from the queue's; one that asks without
 * options ({@link DsmRegistry#queue(String, int)}) joins the queue as it is.
 */
public final class QueueOptions
{
    /** Who may send: Agrona's ring buffer of the same name behind each. */
    public enum Producers
    {
        /**
         * One producer on the host at a time (Agrona's {@code OneToOneRingBuffer}): sending goes through
         * {@link SharedQueue#producer()}, which holds the queue's producer word and refuses a second live
         * producer with {@link ProducerInUseException}; the producer itself is used from one thread at a time.
         */
        ONE,
        /** Any number of threads in any number of processes (Agrona's {@code ManyToOneRingBuffer}). */
        MANY
    }

    private static final QueueOptions MANY = new QueueOptions(Producers.MANY);
    private static final QueueOptions ONE = new QueueOptions(Producers.ONE);

    private final Producers producers;

    private QueueOptions(final Producers producers)
    {
        this.producers = producers;
    }

    /**
     * Many producers, the default: what {@link DsmRegistry#queue(String, int)} creates.
     *
     * @return the options; the same instance on every call.
     */
    public static QueueOptions manyProducers()
    {
        return MANY;
    }

    /**
     * One producer at a time, through {@link SharedQueue#producer()}: no CAS on the send path.
     *
     * @return the options; the same instance on every call.
     */
    public static QueueOptions oneProducer()
    {
        return ONE;
    }

    /**
     * Who may send.
     *
     * @return {@link Producers#ONE} or {@link Producers#MANY}.
     */
    public Producers producers()
    {
        return producers;
    }

    /**
     * Whether {@code other} is a {@code QueueOptions} with the same producers: how a request's options are
     * compared with those an existing queue was created with.
     *
     * @param other the object to compare with; may be null.
     * @return true if they are equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof QueueOptions that && producers == that.producers;
    }

    /**
     * A hash code consistent with {@link #equals}.
     *
     * @return the hash code.
     */
    @Override
    public int hashCode()
    {
        return Objects.hashCode(producers);
    }

    /**
     * The options as they appear in messages: {@code QueueOptions{producers=MANY}}.
     *
     * @return a description of the options.
     */
    @Override
    public String toString()
    {
        return "QueueOptions{producers=" + producers + '}';
    }
}
