package io.dsmreg.it;

import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedNamed;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import org.agrona.concurrent.AtomicBuffer;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static final class Statics
    {
        @SharedNamed(value = "it.static.buffer", size = 64, init = Counter.class, arg = "1000")
        static AtomicBuffer buffer;
        @SharedNamed(value = "it.static.segment", size = 128)
        static final NamedSegment SEGMENT = null;
        static final String SEEN_BY_OWN_INITIALIZER = String.valueOf(buffer);
    }

    static final class Instances
    {
        @SharedNamed(value = "it.instance.buffer", size = 64)
        final AtomicBuffer buffer;
        @SharedNamed(value = "it.instance.segment", size = 256)
        NamedSegment segment;
        final int constructed;

        Instances()
        {
            this(1);
        }

        Instances(final int constructed)
        {
            this.buffer = null;
            this.constructed = constructed;
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

    /** Adds one to every field's word, signals {@code mine}, waits for {@code theirs}, prints the words. */
    private static void share(final Path mine, final Path theirs) throws Exception
    {
        System.out.println("seenByOwnInitializer=" + Statics.SEEN_BY_OWN_INITIALIZER);
        final Instances first = new Instances();
        final Instances second = new Instances(2);
        System.out.println("sameInstanceHandles=" + (first.buffer == second.buffer && first.segment == second.segment));
        Statics.buffer.getAndAddLong(0, 1);
        Statics.SEGMENT.buffer().getAndAddLong(0, 1);
        first.buffer.getAndAddLong(0, 1);
        second.segment.buffer().getAndAddLong(0, 1);
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
