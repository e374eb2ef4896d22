package demo;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedFields;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.file.Path;

/**
 * An application in a named module that requires io.dsmreg: uses a map, an area, the MBeans and a
 * SharedNamed field through the module's exports, and tries to reach the engine, which it must not.
 * Prints key=value lines; args: the registry root.
 */
public final class ModularApp
{
    @SharedNamed(value = "modular.counter", size = 64, registry = "modular")
    static AtomicBuffer counter;

    private ModularApp()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.out.println("module=" + DsmRegistry.class.getModule().getName());
        try
        {
            Class.forName("io.dsmreg.internal.registry.RegistryTable").getMethod("hash", byte[].class).invoke(null, new byte[1]);
            System.out.println("engine=reachable");
        }
        catch (final IllegalAccessException ex)
        {
            System.out.println("engine=refused");
        }
        System.setProperty("dsmreg.dir", args[0]);
        try (DsmRegistry registry = DsmRegistry.open("modular", RegistryOptions.defaults().root(Path.of(args[0])));
             DsmRegistry.MBeans mbeans = registry.registerMBeans())
        {
            final SharedMap<String, Long> hits = registry.map("modular.hits", Codec.STRING, Codec.LONG);
            System.out.println("hits=" + hits.merge("GET /", 1L, Long::sum));
            System.out.println("allocated=" + (registry.area("modular.area").allocate(64) != 0));
            SharedFields.inject(ModularApp.class);
            System.out.println("counter=" + (counter.getAndAddLong(0, 1) + 1));
            System.out.println("entries=" + registry.entries().size());
        }
    }
}
