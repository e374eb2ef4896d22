package io.dsmreg;

import io.dsmreg.internal.layout.QueueDescriptor;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SharedQueueTest extends RegistryTestBase
{
    @Test
    void deliversRawAndTypedMessagesInOrder()
    {
        final SharedQueue queue = registry.queue("q", 4096);
        assertSame(queue, registry.queue("q", 4096), "one handle per entry per process");
        assertEquals(QueueOptions.manyProducers(), queue.options());
        assertEquals(512, queue.maxMessageLength());
        final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 10; i++)
        {
            message.putLong(0, i);
            assertTrue(queue.offer(7, message, 0, 8));
        }
        assertTrue(queue.offer(Codec.STRING, "typed"));
        assertEquals(11 * 16, queue.bytesWaiting());
        try (SharedQueue.Consumer consumer = queue.consumer())
        {
            final List<Long> received = new ArrayList<>();
            assertEquals(10, consumer.poll((type, buffer, index, length) ->
            {
                assertEquals(7, type);
                assertEquals(8, length);
                received.add(buffer.getLong(index));
            }, 10));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), received);
            assertEquals("typed", consumer.poll(Codec.STRING));
            assertNull(consumer.poll(Codec.STRING));
            assertNull(consumer.receive(Codec.STRING, Duration.ofMillis(20)), "a timeout, not a message");
            assertEquals(0, queue.bytesWaiting());
            assertEquals(11, queue.messagesReceived(), "counted as the consumer reads");
            assertEquals(0, queue.unblocks());
            final RegistryEntry listed = registry.entries().get(0);
            assertEquals(EntryType.QUEUE, listed.type());
            assertEquals(QueueDescriptor.fileLength(4096), listed.sizeBytes(), "a queue's size: its file's bytes");
            assertEquals(0, listed.usedBytes(), "a queue's used bytes: the bytes waiting");
            assertEquals(11, listed.entryCount(), "a queue's entry count: the messages received");
        }
    }

    @Test
    void aFullQueueIsReportedToTheProducerNeverDropped()
    {
        final SharedQueue queue = registry.queue("full", 1024, QueueOptions.oneProducer());
        final UnsafeBuffer message = new UnsafeBuffer(new byte[120]);
        try (SharedQueue.Producer producer = queue.producer())
        {
            int sent = 0;
            while (producer.offer(1, message, 0, 120))
            {
                sent++;
            }
            // Agrona's one-to-one ring refuses the eighth record of 128 bytes (with its header) in 1024.
            assertEquals(1024 / 128 - 1, sent, "the ring filled up");
            assertFalse(producer.offer(1, message, 0, 120, Duration.ofMillis(20)), "still full after the timeout");
            assertFalse(producer.offer(Codec.BYTES, new byte[120], Duration.ofMillis(20)));
            assertFalse(producer.offer(Codec.BYTES, new byte[120]));
            try (SharedQueue.Consumer consumer = queue.consumer())
            {
                assertEquals(sent, consumer.poll((type, buffer, index, length) -> { }, 100), "none dropped, none extra");
            }
            assertTrue(producer.offer(1, message, 0, 120));
        }
    }

    @Test
    void aOneProducerQueueHasOneProducerAtATimeAndADeadOnesPlaceIsTakenOver() throws Exception
    {
        final SharedQueue queue = registry.queue("single", 1024, QueueOptions.oneProducer());
        final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        final IllegalStateException direct = assertThrows(IllegalStateException.class, () -> queue.offer(1, message, 0, 8));
        assertTrue(direct.getMessage().contains("SharedQueue.producer()"), direct.getMessage());
        assertThrows(IllegalStateException.class, () -> queue.offer(Codec.LONG, 1L));
        assertThrows(IllegalStateException.class, () -> queue.offer(1, message, 0, 8, Duration.ofMillis(1)));
        assertThrows(IllegalStateException.class, () -> queue.offer(Codec.LONG, 1L, Duration.ofMillis(1)));
        assertEquals(0, queue.producerPid());

        final SharedQueue.Producer first = queue.producer();
        final long self = ProcessHandle.current().pid();
        assertEquals(self, queue.producerPid());
        final ProducerInUseException busy = assertThrows(ProducerInUseException.class, queue::producer);
        assertEquals(self, busy.pid());
        assertTrue(busy.getMessage().contains("pid " + self) && busy.getMessage().contains("one-producer"), busy.getMessage());
        assertTrue(first.offer(Codec.LONG, 1L));
        first.close();
        first.close();
        assertThrows(DsmRegistryException.class, () -> first.offer(Codec.LONG, 2L), "a closed producer");
        assertEquals(0, queue.producerPid());

        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        file.putLongVolatile(QueueDescriptor.PRODUCER_OFFSET, SharedMutex.ownerWord(deadProcess()));
        try (SharedQueue.Producer next = queue.producer(); SharedQueue.Consumer consumer = queue.consumer())
        {
            assertEquals(self, queue.producerPid(), "the dead producer's word was taken over");
            assertTrue(next.offer(Codec.LONG, 3L));
            assertEquals(1L, consumer.poll(Codec.LONG));
            assertEquals(3L, consumer.poll(Codec.LONG));
        }
    }

    @Test
    void manyProducersMayBeOpenAtOnceOnAManyProducerQueue()
    {
        final SharedQueue queue = registry.queue("many", 1024);
        try (SharedQueue.Producer first = queue.producer(); SharedQueue.Producer second = queue.producer();
            SharedQueue.Consumer consumer = queue.consumer())
        {
            assertTrue(first.offer(Codec.LONG, 1L));
            assertTrue(second.offer(Codec.LONG, 2L));
            assertTrue(queue.offer(Codec.LONG, 3L));
            assertEquals(0, queue.producerPid(), "no producer word on a many-producer queue");
            assertEquals(1L, consumer.poll(Codec.LONG));
            assertEquals(2L, consumer.poll(Codec.LONG));
            assertEquals(3L, consumer.poll(Codec.LONG));
        }
    }

    @Test
    void badInputIsRefusedWithWhatWasAskedAndWhatToDo()
    {
        final InvalidSizeException odd = assertThrows(InvalidSizeException.class, () -> registry.queue("bad", 3000));
        assertTrue(odd.getMessage().contains("capacity 3000") && odd.getMessage().contains("ask for 4096"), odd.getMessage());
        final InvalidSizeException small = assertThrows(InvalidSizeException.class, () -> registry.queue("bad", 512));
        assertTrue(small.getMessage().contains("ask for 1024"), small.getMessage());
        assertTrue(registry.entries().isEmpty(), "a refused request leaves the registry as it was");

        final SharedQueue queue = registry.queue("q", 1024);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[200]);
        final InvalidSizeException tooLong = assertThrows(InvalidSizeException.class, () -> queue.offer(1, big, 0, 129));
        assertTrue(tooLong.getMessage().contains("129 bytes") && tooLong.getMessage().contains("0 to 128") &&
            tooLong.getMessage().contains("capacity of at least 2048"), tooLong.getMessage());
        assertThrows(InvalidSizeException.class, () -> queue.offer(Codec.BYTES, new byte[129]));
        final IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> queue.offer(0, big, 0, 8));
        assertTrue(type.getMessage().contains("type id 0"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> queue.consumer(Duration.ZERO));

        final EntryMismatchException capacity = assertThrows(EntryMismatchException.class, () -> registry.queue("q", 2048));
        assertTrue(capacity.getMessage().contains("capacity 2048") && capacity.getMessage().contains("capacity 1024"),
            capacity.getMessage());
        final EntryMismatchException producers =
            assertThrows(EntryMismatchException.class, () -> registry.queue("q", 1024, QueueOptions.oneProducer()));
        assertTrue(producers.getMessage().contains("producers=ONE") && producers.getMessage().contains("producers=MANY"),
            producers.getMessage());
        registry.segment("s", 64);
        assertThrows(EntryMismatchException.class, () -> registry.queue("s", 1024));
    }

    @Test
    void aCodecThatFailsSendsNothing()
    {
        final SharedQueue queue = registry.queue("codec", 1024);
        final Codec<Long> liar = new Codec<>()
        {
            public String id()
            {
                return "liar";
            }

            public int fixedSize()
            {
                return 4;
            }

            public void encode(final Long value, final org.agrona.MutableDirectBuffer buffer, final int offset)
            {
                buffer.putLong(offset, value);
            }

            public Long decode(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                return buffer.getLong(offset);
            }
        };
        assertThrows(CodecException.class, () -> queue.offer(liar, 5L));
        // Half of a surrogate pair has no UTF-8: refused by Codec.STRING, shown escaped, nothing sent.
        final CodecException unpaired = assertThrows(CodecException.class, () -> queue.offer(Codec.STRING, "a\uD800"));
        assertTrue(unpaired.getMessage().contains("unpaired surrogate, U+D800, at index 1"), unpaired.getMessage());
        assertTrue(unpaired.getMessage().contains("a\\uD800"), unpaired.getMessage());
        assertTrue(queue.offer(Codec.LONG, 6L));
        try (SharedQueue.Consumer consumer = queue.consumer())
        {
            assertEquals(6L, consumer.poll(Codec.LONG), "the failed message was aborted into padding");
            final UnsafeBuffer raw = new UnsafeBuffer(new byte[8]);
            assertTrue(queue.offer(9, raw, 0, 8));
            final CodecException typed = assertThrows(CodecException.class, () -> consumer.poll(Codec.LONG));
            assertTrue(typed.getMessage().contains("type id 9"), typed.getMessage());
        }
    }

    @Test
    void oneConsumerAtATimeAndADeadOnesPlaceIsTakenOver() throws Exception
    {
        final SharedQueue queue = registry.queue("one", 1024);
        final SharedQueue.Consumer first = queue.consumer();
        final ConsumerInUseException busy = assertThrows(ConsumerInUseException.class, queue::consumer);
        assertEquals(ProcessHandle.current().pid(), busy.pid());
        assertTrue(busy.getMessage().contains("pid " + ProcessHandle.current().pid()), busy.getMessage());
        assertEquals(ProcessHandle.current().pid(), queue.consumerPid());
        first.close();
        assertThrows(DsmRegistryException.class, () -> first.poll(Codec.LONG), "a closed consumer");
        assertEquals(0, queue.consumerPid());

        assertTrue(queue.offer(Codec.LONG, 1L));
        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        file.putLongVolatile(QueueDescriptor.CONSUMER_OFFSET, SharedMutex.ownerWord(deadProcess()));
        try (SharedQueue.Consumer next = queue.consumer())
        {
            assertEquals(ProcessHandle.current().pid(), queue.consumerPid(), "the dead consumer's word was taken over");
            assertEquals(1L, next.poll(Codec.LONG), "and it continues at the ring's head");
        }
    }

    @Test
    void aProducerDeadInTheMiddleOfAMessageIsSkippedAfterTheBound()
    {
        skipsADeadProducersRecord(registry.queue("many", 1024, QueueOptions.manyProducers()), true);
    }

    @Test
    void theOneProducerDeadInTheMiddleOfAMessageIsSkippedAfterTheBound()
    {
        skipsADeadProducersRecord(registry.queue("one", 1024, QueueOptions.oneProducer()), false);
    }

    @Test
    void aProducerDeadBeforeMarkingItsRecordIsSkippedAfterTheBound()
    {
        final SharedQueue queue = registry.queue("unmarked", 1024, QueueOptions.manyProducers());
        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        // A producer killed between its claim (the tail moved) and marking its record: a length of 0 at the head.
        file.putLongVolatile(QueueDescriptor.HEADER_LENGTH + 1024 + RingBufferDescriptor.TAIL_POSITION_OFFSET, 16);
        assertTrue(queue.offer(Codec.LONG, 42L));
        assertEquals(0, file.getInt(QueueDescriptor.HEADER_LENGTH), "nothing marked at the head");
        try (SharedQueue.Consumer consumer = queue.consumer(Duration.ofMillis(100)))
        {
            assertNull(consumer.poll(Codec.LONG), "blocked behind the unmarked record");
            final long start = System.nanoTime();
            assertEquals(42L, consumer.receive(Codec.LONG, Duration.ofSeconds(10)), "unblocked after the bound");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(100).toNanos() / 2, "not before the bound");
        }
        assertEquals(1, queue.unblocks(), "the dead producer's record was skipped once");
    }

    @Test
    void stateShowsPositionsConsumerAndMessagesSentAndReceivedWithoutWriting()
    {
        final SharedQueue queue = registry.queue("state", 4096);
        final long self = ProcessHandle.current().pid();
        assertEquals(new QueueState(4096, QueueOptions.Producers.MANY, 0, 0, 0, 0, 0L, 0, 0), queue.state(), "a new queue");
        final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 5; i++)
        {
            assertTrue(queue.offer(7, message, 0, 8));
        }
        assertEquals(new QueueState(4096, QueueOptions.Producers.MANY, 80, 0, 0, 0, 5L, 0, 0), queue.state(),
            "five records of 16 bytes waiting, none received");
        try (SharedQueue.Consumer consumer = queue.consumer())
        {
            assertEquals(3, consumer.poll((type, buffer, index, length) -> { }, 3));
            assertTrue(queue.offer(Codec.STRING, "typed"));
            final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(4096));
            final UnsafeBuffer ringBuffer =
                new UnsafeBuffer(file, QueueDescriptor.HEADER_LENGTH, 4096 + RingBufferDescriptor.TRAILER_LENGTH);
            final int inProgress = new ManyToOneRingBuffer(ringBuffer).tryClaim(1, 20);
            assertTrue(inProgress >= 0, "a record claimed and not committed: its producer is still writing");
            assertTrue(queue.offer(7, message, 0, 8));
            final QueueState state = queue.state();
            // 5 records of 16 bytes, "typed" with its header, the claim (8 + 20 bytes, aligned to 32), then 16 bytes.
            final long tail = 80 + BitUtil.align(8 + Codec.STRING.size("typed"), 8) + 32 + 16;
            assertEquals(new QueueState(4096, QueueOptions.Producers.MANY, tail, 48, self, 0, 3L + 4, 3, 0), state,
                "sent: the 3 received and the 4 complete messages waiting, not the one in progress");
            assertEquals(tail - 48, state.bytesWaiting());
            assertEquals("capacity 4096, " + (tail - 48) + " bytes waiting (producer at " + tail + ", consumer at 48), consumer pid " +
                self + ", 7 sent, 3 received, 0 unblocked", state.describe());
            final RegistryEntry listed = registry.entries().get(0);
            assertEquals(state, listed.queue(), "listings show the same state");
            assertEquals(tail - 48, listed.usedBytes());
            assertEquals(3, listed.entryCount());
            assertNull(listed.lock());
            final byte[] before = copy(file);
            queue.state();
            registry.entries();
            assertArrayEquals(before, copy(file), "reading the state writes nothing");
        }
    }

    @Test
    void aOneProducerQueuesStateShowsItsProducer()
    {
        final SharedQueue queue = registry.queue("single-state", 1024, QueueOptions.oneProducer());
        final long self = ProcessHandle.current().pid();
        try (SharedQueue.Producer producer = queue.producer())
        {
            assertTrue(producer.offer(Codec.LONG, 1L));
            final QueueState state = queue.state();
            assertEquals(new QueueState(1024, QueueOptions.Producers.ONE, 16, 0, 0, self, 1L, 0, 0), state);
            assertEquals("capacity 1024, 16 bytes waiting (producer at 16, consumer at 0), no consumer, producer pid " + self +
                ", 1 sent, 0 received, 0 unblocked", state.describe());
        }
        assertEquals(0, queue.state().producerPid());
    }

    @Test
    void aDamagedQueueFileIsACorruptFileExceptionFromStateAndListsAsDamaged()
    {
        final SharedQueue queue = registry.queue("damaged", 1024);
        assertTrue(queue.offer(Codec.LONG, 1L));
        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        file.putInt(QueueDescriptor.HEADER_LENGTH, 5000);
        final CorruptFileException record = assertThrows(CorruptFileException.class, queue::state);
        assertTrue(record.getMessage().contains("_0.dsm") && record.getMessage().contains("record no producer writes"),
            record.getMessage());
        assertDamagedInListing();
        file.putInt(QueueDescriptor.HEADER_LENGTH, 16);
        file.putLong(QueueDescriptor.CONSUMER_OFFSET, -1L);
        final CorruptFileException consumer = assertThrows(CorruptFileException.class, queue::state);
        assertTrue(consumer.getMessage().contains("consumer word is 0xffffffffffffffff"), consumer.getMessage());
        file.putLong(QueueDescriptor.CONSUMER_OFFSET, 0);
        file.putLong(QueueDescriptor.RECEIVED_OFFSET, -3);
        final CorruptFileException received = assertThrows(CorruptFileException.class, queue::state);
        assertTrue(received.getMessage().contains("messages received is -3"), received.getMessage());
        assertDamagedInListing();
        file.putLong(QueueDescriptor.RECEIVED_OFFSET, 0);
        assertEquals(1L, queue.state().messagesSent(), "whole again");
        assertEquals(1L, registry.entries().get(0).queue().messagesSent(), "listed whole again");
    }

    @Test
    void aRecordLengthPastTheRingIsACorruptFileExceptionFromPoll()
    {
        // Past the ring but inside its buffer (the trailer follows): refused before a handler sees it.
        for (final int damaged : new int[] {1025, 4})
        {
            final SharedQueue queue = registry.queue("damaged-" + damaged, 1024);
            assertTrue(queue.offer(Codec.LONG, 7L));
            final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
            file.putInt(QueueDescriptor.HEADER_LENGTH + RecordDescriptor.lengthOffset(0), damaged);
            try (SharedQueue.Consumer consumer = queue.consumer())
            {
                final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> consumer.poll(Codec.LONG));
                assertTrue(ex.getMessage().contains(" of queue \"damaged-" + damaged + "\" cannot be used: the record at offset 0 " +
                    "of its ring records " + damaged + " bytes, past the ring's end at 1024 bytes"), ex.getMessage());
            }
            // Removed, so that the next case's file is the only queue file.
            assertTrue(registry.remove("damaged-" + damaged));
        }
        // Past the whole buffer: Agrona's read fails before it moves the head, so nothing is lost once the record is whole.
        final SharedQueue queue = registry.queue("damaged", 1024);
        assertTrue(queue.offer(Codec.LONG, 7L));
        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        final int lengthAt = QueueDescriptor.HEADER_LENGTH + RecordDescriptor.lengthOffset(0);
        final int length = file.getInt(lengthAt);
        file.putInt(lengthAt, Integer.MAX_VALUE);
        try (SharedQueue.Consumer consumer = queue.consumer())
        {
            final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> consumer.poll(Codec.LONG));
            assertTrue(ex.getMessage().contains("the record at offset 0 of its ring records " + Integer.MAX_VALUE + " bytes"),
                ex.getMessage());
            assertThrows(CorruptFileException.class, () -> consumer.poll((type, buffer, index, bytes) -> fail("handed a damaged record"), 1));
            file.putInt(lengthAt, length);
            assertEquals(7L, consumer.poll(Codec.LONG), "the message, once its record is whole again");
            // A handler's own IndexOutOfBoundsException is the handler's, not damage.
            assertTrue(queue.offer(Codec.LONG, 8L));
            assertThrows(IndexOutOfBoundsException.class, () -> consumer.poll((type, buffer, index, bytes) -> buffer.getByte(-1), 1));
        }
    }

    /** A listing shows the damaged queue without a size or state (what tools flag as damaged), and fails no other row. */
    private void assertDamagedInListing()
    {
        final RegistryEntry listed = registry.entries().get(0);
        assertEquals(EntryType.QUEUE, listed.type());
        assertNull(listed.sizeBytes());
        assertNull(listed.queue());
    }

    private static byte[] copy(final UnsafeBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private void skipsADeadProducersRecord(final SharedQueue queue, final boolean many)
    {
        final UnsafeBuffer file = mapPart(0, QueueDescriptor.fileLength(1024));
        final UnsafeBuffer ringBuffer = new UnsafeBuffer(file, QueueDescriptor.HEADER_LENGTH, 1024 + RingBufferDescriptor.TRAILER_LENGTH);
        final RingBuffer deadProducer = many ? new ManyToOneRingBuffer(ringBuffer) : new OneToOneRingBuffer(ringBuffer);
        assertTrue(deadProducer.tryClaim(1, 16) >= 0, "claimed, never committed: a producer killed mid-message");
        try (SharedQueue.Producer producer = queue.producer(); SharedQueue.Consumer consumer = queue.consumer(Duration.ofMillis(100)))
        {
            assertTrue(producer.offer(Codec.LONG, 42L));
            assertNull(consumer.poll(Codec.LONG), "blocked behind the record in progress");
            final long start = System.nanoTime();
            assertEquals(42L, consumer.receive(Codec.LONG, Duration.ofSeconds(10)), "unblocked after the bound");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(100).toNanos() / 2, "not before the bound");
        }
        assertEquals(1, queue.unblocks(), "the dead producer's record was skipped once");
        assertEquals(1, queue.messagesReceived());
    }
}
