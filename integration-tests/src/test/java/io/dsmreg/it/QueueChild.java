package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.QueueOptions;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The program the queue integration tests run in child JVMs: {@code QueueChild <root> <command> <args...>}.
 * Messages are 32 bytes: producer id, sequence number, and both again inverted, so a torn or mixed message
 * is caught. Prints {@code key=value} lines; an exception or failed check prints {@code error=...} and exits 3.
 */
public final class QueueChild
{
    static final String REGISTRY = "it";
    static final String QUEUE = "events";
    /** A one-producer queue, for the producer commands. */
    static final String SINGLE = "single";
    static final int CAPACITY = 64 * 1024;
    static final int MESSAGE_TYPE = 5;

    private QueueChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(60));
        try (DsmRegistry registry = DsmRegistry.open(REGISTRY, options))
        {
            switch (args[1])
            {
                case "produce" -> produce(registry.queue(QUEUE, CAPACITY), Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Long.parseLong(args[4]), Path.of(args[5]));
                case "consume" -> consume(registry.queue(QUEUE, CAPACITY), Path.of(args[2]), Long.parseLong(args[3]),
                    Path.of(args[4]), Path.of(args[5]), Long.parseLong(args[6]));
                case "queue" -> registry.queue(QUEUE, Integer.parseInt(args[2]));
                case "hold-producer" -> holdProducer(registry.queue(SINGLE, CAPACITY, QueueOptions.oneProducer()), Path.of(args[2]));
                case "send" -> registry.queue(QUEUE, CAPACITY).offer(MESSAGE_TYPE, new UnsafeBuffer(new byte[1 << 16]), 0,
                    Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException("unknown command " + args[1]);
            }
            System.out.println("ok=true");
        }
        catch (final RuntimeException | AssertionError ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }

    /**
     * Prints {@code ready=true}; once the file {@code go} beside {@code signal} exists, sends {@code count}
     * messages (forever if negative), each waiting up to a minute for room; after {@code signalAfter} of them
     * it creates {@code signal}, so a test can kill it while it sends.
     */
    private static void produce(final SharedQueue queue, final long producer, final long count, final long signalAfter, final Path signal)
        throws Exception
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        System.out.println("ready=true");
        System.out.flush();
        while (!Files.exists(signal.resolveSibling("go")))
        {
            Thread.sleep(1);
        }
        System.out.println("start=" + System.nanoTime());
        for (long seq = 0; count < 0 || seq < count; seq++)
        {
            if (seq == signalAfter)
            {
                Files.createFile(signal);
            }
            message.putLong(0, producer);
            message.putLong(8, seq);
            message.putLong(16, ~producer);
            message.putLong(24, ~seq);
            if (!queue.offer(MESSAGE_TYPE, message, 0, message.capacity(), Duration.ofSeconds(60)))
            {
                throw new AssertionError("message " + seq + " of producer " + producer + " found the queue full for a minute");
            }
        }
        System.out.println("end=" + System.nanoTime());
    }

    /**
     * Opens the producer of the one-producer queue, sends its pid as a {@code Codec.LONG} message, prints
     * {@code producer=<pid>}, and holds the producer until {@code stop} exists (or it is killed).
     */
    private static void holdProducer(final SharedQueue queue, final Path stop) throws Exception
    {
        try (SharedQueue.Producer producer = queue.producer())
        {
            if (!producer.offer(Codec.LONG, ProcessHandle.current().pid()))
            {
                throw new AssertionError("queue \"" + SINGLE + "\" was full");
            }
            System.out.println("producer=" + queue.producerPid());
            System.out.flush();
            while (!Files.exists(stop))
            {
                Thread.sleep(10);
            }
        }
    }

    /**
     * Consumes, writing {@code <producer> <seq>} for each message to {@code log} (one write each, before its
     * handler returns), until {@code stop} exists and a second passes without a message. Creates {@code signal}
     * once it has received {@code signalAfter} messages, so a test can kill it while it consumes.
     */
    private static void consume(
        final SharedQueue queue, final Path log, final long unblockMillis, final Path stop, final Path signal, final long signalAfter)
        throws Exception
    {
        final long[] received = {0};
        try (SharedQueue.Consumer consumer = queue.consumer(Duration.ofMillis(unblockMillis));
            FileOutputStream out = new FileOutputStream(log.toFile(), true))
        {
            System.out.println("consumer=" + queue.consumerPid());
            System.out.flush();
            while (true)
            {
                final int read = consumer.receive((type, buffer, index, length) ->
                {
                    final long producer = buffer.getLong(index);
                    final long seq = buffer.getLong(index + 8);
                    if (type != MESSAGE_TYPE || length != 32 || buffer.getLong(index + 16) != ~producer ||
                        buffer.getLong(index + 24) != ~seq)
                    {
                        throw new AssertionError("damaged message: type " + type + ", length " + length);
                    }
                    try
                    {
                        out.write((producer + " " + seq + "\n").getBytes(StandardCharsets.US_ASCII));
                        if (++received[0] == signalAfter)
                        {
                            Files.createFile(signal);
                        }
                    }
                    catch (final java.io.IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }, 16, Duration.ofSeconds(1));
                if (read == 0 && Files.exists(stop))
                {
                    break;
                }
            }
        }
        System.out.println("received=" + received[0]);
    }
}
