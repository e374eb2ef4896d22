package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import io.dsmreg.SharedQueue;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * An application with its own Agrona (1.x or another 2.x) on its class path, run by {@link OwnAgronaIT}.
 * {@code OwnAgronaApp agent|library ROOT} prints {@code key=value} lines: where its Agrona came from, that
 * its own {@code UnsafeBuffer} works, and a segment counter and a map count shared with the other runs.
 * It calls only buffer methods that Agrona 1.x declares too.
 */
public final class OwnAgronaApp
{
    private OwnAgronaApp()
    {
    }

    /** Filled by the agent; loaded only in agent mode. */
    static final class Fields
    {
        @SharedNamed(value = "own.counter", size = 64)
        static AtomicBuffer counter;

        @SharedNamed("own.hits")
        static SharedMap<String, Long> hits;
    }

    public static void main(final String[] args)
    {
        System.out.println("agrona=" + AtomicBuffer.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        System.out.println("unsafeBuffer=" + UnsafeBuffer.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        final UnsafeBuffer own = new UnsafeBuffer(new byte[16]);
        own.putLong(8, 42);
        System.out.println("ownBuffer=" + own.getLong(8));
        try
        {
            final AtomicBuffer counter;
            final SharedMap<String, Long> hits;
            final DsmRegistry registry;
            if (args[0].equals("agent"))
            {
                counter = Fields.counter;
                hits = Fields.hits;
                registry = DsmRegistry.open("own-agrona", RegistryOptions.defaults().root(Path.of(args[1])));
            }
            else
            {
                registry = DsmRegistry.open("own-agrona", RegistryOptions.defaults().root(Path.of(args[1])));
                counter = registry.segment("own.counter", 64).buffer();
                hits = registry.map("own.hits", Codec.STRING, Codec.LONG);
            }
            System.out.println("bufferClass=" + counter.getClass().getName());
            System.out.println("counter=" + (counter.getAndAddLong(0, 1) + 1));
            System.out.println("hits=" + hits.merge("GET /", 1L, Long::sum));
            try
            {
                final SharedQueue queue = registry.queue("own.queue", 4096);
                System.out.println("queue=" + queue.name());
            }
            catch (final RuntimeException ex)
            {
                System.out.println("queue=refused: " + ex.getMessage());
            }
        }
        catch (final Throwable ex)
        {
            Throwable cause = ex;
            while (cause.getCause() != null)
            {
                cause = cause.getCause();
            }
            System.out.println("error=" + cause.getMessage());
            System.exit(1);
        }
    }
}
