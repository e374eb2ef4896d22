package io.dsmreg.internal.queue;

import io.dsmreg.EntryMismatchException;
import io.dsmreg.EntryType;
import io.dsmreg.InvalidSizeException;
import io.dsmreg.QueueOptions;
import io.dsmreg.QueueState;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedQueue;
import io.dsmreg.internal.kind.EntryKind;
import io.dsmreg.internal.layout.QueueDescriptor;
import io.dsmreg.internal.registry.AgronaVersions;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import io.dsmreg.internal.registry.EntryNames;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.util.List;
import java.time.Instant;

import static io.dsmreg.internal.layout.QueueDescriptor.MAX_CAPACITY;
import static io.dsmreg.internal.layout.QueueDescriptor.MIN_CAPACITY;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCERS_MANY;
import static io.dsmreg.internal.layout.QueueDescriptor.PRODUCERS_ONE;
import static io.dsmreg.internal.layout.QueueDescriptor.isValidCapacity;

/**
 * Named queues (PostgreSQL's {@code shm_mq}): one file each ({@link QueueFiles}), an Agrona ring buffer
 * after a header. The registry records the capacity as the entry's size; the file records it too, with
 * the producers option, and both are checked on attach. Listings read the queue's state without locks.
 */
public final class QueueKind implements EntryKind<QueueKind.Request, QueueHandle>
{
    /** The kind's one instance. */
    public static final QueueKind INSTANCE = new QueueKind();

    /** What one request asks for: null options accept the existing queue's. */
    record Request(String name, int capacity, QueueOptions options)
    {
    }

    private QueueKind()
    {
    }

    /** The queue {@code name} of {@code registry}, created if no process has: {@link io.dsmreg.DsmRegistry#queue(String, int, QueueOptions)}. */
    public static SharedQueue queue(final OpenRegistry registry, final String name, final int capacity, final QueueOptions options)
    {
        // Hot path: a queue this process already attached.
        if (name != null && registry.cached(name) instanceof QueueHandle cached && cached.capacity() == capacity &&
            (options == null || options.equals(cached.options())))
        {
            return cached;
        }
        AgronaVersions.checkQueues();
        final byte[] nameBytes = EntryNames.encode("queue", name);
        if (!isValidCapacity(capacity))
        {
            throw new InvalidSizeException(
                "requested queue \"" + name + "\" has capacity " + capacity + "; a queue's capacity must be a power of two " +
                "from " + MIN_CAPACITY + " to " + MAX_CAPACITY + " bytes (its messages take up to an eighth of it): ask for " +
                suggestedCapacity(capacity));
        }
        return registry.getOrCreate(name, nameBytes, INSTANCE, new Request(name, capacity, options));
    }

    private static long suggestedCapacity(final int capacity)
    {
        if (capacity <= MIN_CAPACITY)
        {
            return MIN_CAPACITY;
        }
        return capacity >= MAX_CAPACITY ? MAX_CAPACITY : Integer.highestOneBit(capacity - 1) << 1;
    }

    @Override
    public EntryType type()
    {
        return EntryType.QUEUE;
    }

    @Override
    public boolean isHandleOf(final Request request, final CachedHandle cached)
    {
        return cached instanceof QueueHandle;
    }

    @Override
    public long recordedSize(final Request request)
    {
        return request.capacity();
    }

    @Override
    public void checkCompatible(final Request request, final QueueHandle attached)
    {
        if (attached.capacity() != request.capacity() || request.options() != null && !request.options().equals(attached.options()))
        {
            throw new EntryMismatchException(
                "requested queue \"" + request.name() + "\" with capacity " + request.capacity() + " and " +
                (request.options() == null ? "any options" : request.options()) + " but the existing one has capacity " +
                attached.capacity() + " and " + attached.options() + "; ask for what exists (options may be left out), " +
                "or remove the entry first to create it anew");
        }
    }

    @Override
    public QueueHandle create(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        final QueueOptions created = request.options() == null ? QueueOptions.manyProducers() : request.options();
        final int producers = created.producers() == QueueOptions.Producers.ONE ? PRODUCERS_ONE : PRODUCERS_MANY;
        return new QueueHandle(request.name(), QueueFiles.path(registry.directory(), fileId),
            QueueFiles.create(registry.directory(), fileId, request.name(), request.capacity(), producers),
            registry.timeoutNanos(), entry);
    }

    @Override
    public QueueHandle attach(final OpenRegistry registry, final Request request, final EntryGeneration entry, final long fileId)
    {
        return new QueueHandle(request.name(), QueueFiles.path(registry.directory(), fileId),
            QueueFiles.attach(registry.directory(), fileId, request.name()), registry.timeoutNanos(), entry);
    }

    /**
     * Size: the file's bytes; used: the bytes waiting in the ring; entry count: the messages received since
     * the queue was created; and the queue's whole {@link io.dsmreg.QueueState}.
     *
     * @throws io.dsmreg.CorruptFileException if the file holds a value no queue can.
     */
    @Override
    public RegistryEntry inspect(final Path directory, final SlotView ready)
    {
        final QueueState state = QueueFiles.read(directory, ready.name(), ready.fileId(), ready.size());
        return new RegistryEntry(ready.name(), EntryType.QUEUE,
            state == null ? null : QueueDescriptor.fileLength((int)state.capacity()),
            state == null ? null : state.bytesWaiting(),
            state == null ? null : state.messagesReceived(), ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()), null,
            state);
    }

    @Override
    public List<String> verify(final Path directory, final SlotView ready)
    {
        QueueFiles.verify(directory, ready.name(), ready.fileId(), ready.size());
        return List.of();
    }
}
