package io.dsmreg.inject;

import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.file.Directories;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The entry point of the code the agent puts into classes, and of {@link io.dsmreg.SharedFields}:
 * only core classes are referenced from instrumented code, so that it links through the
 * application's own class loader.
 * <p>
 * Settings, first found wins: what the agent was given ({@link #configure}), the system properties
 * {@code dsmreg.registry} / {@code dsmreg.dir}, the environment variables {@code DSMREG_REGISTRY} /
 * {@code DSMREG_DIR}, then the registry {@code default} under the usual root.
 */
public final class Injection
{
    public static final String REGISTRY_PROPERTY = "dsmreg.registry";
    public static final String REGISTRY_ENVIRONMENT = "DSMREG_REGISTRY";
    public static final String DEFAULT_REGISTRY = "default";

    private static volatile String agentRegistry;
    private static volatile String agentRoot;
    private static volatile Consumer<DsmRegistry> opened;

    private Injection()
    {
    }

    /**
     * The agent's arguments, each null when not given; they take precedence over properties and
     * environment. Only stores them: it runs in premain, where every millisecond counts.
     *
     * @param onOpen told of every registry opened here, once, on the opening thread; must not
     *               throw, nor take long (class initialization waits). Null: nobody is told.
     */
    public static void configure(final String registry, final String root, final Consumer<DsmRegistry> onOpen)
    {
        agentRegistry = registry;
        agentRoot = root;
        opened = onOpen;
    }

    /** The registry of fields that name none, opened as for a field and, like it, kept open for the life of the JVM. */
    public static DsmRegistry defaultRegistry()
    {
        return registry(null);
    }

    /**
     * The value of the {@code SharedNamed} field {@code fieldName} declared by {@code owner}: the
     * same object on every call for the same field.
     *
     * @throws DsmRegistryException naming the class, the field and the reason it cannot be filled.
     */
    public static Object resolve(final Class<?> owner, final String fieldName)
    {
        final ConcurrentHashMap<String, Object> values = Caches.RESOLVED.get(owner);
        final Object known = values.get(fieldName);
        if (known != null)
        {
            return known;
        }
        final Field field;
        try
        {
            field = owner.getDeclaredField(fieldName);
        }
        catch (final NoSuchFieldException ex)
        {
            throw new DsmRegistryException(
                "cannot fill @SharedNamed field " + owner.getName() + "." + fieldName + ": the class has no such field", ex);
        }
        final Object value = FieldResolver.resolve(field);
        final Object raced = values.putIfAbsent(fieldName, value);
        return raced == null ? value : raced;
    }

    /** The registry name {@code explicit} if not empty, else the default one as the class comment says. */
    public static String registryName(final String explicit)
    {
        if (explicit != null && !explicit.isEmpty())
        {
            return explicit;
        }
        final String configured = agentRegistry;
        if (configured != null)
        {
            return configured;
        }
        final String property = System.getProperty(REGISTRY_PROPERTY);
        if (property != null && !property.isBlank())
        {
            return property.strip();
        }
        final String environment = System.getenv(REGISTRY_ENVIRONMENT);
        if (environment != null && !environment.isBlank())
        {
            return environment.strip();
        }
        return DEFAULT_REGISTRY;
    }

    /** The open registry for a {@code SharedNamed#registry()} value; kept open for the life of the JVM. */
    static DsmRegistry registry(final String explicit)
    {
        final String name = registryName(explicit);
        final String configured = agentRoot;
        final Path root = Directories.root(configured == null ? null : Path.of(configured));
        return Caches.REGISTRIES.computeIfAbsent(
            name + '\n' + root, key -> announce(DsmRegistry.open(name, RegistryOptions.defaults().root(root))));
    }

    private static DsmRegistry announce(final DsmRegistry registry)
    {
        final Consumer<DsmRegistry> listener = opened;
        if (listener != null)
        {
            listener.accept(registry);
        }
        return registry;
    }

    /** Created on first use, not in premain. */
    private static final class Caches
    {
        static final ConcurrentHashMap<String, DsmRegistry> REGISTRIES = new ConcurrentHashMap<>();
        // A field's value never changes once resolved, so constructors and repeated injections cost a lookup.
        static final ClassValue<ConcurrentHashMap<String, Object>> RESOLVED = new ClassValue<>()
        {
            @Override
            protected ConcurrentHashMap<String, Object> computeValue(final Class<?> type)
            {
                return new ConcurrentHashMap<>();
            }
        };
    }
}
