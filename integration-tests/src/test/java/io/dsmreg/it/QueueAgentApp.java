package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.SharedNamed;
import io.dsmreg.SharedQueue;

import java.time.Duration;

/**
 * An application run with the agent in the child JVMs of {@link QueueAgentIT}: it makes no dsmreg call to
 * get its queue, only declares a {@code @SharedNamed} queue field. {@code QueueAgentApp send <count>} sends
 * the numbers 0 to count - 1; {@code QueueAgentApp receive <count>} receives that many and prints their sum
 * and its field's capacity as {@code key=value} lines; a failed check exits 3.
 */
public final class QueueAgentApp
{
    static final String QUEUE = "it.queue";

    @SharedNamed(value = QUEUE, size = 4096)
    static SharedQueue events;

    private QueueAgentApp()
    {
    }

    public static void main(final String[] args)
    {
        final long count = Long.parseLong(args[1]);
        if (args[0].equals("send"))
        {
            for (long i = 0; i < count; i++)
            {
                if (!events.offer(Codec.LONG, i))
                {
                    System.out.println("error=queue full at message " + i);
                    System.exit(3);
                }
            }
            System.out.println("sent=" + count);
            return;
        }
        long sum = 0;
        try (SharedQueue.Consumer consumer = events.consumer())
        {
            for (long i = 0; i < count; i++)
            {
                final Long message = consumer.receive(Codec.LONG, Duration.ofSeconds(30));
                if (message == null || message != i)
                {
                    System.out.println("error=message " + i + " was " + message);
                    System.exit(3);
                }
                sum += message;
            }
        }
        System.out.println("capacity=" + events.capacity());
        System.out.println("sum=" + sum);
        System.out.println("received=" + events.messagesReceived());
    }
}
