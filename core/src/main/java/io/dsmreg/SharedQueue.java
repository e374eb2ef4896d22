package io.dsmreg;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.time.Duration;

/**
 * A named message queue between the processes of one host (PostgreSQL's {@code shm_mq}): Agrona's
 * ring buffer in a shared file, many producers (or one) and one consumer at a time.
 * <pre>{@code
 * SharedQueue events = registry.queue("orders.events", 1 << 20);
 * events.offer(Codec.STRING, "order 17 paid");                       // any process, any thread
 * try (SharedQueue.Consumer consumer = events.consumer())             // one process on the host
 * {
 *     String event = consumer.receive(Codec.STRING, Duration.ofSeconds(1));
 * }
 * }</pre>
 * Messages are Agrona's: a type id above 0 and up to {@link #maxMessageLength()} bytes. A full queue is
 * never a silent drop: {@code offer} returns false. Messages of one producer thread arrive in the order
 * it sent them. Sending is safe from any number of threads of a {@link QueueOptions.Producers#MANY} queue;
 * a {@link QueueOptions.Producers#ONE} queue is sent to through its one {@link Producer} on the host
 * ({@link #producer()}), and its own {@code offer} methods refuse.
 * <p>
 * What a crash does (docs/queues.md): a producer killed in the middle of a message leaves a record
 * the consumer skips with Agrona's {@code unblock()} once the queue has not moved for the consumer's
 * unblock bound; every message the producer completed is delivered. A consumer killed in a
 * {@link MessageHandler} leaves every message of that batch to its successor, which receives them
 * again. Messages taken by {@link Consumer#poll(Codec)} and {@link Consumer#receive(Codec, Duration)} were
 * removed from the queue when the call returned.
 */
public interface SharedQueue
{
    /** The type id of messages sent with a {@link Codec}. */
    int CODEC_MESSAGE_TYPE_ID = 1;
    /** How long a consumer waits, by default, for a stalled message before it takes its producer for dead. */
    Duration DEFAULT_UNBLOCK_AFTER = Duration.ofSeconds(10);

    /**
     * The entry's name.
     *
     * @return the name the queue was created with.
     */
    String name();

    /**
     * The ring buffer's capacity: the bytes of messages and their 8-byte headers, each aligned to 8, the queue holds.
     *
     * @return bytes, a power of two.
     */
    int capacity();

    /**
     * The options the queue was created with.
     *
     * @return its options.
     */
    QueueOptions options();

    /**
     * The longest message: Agrona's {@code maxMsgLength()}, an eighth of the capacity.
     *
     * @return bytes.
     */
    int maxMessageLength();

    /**
     * Sends a message if the queue has room for it, without waiting.
     *
     * @param msgTypeId the message's type id, above 0.
     * @param buffer    holds the message.
     * @param offset    the index of its first byte in {@code buffer}.
     * @param length    its bytes, from 0 to {@link #maxMessageLength()}.
     * @return true if it was sent, false if the queue is full.
     * @throws IllegalArgumentException for a type id of 0 or less.
     * @throws InvalidSizeException     for a message longer than {@link #maxMessageLength()}.
     * @throws IllegalStateException    on a one-producer queue: send through {@link #producer()}.
     */
    boolean offer(int msgTypeId, DirectBuffer buffer, int offset, int length);

    /**
     * Sends a message, waiting up to {@code timeout} for room (spinning briefly, then parking up to a millisecond).
     *
     * @param msgTypeId the message's type id, above 0.
     * @param buffer    holds the message.
     * @param offset    the index of its first byte in {@code buffer}.
     * @param length    its bytes, from 0 to {@link #maxMessageLength()}.
     * @param timeout   how long to wait for room.
     * @return true if it was sent, false if the queue stayed full for {@code timeout}.
     * @throws IllegalArgumentException for a type id of 0 or less.
     * @throws InvalidSizeException     for a message longer than {@link #maxMessageLength()}.
     * @throws IllegalStateException    on a one-producer queue: send through {@link #producer()}.
     */
    boolean offer(int msgTypeId, DirectBuffer buffer, int offset, int length, Duration timeout);

    /**
     * Sends {@code message} encoded by {@code codec}, straight into the queue, as a message of type
     * {@link #CODEC_MESSAGE_TYPE_ID}, if the queue has room for it.
     *
     * @param codec   encodes the message.
     * @param message the message; not null.
     * @param <T>     its type.
     * @return true if it was sent, false if the queue is full.
     * @throws InvalidSizeException if it encodes to more than {@link #maxMessageLength()} bytes.
     * @throws CodecException       if the codec fails; nothing is sent.
     * @throws IllegalStateException on a one-producer queue: send through {@link #producer()}.
     */
    <T> boolean offer(Codec<T> codec, T message);

    /**
     * {@link #offer(Codec, Object)}, waiting up to {@code timeout} for room.
     *
     * @param codec   encodes the message.
     * @param message the message; not null.
     * @param timeout how long to wait for room.
     * @param <T>     its type.
     * @return true if it was sent, false if the queue stayed full for {@code timeout}.
     * @throws InvalidSizeException if it encodes to more than {@link #maxMessageLength()} bytes.
     * @throws CodecException       if the codec fails; nothing is sent.
     * @throws IllegalStateException on a one-producer queue: send through {@link #producer()}.
     */
    <T> boolean offer(Codec<T> codec, T message, Duration timeout);

    /**
     * The bytes sent and not yet consumed, headers and alignment included; a snapshot.
     *
     * @return bytes, from 0 to {@link #capacity()}.
     */
    long bytesWaiting();

    /**
     * The process that consumes the queue now.
     *
     * @return its pid, or 0 if no consumer is open (a dead consumer's pid shows until another takes over).
     */
    long consumerPid();

    /**
     * The messages the queue's consumers have received since it was created (the consumer counts them as
     * it reads); a snapshot.
     *
     * @return messages, 0 or more.
     */
    long messagesReceived();

    /**
     * The records of dead producers the queue's consumers skipped with Agrona's {@code unblock()} since it
     * was created: each is a message lost by a producer killed while writing it, or by one paused beyond
     * the consumer's unblock bound.
     *
     * @return records skipped, 0 or more.
     */
    long unblocks();

    /**
     * The process that holds a one-producer queue's producer now.
     *
     * @return its pid, or 0 if none is open or the queue takes many producers (a dead producer's pid shows
     *         until another takes over).
     */
    long producerPid();

    /**
     * The queue's whole state, as listings show it ({@link RegistryEntry#queue()}): capacity, positions, consumer
     * and producer pids, messages sent and received, records unblocked. Read without locks and without writing.
     *
     * @return one instant's view.
     * @throws CorruptFileException if the queue's file holds a value no queue can.
     */
    QueueState state();

    /**
     * Opens a producer. On a {@link QueueOptions.Producers#ONE} queue it is the queue's one producer on the
     * host: it holds the queue's producer word in shared memory until closed or until its process dies, and
     * a dead producer's place is taken over. On a {@link QueueOptions.Producers#MANY} queue any number may
     * be open, and each sends as the queue's own {@code offer} methods do.
     *
     * @return a producer; close it to let another process produce to a one-producer queue.
     * @throws ProducerInUseException if the queue takes one producer and a live process (this one included)
     *                                has it open.
     */
    Producer producer();

    /**
     * {@link #consumer(Duration)} with {@link #DEFAULT_UNBLOCK_AFTER}.
     *
     * @return the queue's consumer; close it to let another process consume.
     * @throws ConsumerInUseException if a live process (this one included) has a consumer open.
     */
    Consumer consumer();

    /**
     * Becomes the queue's one consumer on the host, continuing where the last consumer stopped. A dead
     * consumer's place is taken over.
     *
     * @param unblockAfter how long the queue may show a message in progress that does not complete before
     *                     the consumer takes its producer for dead and skips the message with Agrona's
     *                     {@code unblock()}. A live producer paused longer than this in the middle of a
     *                     message (a stopped process, a long GC pause) loses that message or damages the
     *                     next one: keep it above the longest pause of your producers.
     * @return the queue's consumer; close it to let another process consume.
     * @throws ConsumerInUseException   if a live process (this one included) has a consumer open.
     * @throws IllegalArgumentException if {@code unblockAfter} is not positive.
     */
    Consumer consumer(Duration unblockAfter);

    /**
     * A producer of a queue ({@link #producer()}): its {@code offer} methods are the queue's, and work on
     * either kind of queue. On a one-producer queue it is not thread-safe: use it from one thread at a time.
     */
    interface Producer extends AutoCloseable
    {
        /**
         * {@link SharedQueue#offer(int, DirectBuffer, int, int)}.
         *
         * @param msgTypeId the message's type id, above 0.
         * @param buffer    holds the message.
         * @param offset    the index of its first byte in {@code buffer}.
         * @param length    its bytes, from 0 to {@link #maxMessageLength()}.
         * @return true if it was sent, false if the queue is full.
         * @throws DsmRegistryException if the producer was closed.
         */
        boolean offer(int msgTypeId, DirectBuffer buffer, int offset, int length);

        /**
         * {@link SharedQueue#offer(int, DirectBuffer, int, int, Duration)}.
         *
         * @param msgTypeId the message's type id, above 0.
         * @param buffer    holds the message.
         * @param offset    the index of its first byte in {@code buffer}.
         * @param length    its bytes, from 0 to {@link #maxMessageLength()}.
         * @param timeout   how long to wait for room.
         * @return true if it was sent, false if the queue stayed full for {@code timeout}.
         * @throws DsmRegistryException if the producer was closed.
         */
        boolean offer(int msgTypeId, DirectBuffer buffer, int offset, int length, Duration timeout);

        /**
         * {@link SharedQueue#offer(Codec, Object)}.
         *
         * @param codec   encodes the message.
         * @param message the message; not null.
         * @param <T>     its type.
         * @return true if it was sent, false if the queue is full.
         * @throws DsmRegistryException if the producer was closed.
         */
        <T> boolean offer(Codec<T> codec, T message);

        /**
         * {@link SharedQueue#offer(Codec, Object, Duration)}.
         *
         * @param codec   encodes the message.
         * @param message the message; not null.
         * @param timeout how long to wait for room.
         * @param <T>     its type.
         * @return true if it was sent, false if the queue stayed full for {@code timeout}.
         * @throws DsmRegistryException if the producer was closed.
         */
        <T> boolean offer(Codec<T> codec, T message, Duration timeout);

        /** Gives up a one-producer queue's producer word, so another process can produce; idempotent. */
        @Override
        void close();
    }

    /**
     * The one consumer of a queue: not thread-safe, use it from one thread at a time. It holds the queue's
     * consumer word in shared memory until closed or until its process dies.
     */
    interface Consumer extends AutoCloseable
    {
        /**
         * Hands up to {@code limit} waiting messages to {@code handler}, without waiting. The messages are
         * removed from the queue after the handler returned for all of them (or threw): a consumer killed
         * before leaves them to its successor.
         *
         * @param handler gets each message's type id and bytes; read them, never keep the buffer.
         * @param limit   the most messages to hand over, above 0.
         * @return the messages handed over; 0 if none was waiting.
         */
        int poll(MessageHandler handler, int limit);

        /**
         * Takes one waiting message and decodes it, without waiting.
         *
         * @param codec decodes the message.
         * @param <T>   its type.
         * @return the message, or null if none was waiting.
         * @throws CodecException if the message's type id is not {@link #CODEC_MESSAGE_TYPE_ID} or the codec
         *                        fails; the message is removed either way.
         */
        <T> T poll(Codec<T> codec);

        /**
         * {@link #poll(MessageHandler, int)}, waiting up to {@code timeout} for a message: spinning briefly,
         * then parking for up to a millisecond at a time, so a waiting consumer uses little CPU.
         *
         * @param handler gets each message's type id and bytes.
         * @param limit   the most messages to hand over, above 0.
         * @param timeout how long to wait for the first message.
         * @return the messages handed over; 0 if none came within {@code timeout}.
         */
        int receive(MessageHandler handler, int limit, Duration timeout);

        /**
         * {@link #poll(Codec)}, waiting up to {@code timeout} for a message.
         *
         * @param codec   decodes the message.
         * @param timeout how long to wait.
         * @param <T>     its type.
         * @return the message, or null if none came within {@code timeout}.
         * @throws CodecException as {@link #poll(Codec)}.
         */
        <T> T receive(Codec<T> codec, Duration timeout);

        /** Gives up the queue's consumer word, so another process can consume; idempotent. */
        @Override
        void close();
    }
}
