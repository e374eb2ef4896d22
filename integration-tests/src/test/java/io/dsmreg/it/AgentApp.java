package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.function.Supplier;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * An application run with the agent in the child JVMs of {@link AgentIT}: it makes no dsmreg calls,
 * it only declares {@code @SharedNamed} fields. {@code AgentApp <command> <args...>} prints
 * {@code key=value} lines.
 */
public final class AgentApp
{
    private AgentApp()
    {
    }

    public static final class Counter implements SegmentInitializer<String>
    {
        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
            buffer.putLong(8, Long.parseLong(arg));
        }
    }

    record Point(int x, int y)
    {
    }

    /** The codec class the maps of points name in their annotations. */
    static final class PointCodec implements Codec<Point>
    {
        @Override
        public String id()
        {
            return "it.point";
        }

        @Override
        public int fixedSize()
        {
            return 8;
        }

        @Override
        public void encode(final Point value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putInt(offset, value.x());
            buffer.putInt(offset + 4, value.y());
        }

        @Override
        public Point decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return new Point(buffer.getInt(offset), buffer.getInt(offset + 4));
        }
    }

    /** One field of every kind dsmreg fills. */
    static final class Statics
    {
        @SharedNamed(value = "it.static.buffer", size = 64, init = Counter.class, arg = "1000")
        static AtomicBuffer buffer;
        @SharedNamed(value = "it.static.segment", size = 128)
        static final NamedSegment SEGMENT = null;
        @SharedNamed("it.static.area")
        static SharedArea area;
        @SharedNamed(value = "it.static.hash", keySize = 8, entrySize = 16)
        static final SharedHash HASH = null;
        @SharedNamed("it.static.map")
        static SharedMap<String, Long> map;
        @SharedNamed(value = "it.static.points", valueCodec = PointCodec.class)
        static SharedMap<Long, Point> points;
        static final String SEEN_BY_OWN_INITIALIZER = String.valueOf(buffer) + "," + area + "," + map;
    }

    /** One field of every kind dsmreg fills, final or not. */
    static final class Instances
    {
        @SharedNamed(value = "it.instance.buffer", size = 64)
        final AtomicBuffer buffer;
        @SharedNamed(value = "it.instance.segment", size = 256)
        NamedSegment segment;
        @SharedNamed(value = "it.instance.area", size = 1 << 20)
        final SharedArea area;
        @SharedNamed(value = "it.instance.hash", keySize = 16, entrySize = 24, stringKeys = true)
        SharedHash hash;
        @SharedNamed("it.instance.map")
        SharedMap<Integer, byte[]> map;
        @SharedNamed(value = "it.instance.points", keyCodec = PointCodec.class)
        final SharedMap<Point, String> points;
        final int constructed;

        Instances()
        {
            this(1);
        }

        Instances(final int constructed)
        {
            this.buffer = null;
            this.area = null;
            this.points = null;
            this.constructed = constructed;
        }

        boolean sameHandles(final Instances other)
        {
            return buffer == other.buffer && segment == other.segment && area == other.area && hash == other.hash &&
                map == other.map && points == other.points;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "share" -> share(Path.of(args[1]), Path.of(args[2]));
            case "bytebuddy" -> byteBuddy();
            case "loader" -> loader(Path.of(args[1]), Boolean.parseBoolean(args[2]));
            case "shapes" -> shapes(Path.of(args[1]));
            case "misconfigured" -> misconfigured(args[1]);
            case "plain" -> System.out.println("plain=ok");
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /**
     * Adds one to every field's word or counter and writes its own entries (the JVM whose ready file
     * is {@code a.ready} is number 1, the other number 2), signals {@code mine}, waits for
     * {@code theirs}, prints what both wrote. Each writes a value into a block of each area and
     * publishes the block's pointer through a hash or map, for the other to read.
     */
    private static void share(final Path mine, final Path theirs) throws Exception
    {
        final int me = mine.getFileName().toString().startsWith("a") ? 1 : 2;
        System.out.println("seenByOwnInitializer=" + Statics.SEEN_BY_OWN_INITIALIZER);
        final Instances first = new Instances();
        final Instances second = new Instances(2);
        System.out.println("sameInstanceHandles=" + first.sameHandles(second));
        Statics.buffer.getAndAddLong(0, 1);
        Statics.SEGMENT.buffer().getAndAddLong(0, 1);
        first.buffer.getAndAddLong(0, 1);
        second.segment.buffer().getAndAddLong(0, 1);

        final long staticBlock = Statics.area.allocate(8);
        Statics.area.buffer(staticBlock, 8).putLongVolatile(0, me * 1000L);
        Statics.map.put("block." + me, staticBlock);
        Statics.map.merge("hits", 1L, Long::sum);
        try (SharedHash.Entry entry = Statics.HASH.findOrInsert(7L))
        {
            entry.buffer().putLong(8, entry.buffer().getLong(8) + 1);
        }
        Statics.points.put((long)me, new Point(me, me * 10));

        final long instanceBlock = first.area.allocate(8);
        first.area.buffer(instanceBlock, 8).putLongVolatile(0, me * 100L);
        try (SharedHash.Entry entry = second.hash.findOrInsert("block." + me))
        {
            entry.buffer().putLong(16, instanceBlock);
        }
        first.map.put(me, new byte[me]);
        second.points.put(new Point(me, 0), mine.getFileName().toString());
        Files.createFile(mine);
        final long deadline = System.nanoTime() + SECONDS.toNanos(60);
        while (!Files.exists(theirs) && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        System.out.println("staticBuffer=" + Statics.buffer.getLong(0) + "," + Statics.buffer.getLong(8));
        System.out.println("staticSegment=" + Statics.SEGMENT.buffer().getLong(0) + "," + Statics.SEGMENT.size());
        System.out.println("instanceBuffer=" + second.buffer.getLong(0) + "," + second.buffer.capacity());
        System.out.println("instanceSegment=" + first.segment.buffer().getLong(0) + "," + first.segment.name());
        System.out.println("staticArea=" + (blockValue(Statics.area, Statics.map.get("block.1")) +
            blockValue(Statics.area, Statics.map.get("block.2"))));
        System.out.println("staticMap=" + Statics.map.get("hits"));
        try (SharedHash.Entry entry = Statics.HASH.find(7L, false))
        {
            System.out.println("staticHash=" + entry.buffer().getLong(8));
        }
        System.out.println("staticPoints=" + Statics.points.get(1L) + " " + Statics.points.get(2L));
        long instanceAreas = 0;
        for (int jvm = 1; jvm <= 2; jvm++)
        {
            try (SharedHash.Entry entry = first.hash.find("block." + jvm, false))
            {
                instanceAreas += blockValue(second.area, entry.buffer().getLong(16));
            }
        }
        System.out.println("instanceArea=" + instanceAreas);
        final TreeSet<String> lengths = new TreeSet<>();
        second.map.forEach((key, value) -> lengths.add(key + ":" + value.length));
        System.out.println("instanceMap=" + lengths);
        System.out.println("instancePoints=" + first.points.get(new Point(1, 0)) + " " + first.points.get(new Point(2, 0)));
    }

    private static long blockValue(final SharedArea area, final long pointer)
    {
        return area.buffer(pointer, 8).getLongVolatile(0);
    }

    /** The application's own Byte Buddy, another version than the agent's, next to injected fields. */
    private static void byteBuddy() throws Exception
    {
        final Class<?> made = new ByteBuddy()
            .subclass(Object.class)
            .method(net.bytebuddy.matcher.ElementMatchers.named("toString"))
            .intercept(FixedValue.value("made by the application's Byte Buddy"))
            .make()
            .load(AgentApp.class.getClassLoader())
            .getLoaded();
        System.out.println("made=" + made.getDeclaredConstructor().newInstance());
        System.out.println("byteBuddyFrom=" + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("injected=" + Statics.buffer.capacity());
    }

    /** Loads ChildLoaded from {@code classes} in a URLClassLoader whose parent sees dsmreg, or one whose parent does not. */
    @SuppressWarnings("unchecked")
    private static void loader(final Path classes, final boolean isolated) throws Exception
    {
        final ClassLoader parent = isolated ? ClassLoader.getPlatformClassLoader() : AgentApp.class.getClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, parent))
        {
            final Class<?> type = Class.forName("io.dsmreg.itchild.ChildLoaded", true, loader);
            final Supplier<String> first = (Supplier<String>)type.getDeclaredConstructor().newInstance();
            final Supplier<String> second = (Supplier<String>)type.getDeclaredConstructor().newInstance();
            System.out.println("first=" + first.get());
            System.out.println("second=" + second.get());
            System.out.println("running=true");
        }
    }

    /** Loads Shapes from {@code classes} in a URLClassLoader whose parent sees dsmreg, and prints what it reports. */
    @SuppressWarnings("unchecked")
    private static void shapes(final Path classes) throws Exception
    {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, AgentApp.class.getClassLoader()))
        {
            final Class<?> type = Class.forName("io.dsmreg.itchild.Shapes", true, loader);
            System.out.println("shapes=" + ((Supplier<String>)type.getDeclaredConstructor().newInstance()).get());
        }
    }

    /** Initializes one of the {@link Misconfigured} classes (or constructs it) and prints what it threw. */
    private static void misconfigured(final String simpleName) throws Exception
    {
        final String name = Misconfigured.class.getName() + "$" + simpleName;
        try
        {
            Class.forName(name, true, AgentApp.class.getClassLoader()).getDeclaredConstructor().newInstance();
            System.out.println("error=none");
        }
        catch (final ExceptionInInitializerError ex)
        {
            System.out.println("error=" + ex.getCause().getClass().getName() + ": " + ex.getCause().getMessage());
        }
        catch (final InvocationTargetException ex)
        {
            System.out.println("error=" + ex.getCause().getClass().getName() + ": " + ex.getCause().getMessage());
        }
        System.out.println("running=true");
    }
}
