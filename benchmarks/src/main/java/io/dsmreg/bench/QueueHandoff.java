package io.dsmreg.bench;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedQueue;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Messages of 64 bytes from one process to another, in one run, for three transports: a dsmreg
 * {@link SharedQueue} (many producers, the default), the anchor, Agrona's {@link ManyToOneRingBuffer}
 * over a plain mapped file of the same capacity (the difference is what naming and crash handling
 * cost), and a loopback TCP socket (127.0.0.1, a port chosen by the OS, {@code TCP_NODELAY}, one
 * {@code write} per message), which is what Java programs use between processes today. Not JMH: the
 * producer and the consumer are two JVMs.
 * <p>
 * The parent is the consumer; for each transport it starts a child JVM, the producer. The rounds are
 * interleaved (queue, ring, socket, queue, ring, socket, ...) so that load from elsewhere on the
 * machine falls on all three alike. In each round the producer sends, as fast as it can, a warm-up of
 * 500,000 messages and then the measured messages (2,000,000 by default); the consumer, busy-polling,
 * takes the throughput as the measured messages over the time from receiving the first of them to
 * receiving the last. The producer then pauses 300 ms, so that nothing is queued, and sends paced
 * messages, one every 5 us (a busy wait): 100,000 not counted (half a second: the first paced message
 * sends the producer's loop back to the interpreter, and C2 takes about 240 ms to compile it again, on a
 * compiler thread that takes a core from one of the two spinning processes), then 200,000 by default whose one-way
 * latency the consumer records, its {@code System.nanoTime()} at receipt minus the producer's written
 * into the message (both read CLOCK_MONOTONIC, shared by the processes of a Linux host). Every wait has
 * a deadline and each child is killed at the end of its round.
 * <pre>
 *   java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *       io.dsmreg.bench.QueueHandoff [rounds, default 2] [measured messages, default 2000000] [paced messages, default 200000]
 * </pre>
 * {@code -Ddsmreg.bench.kinds=shared-queue,agrona-ring} runs only the transports named, in that order (all three by
 * default); {@code -Ddsmreg.bench.dir=DIR} puts the queue and the ring's file under DIR ({@code /dev/shm} by default).
 */
public final class QueueHandoff
{
    private static final String FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final int CAPACITY = 1 << 20;
    private static final int MESSAGE = 64;
    private static final int TYPE_ID = 7;
    private static final int SEQUENCE = 0;
    private static final int SENT_AT = 8;
    private static final int WARM_UP = 500_000;
    private static final int PACED_WARM_UP = 100_000;
    private static final long PACE_NANOS = 5_000;
    private static final long PAUSE_MILLIS = 300;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String QUEUE_NAME = "bench.queue";
    private static final String ALL_KINDS = "shared-queue,agrona-ring,tcp-loopback";

    private QueueHandoff()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "child".equals(args[0]))
        {
            produce(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        final int measured = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        final int paced = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        System.out.println("capacity " + CAPACITY + " bytes, messages of " + MESSAGE + " bytes, " + Runtime.getRuntime().availableProcessors()
            + " cpus, " + measured + " measured, " + paced + " paced every " + PACE_NANOS / 1000 + " us");
        final List<String> kinds = List.of(System.getProperty("dsmreg.bench.kinds", ALL_KINDS).split(","));
        for (int round = 1; round <= rounds; round++)
        {
            for (final String kind : kinds)
            {
                final String result = round(kind, measured, paced);
                System.out.println("round " + round + " " + kind + ": " + result);
            }
        }
    }

    /** One round of one transport: this process consumes, a child produces. */
    private static String round(final String kind, final int measured, final int paced) throws Exception
    {
        final Path root = Files.createTempDirectory(Path.of(System.getProperty("dsmreg.bench.dir", "/dev/shm")), "dsmreg-queue");
        final Receiver receiver = new Receiver(measured, paced);
        Process child = null;
        try
        {
            if ("shared-queue".equals(kind))
            {
                try (DsmRegistry registry = open(root))
                {
                    final SharedQueue queue = registry.queue(QUEUE_NAME, CAPACITY);
                    try (SharedQueue.Consumer consumer = queue.consumer())
                    {
                        child = start(kind, root.toString(), measured, paced);
                        final long deadline = System.nanoTime() + DEADLINE_NANOS;
                        while (!receiver.done())
                        {
                            if (consumer.poll(receiver, 256) == 0)
                            {
                                receiver.checkDeadline(deadline, child);
                            }
                        }
                    }
                }
            }
            else if ("agrona-ring".equals(kind))
            {
                final Path file = root.resolve("ring");
                final MappedByteBuffer mapped = IoUtil.mapNewFile(file.toFile(), CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
                try
                {
                    final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
                    child = start(kind, file.toString(), measured, paced);
                    final long deadline = System.nanoTime() + DEADLINE_NANOS;
                    while (!receiver.done())
                    {
                        if (ring.read(receiver, 256) == 0)
                        {
                            receiver.checkDeadline(deadline, child);
                        }
                    }
                }
                finally
                {
                    IoUtil.unmap(mapped);
                }
            }
            else
            {
                try (ServerSocket server = new ServerSocket())
                {
                    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    server.setSoTimeout(30_000);
                    child = start(kind, Integer.toString(server.getLocalPort()), measured, paced);
                    try (Socket socket = server.accept())
                    {
                        socket.setSoTimeout(10_000);
                        final InputStream in = socket.getInputStream();
                        final byte[] bytes = new byte[1 << 16];
                        final UnsafeBuffer view = new UnsafeBuffer(bytes);
                        int filled = 0;
                        while (!receiver.done())
                        {
                            final int read = in.read(bytes, filled, bytes.length - filled);
                            if (read < 0)
                            {
                                throw new IllegalStateException("the producer closed the socket after " + receiver.received + " messages");
                            }
                            filled += read;
                            final int whole = filled - filled % MESSAGE;
                            for (int at = 0; at < whole; at += MESSAGE)
                            {
                                receiver.onMessage(TYPE_ID, view, at, MESSAGE);
                            }
                            System.arraycopy(bytes, whole, bytes, 0, filled - whole);
                            filled -= whole;
                        }
                    }
                }
            }
            if (!child.waitFor(30, TimeUnit.SECONDS) || child.exitValue() != 0)
            {
                throw new IllegalStateException(kind + ": the producer did not finish cleanly");
            }
            return receiver.summary();
        }
        finally
        {
            if (child != null)
            {
                child.destroyForcibly();
            }
            deleteAll(root);
        }
    }

    private static Process start(final String kind, final String where, final int measured, final int paced) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), FLAG, "-cp", System.getProperty("java.class.path"),
            QueueHandoff.class.getName(), "child", kind, where, Integer.toString(measured), Integer.toString(paced)));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static DsmRegistry open(final Path root)
    {
        return DsmRegistry.open("queue-bench", RegistryOptions.defaults().root(root));
    }

    /** The producer (child): the warm-up and measured messages unpaced, a pause, then the paced ones. */
    private static void produce(final String kind, final String where, final int measured, final int paced) throws Exception
    {
        final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MESSAGE, 64));
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        final int total = WARM_UP + measured + PACED_WARM_UP + paced;
        if ("shared-queue".equals(kind))
        {
            try (DsmRegistry registry = open(Path.of(where)))
            {
                final SharedQueue queue = registry.queue(QUEUE_NAME, CAPACITY);
                try (SharedQueue.Producer producer = queue.producer())
                {
                    for (int i = 0; i < total; i++)
                    {
                        stamp(message, i, measured);
                        while (!producer.offer(TYPE_ID, message, 0, MESSAGE))
                        {
                            checkDeadline(deadline, i);
                        }
                    }
                }
            }
        }
        else if ("agrona-ring".equals(kind))
        {
            final MappedByteBuffer mapped = IoUtil.mapExistingFile(Path.of(where).toFile(), "ring");
            try
            {
                final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
                for (int i = 0; i < total; i++)
                {
                    stamp(message, i, measured);
                    while (!ring.write(TYPE_ID, message, 0, MESSAGE))
                    {
                        checkDeadline(deadline, i);
                    }
                }
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        else
        {
            try (Socket socket = new Socket())
            {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(where)), 10_000);
                final OutputStream out = socket.getOutputStream();
                final byte[] bytes = new byte[MESSAGE];
                final UnsafeBuffer heap = new UnsafeBuffer(bytes);
                for (int i = 0; i < total; i++)
                {
                    stamp(heap, i, measured);
                    out.write(bytes);
                }
                out.flush();
            }
        }
    }

    /** Writes the sequence and the send time; before the first paced message, pauses; paced messages wait their turn. */
    private static void stamp(final UnsafeBuffer message, final int i, final int measured) throws InterruptedException
    {
        final int firstPaced = WARM_UP + measured;
        if (i >= firstPaced)
        {
            if (i == firstPaced)
            {
                Thread.sleep(PAUSE_MILLIS);
                PacedClock.next = System.nanoTime();
            }
            PacedClock.next += PACE_NANOS;
            while (System.nanoTime() - PacedClock.next < 0)
            {
                Thread.onSpinWait();
            }
        }
        message.putLong(SEQUENCE, i);
        message.putLong(SENT_AT, System.nanoTime());
    }

    private static void checkDeadline(final long deadline, final int sent)
    {
        if (System.nanoTime() - deadline > 0)
        {
            throw new IllegalStateException("the producer sent " + sent + " messages before its deadline");
        }
    }

    private static void deleteAll(final Path root) throws IOException
    {
        try (var paths = Files.walk(root))
        {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
        }
    }

    /** The next send time of a paced message (the child sends from one thread). */
    private static final class PacedClock
    {
        private static long next;
    }

    /** The consumer's side: counts messages, times the measured ones and records the paced ones' latencies. */
    private static final class Receiver implements MessageHandler
    {
        private final int measured;
        private final int firstPaced;
        private final int total;
        private final long[] latencies;
        private int received;
        private long firstMeasuredAt;
        private long lastMeasuredAt;

        Receiver(final int measured, final int paced)
        {
            this.measured = measured;
            this.firstPaced = WARM_UP + measured + PACED_WARM_UP;
            this.total = firstPaced + paced;
            this.latencies = new long[paced];
        }

        @Override
        public void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length)
        {
            final long now = System.nanoTime();
            final long sequence = buffer.getLong(index + SEQUENCE);
            if (sequence != received || length != MESSAGE)
            {
                throw new IllegalStateException("expected message " + received + " of " + MESSAGE + " bytes, got " + sequence + " of " + length);
            }
            if (received == WARM_UP)
            {
                firstMeasuredAt = now;
            }
            else if (received == WARM_UP + measured - 1)
            {
                lastMeasuredAt = now;
            }
            else if (received >= firstPaced)
            {
                latencies[received - firstPaced] = now - buffer.getLong(index + SENT_AT);
            }
            received++;
        }

        boolean done()
        {
            return received == total;
        }

        void checkDeadline(final long deadline, final Process child)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("received " + received + " of " + total + " messages before the deadline; producer alive: " + child.isAlive());
            }
        }

        String summary()
        {
            final double seconds = (lastMeasuredAt - firstMeasuredAt) / 1e9;
            final long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return String.format("%.2f M msg/s; one-way median %.2f us, p99 %.2f us, max %.1f us", (measured - 1) / seconds / 1e6,
                sorted[sorted.length / 2] / 1e3, sorted[sorted.length * 99 / 100] / 1e3, sorted[sorted.length - 1] / 1e3);
        }
    }
}
