package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.HashParams;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedQueue;
import io.dsmreg.SharedMap;
import org.agrona.concurrent.AtomicBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The program the visibility tests run in child JVMs: {@code VisibilityChild <root> <registry> <command> <args...>}.
 * <ul>
 * <li>{@code create <kind:name:size>...}: creates the entries and exits; they stay in the registry.</li>
 * <li>{@code hold <ready file> <kind:name:size>...}: creates the entries, writes a mark into each (a
 * segment's first word, a block of an area, an entry of a hash, a key of a map), registers the
 * registry's MBeans, writes the ready file, and stays attached until its standard input closes. For
 * each line {@code touch} it reads, it checks every mark, writes the next one, and prints
 * {@code touched=<entries>}.</li>
 * <li>{@code remove <name>}: removes one entry.</li>
 * </ul>
 * Entries are given as {@code kind:name:size}: {@code segment:orders.state:4096} (the segment's
 * size), {@code area:orders.blobs:4096} (an area with one block of that size allocated),
 * {@code hash:orders.index:100} (a hash of 8-byte keys and 16-byte entries holding that many
 * entries), {@code map:orders.hits:100} (a {@code SharedMap<Long, Long>} holding that many keys),
 * {@code queue:orders.events:4096} (a queue of that capacity to which 10 messages of 8 bytes were sent, 4 of them
 * received by a consumer this process holds until it exits). Prints {@code key=value} lines; an exception is printed as
 * {@code error=...} with exit code 3.
 */
public final class VisibilityChild
{
    private VisibilityChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(60));
        final String command = args[2];
        try (DsmRegistry registry = DsmRegistry.open(args[1], options))
        {
            switch (command)
            {
                case "create" -> create(registry, args, 3);
                case "hold" -> hold(registry, Path.of(args[3]), args);
                case "remove" -> System.out.println("removed=" + registry.remove(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
            System.out.println("pid=" + ProcessHandle.current().pid());
        }
        catch (final RuntimeException ex)
        {
            System.out.println("error=" + ex.getClass().getName() + ": " + ex.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }

    private static void create(final DsmRegistry registry, final String[] args, final int from)
    {
        for (int i = from; i < args.length; i++)
        {
            final String[] spec = args[i].split(":", 3);
            switch (spec[0])
            {
                case "segment" -> registry.segment(spec[1], Long.parseLong(spec[2]));
                case "area" -> registry.area(spec[1]).allocate(Long.parseLong(spec[2]));
                case "hash" -> fill(registry.hash(spec[1], HashParams.of(8, 16)), Long.parseLong(spec[2]));
                case "queue" -> sendTenTakeFour(registry.queue(spec[1], Integer.parseInt(spec[2])));
                case "map" -> fill(map(registry, spec[1]), Long.parseLong(spec[2]));
                default -> throw new IllegalArgumentException("unknown entry kind " + spec[0]);
            }
        }
    }

    private static void fill(final SharedHash hash, final long entries)
    {
        for (long key = 0; key < entries; key++)
        {
            try (SharedHash.Entry entry = hash.findOrInsert(key))
            {
                entry.buffer().putLong(8, key);
            }
        }
    }

    private static void sendTenTakeFour(final SharedQueue queue)
    {
        for (long i = 0; i < 10; i++)
        {
            if (!queue.offer(Codec.LONG, i))
            {
                throw new IllegalStateException("queue " + queue.name() + " is full at message " + i);
            }
        }
        // Not closed: this process stays the queue's consumer until it exits.
        final SharedQueue.Consumer consumer = queue.consumer();
        for (long i = 0; i < 4; i++)
        {
            final Long received = consumer.poll(Codec.LONG);
            if (received == null || received != i)
            {
                throw new IllegalStateException("message " + i + " of queue " + queue.name() + " was " + received);
            }
        }
    }

    private static void fill(final SharedMap<Long, Long> map, final long keys)
    {
        for (long key = 0; key < keys; key++)
        {
            map.put(key, key);
        }
    }

    private static SharedMap<Long, Long> map(final DsmRegistry registry, final String name)
    {
        return registry.map(name, Codec.LONG, Codec.LONG);
    }

    private static void hold(final DsmRegistry registry, final Path ready, final String[] args) throws IOException
    {
        create(registry, args, 4);
        final List<Mark> marks = new ArrayList<>();
        final List<String> marked = new ArrayList<>();
        for (int i = 4; i < args.length; i++)
        {
            final String[] spec = args[i].split(":", 3);
            if (spec[0].equals("queue"))
            {
                // A queue holds messages, not one value to mark: its state (sent, received, consumer) is what is checked.
                continue;
            }
            final Mark mark = switch (spec[0])
            {
                case "segment" -> Mark.of(registry.segment(spec[1], Long.parseLong(spec[2])).buffer(), 0);
                case "area" ->
                {
                    final SharedArea area = registry.area(spec[1]);
                    yield Mark.of(area.buffer(area.allocate(Long.BYTES), Long.BYTES), 0);
                }
                case "hash" ->
                {
                    final SharedHash hash = registry.hash(spec[1], HashParams.of(8, 16));
                    yield value -> write(hash, value);
                }
                case "map" ->
                {
                    final SharedMap<Long, Long> map = map(registry, spec[1]);
                    yield value ->
                    {
                        final Long previous = map.put(MARK_KEY, value);
                        return previous == null ? 0 : previous;
                    };
                }
                default -> throw new IllegalArgumentException("unknown entry kind " + spec[0]);
            };
            mark.write(MARK);
            marks.add(mark);
            marked.add(args[i]);
        }
        registry.registerMBeans();
        final Path temporary = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(temporary, Long.toString(ProcessHandle.current().pid()));
        Files.move(temporary, ready, StandardCopyOption.ATOMIC_MOVE);
        final BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        // Held until the parent closes our standard input, or dies.
        for (long mark = MARK; ; mark++)
        {
            final String line = input.readLine();
            if (line == null)
            {
                return;
            }
            if (line.equals("touch"))
            {
                for (int i = 0; i < marks.size(); i++)
                {
                    final long found = marks.get(i).write(mark + 1);
                    if (found != mark)
                    {
                        throw new IllegalStateException(marked.get(i) + " held " + found + ", not the mark " + mark);
                    }
                }
                System.out.println("touched=" + marks.size());
                System.out.flush();
            }
        }
    }

    /** Writes the next mark under the hash entry's lock and returns the one it replaced (0 for a new entry). */
    private static long write(final SharedHash hash, final long value)
    {
        try (SharedHash.Entry entry = hash.findOrInsert(MARK_KEY))
        {
            final long previous = entry.buffer().getLong(8);
            entry.buffer().putLong(8, value);
            return previous;
        }
    }

    /** A place in shared memory that {@code hold} writes its marks to. */
    @FunctionalInterface
    private interface Mark
    {
        /** Writes {@code value}; returns the value it replaced (0 or null at first). */
        long write(long value);

        static Mark of(final AtomicBuffer buffer, final int index)
        {
            return value -> buffer.getAndSetLong(index, value);
        }
    }

    /** The first mark {@code hold} writes; each {@code touch} advances it by one. */
    private static final long MARK = 0x5EED_0000L;
    /** The key of the mark in hashes and maps: not one of the keys that {@code fill} writes. */
    private static final long MARK_KEY = -1;
}
