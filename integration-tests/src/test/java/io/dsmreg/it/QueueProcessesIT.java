package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.ProducerInUseException;
import io.dsmreg.QueueOptions;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Named queues between real JVM processes: four producers and one consumer, producers and consumers killed with -9. */
class QueueProcessesIT
{
    private static final int KILLED = 137;

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void fourProducersOneConsumerDeliverEveryMessageOnceInOrder(final Path jdk) throws Exception
    {
        final int count = 100_000;
        final Process consumer = startConsumer(jdk, "consumer", 10_000, -1);
        final List<Process> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++)
        {
            producers.add(startProducer(jdk, "producer" + p, p, count, -1));
        }
        // All four wait for the go file: let them send at once.
        for (int p = 0; p < 4; p++)
        {
            Children.awaitLine(work.resolve("producer" + p + ".out"), "ready=", producers.get(p));
        }
        Files.createFile(work.resolve("go"));
        long latestStart = Long.MIN_VALUE;
        long earliestEnd = Long.MAX_VALUE;
        for (int p = 0; p < 4; p++)
        {
            final Jvm.Result result = Jvm.finishChild(producers.get(p), work, "producer" + p, 120);
            latestStart = Math.max(latestStart, Long.parseLong(result.value("start")));
            earliestEnd = Math.min(earliestEnd, Long.parseLong(result.value("end")));
        }
        assertTrue(latestStart < earliestEnd, "the four producers' send windows overlapped");
        Files.createFile(work.resolve("stop"));
        assertEquals(Integer.toString(4 * count), Jvm.finishChild(consumer, work, "consumer", 60).value("received"));
        final Map<Long, List<Long>> received = log("consumer");
        for (long p = 0; p < 4; p++)
        {
            assertEquals(sequence(0, count), received.get(p), "producer " + p + ": each message once, in order");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aProducerKilledWhileSendingDoesNotBlockTheQueue(final Path jdk) throws Exception
    {
        Files.createFile(work.resolve("go"));
        final Process consumer = startConsumer(jdk, "consumer", 500, -1);
        final Process victim = startProducer(jdk, "victim", 9, -1, 5_000);
        final Process steady = startProducer(jdk, "steady", 1, 50_000, -1);
        Jvm.awaitFile(work.resolve("victim.signal"), victim, work.resolve("victim.out"));
        victim.destroyForcibly();
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        assertEquals(KILLED, victim.exitValue(), "killed with -9 while it was sending");
        Jvm.finishChild(steady, work, "steady", 120);
        // Sent after the kill: they arrive only if the consumer went past whatever the victim left.
        Jvm.finishChild(startProducer(jdk, "after", 2, 5_000, -1), work, "after", 120);
        Files.createFile(work.resolve("stop"));
        Jvm.finishChild(consumer, work, "consumer", 60);

        final Map<Long, List<Long>> received = log("consumer");
        assertEquals(sequence(0, 50_000), received.get(1L));
        assertEquals(sequence(0, 5_000), received.get(2L));
        final List<Long> victims = received.get(9L);
        assertTrue(victims.size() >= 5_000, "at least the messages sent before the signal: " + victims.size());
        assertEquals(sequence(0, victims.size()), victims, "every message the victim completed, in order, none twice");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aConsumerKilledWhileConsumingIsReplacedAndNoMessageIsLost(final Path jdk) throws Exception
    {
        final int count = 30_000;
        Files.createFile(work.resolve("go"));
        final Process first = startConsumer(jdk, "first", 10_000, 5_000);
        final Process producer = startProducer(jdk, "producer", 3, count, -1);
        Jvm.awaitFile(work.resolve("first.signal"), first, work.resolve("first.out"));
        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(KILLED, first.exitValue(), "killed with -9 while it was consuming");
        final Process second = startConsumer(jdk, "second", 10_000, -1);
        Jvm.finishChild(producer, work, "producer", 120);
        Files.createFile(work.resolve("stop"));
        Jvm.finishChild(second, work, "second", 60);

        final List<Long> before = log("first").get(3L);
        final List<Long> after = log("second").get(3L);
        assertTrue(before.size() >= 5_000);
        assertEquals(sequence(0, before.size()), before);
        final long resumedAt = after.get(0);
        assertTrue(resumedAt <= before.size() && resumedAt >= before.size() - 16,
            "the new consumer resumed at the dead one's head: at most its last batch of 16 again, resumed at " + resumedAt +
            " after " + before.size());
        assertEquals(sequence(resumedAt, count), after, "then every message once, in order");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void badInputAcrossProcessesIsAClearError(final Path jdk) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open(QueueChild.REGISTRY, RegistryOptions.defaults().root(root()));
            SharedQueue.Consumer consumer = registry.queue(QueueChild.QUEUE, QueueChild.CAPACITY).consumer())
        {
            final Jvm.Result mismatch = Children.run(jdk, work, QueueChild.class, root().toString(), "queue", "4096");
            assertEquals(3, mismatch.exitCode(), mismatch.output());
            assertTrue(mismatch.value("error").startsWith("io.dsmreg.EntryMismatchException: requested queue \"events\" " +
                "with capacity 4096 and any options but the existing one has capacity 65536"), mismatch.output());

            final Jvm.Result busy = Children.run(jdk, work, QueueChild.class, root().toString(), "consume",
                work.resolve("busy.log").toString(), "1000", work.resolve("stop").toString(), work.resolve("busy.signal").toString(), "-1");
            assertEquals(3, busy.exitCode(), busy.output());
            assertTrue(busy.value("error").startsWith("io.dsmreg.ConsumerInUseException: requested a consumer of queue " +
                "\"events\" but pid " + ProcessHandle.current().pid() + " has one open"), busy.output());

            final Jvm.Result tooLong = Children.run(jdk, work, QueueChild.class, root().toString(), "send", "8193");
            assertEquals(3, tooLong.exitCode(), tooLong.output());
            assertTrue(tooLong.value("error").startsWith("io.dsmreg.InvalidSizeException: a message of 8193 bytes was sent to " +
                "queue \"events\", whose messages take 0 to 8192 bytes"), tooLong.output());

            final Jvm.Result odd = Children.run(jdk, work, QueueChild.class, root().toString(), "queue", "1000");
            assertEquals(3, odd.exitCode(), odd.output());
            assertTrue(odd.value("error").contains("capacity 1000; a queue's capacity must be a power of two"), odd.output());
            assertEquals(0, consumer.poll((type, buffer, index, length) -> fail("nothing was sent"), 10));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void aOneProducerQueueRefusesASecondLiveProducerAndTakesADeadOnesPlace(final Path jdk) throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open(QueueChild.REGISTRY, RegistryOptions.defaults().root(root())))
        {
            final SharedQueue queue = registry.queue(QueueChild.SINGLE, QueueChild.CAPACITY, QueueOptions.oneProducer());
            final Process holder = Jvm.startChild(jdk, work, "holder", QueueChild.class, root(), "hold-producer",
                work.resolve("stop").toString());
            Children.awaitLine(work.resolve("holder.out"), "producer=", holder);
            assertEquals(holder.pid(), queue.producerPid());

            final ProducerInUseException busy = assertThrows(ProducerInUseException.class, queue::producer);
            assertEquals(holder.pid(), busy.pid(), busy.getMessage());
            final Jvm.Result refused = Children.run(jdk, work, QueueChild.class, root().toString(), "hold-producer",
                work.resolve("stop").toString());
            assertEquals(3, refused.exitCode(), refused.output());
            assertTrue(refused.value("error").startsWith("io.dsmreg.ProducerInUseException: requested the producer of queue " +
                "\"single\", a one-producer queue, but pid " + holder.pid() + " has it open"), refused.output());

            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(KILLED, holder.exitValue(), "killed with -9 while it held the producer");
            try (SharedQueue.Producer next = queue.producer(); SharedQueue.Consumer consumer = queue.consumer())
            {
                assertEquals(ProcessHandle.current().pid(), queue.producerPid(), "the dead producer's place was taken over");
                assertTrue(next.offer(Codec.LONG, 1L));
                assertEquals(holder.pid(), consumer.poll(Codec.LONG), "the holder's message, sent before it died");
                assertEquals(1L, consumer.poll(Codec.LONG));
                assertNull(consumer.poll(Codec.LONG), "the refused child sent nothing");
            }
        }
    }

    private Process startProducer(final Path jdk, final String name, final long producer, final long count, final long signalAfter)
        throws Exception
    {
        return Jvm.startChild(jdk, work, name, QueueChild.class, root(), "produce", Long.toString(producer), Long.toString(count),
            Long.toString(signalAfter), work.resolve(name + ".signal").toString());
    }

    /** Starts a consumer and returns once it holds the queue's consumer word. */
    private Process startConsumer(final Path jdk, final String name, final long unblockMillis, final long signalAfter)
        throws Exception
    {
        final Process process = Jvm.startChild(jdk, work, name, QueueChild.class, root(), "consume",
            work.resolve(name + ".log").toString(), Long.toString(unblockMillis), work.resolve("stop").toString(),
            work.resolve(name + ".signal").toString(), Long.toString(signalAfter));
        Children.awaitLine(work.resolve(name + ".out"), "consumer=", process);
        return process;
    }

    /** A consumer's log, {@code <producer> <seq>} lines, as each producer's sequence numbers in the order received. */
    private Map<Long, List<Long>> log(final String consumer) throws Exception
    {
        final Map<Long, List<Long>> received = new HashMap<>();
        for (final String line : Files.readAllLines(work.resolve(consumer + ".log")))
        {
            final String[] fields = line.split(" ");
            if (fields.length == 2)
            {
                received.computeIfAbsent(Long.parseLong(fields[0]), p -> new ArrayList<>()).add(Long.parseLong(fields[1]));
            }
        }
        return received;
    }

    private static List<Long> sequence(final long from, final long to)
    {
        final List<Long> sequence = new ArrayList<>();
        for (long seq = from; seq < to; seq++)
        {
            sequence.add(seq);
        }
        return sequence;
    }
}
