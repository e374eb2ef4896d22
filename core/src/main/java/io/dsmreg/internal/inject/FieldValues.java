package io.dsmreg.internal.inject;

import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedNamed;
import io.dsmreg.internal.file.Directories;
import io.dsmreg.jmx.ClusterEntryInfo;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The value of every {@link SharedNamed} field, resolved once per field and shared by
 * {@link io.dsmreg.SharedFields} and the agent's woven code ({@link io.dsmreg.inject.Injection}), and
 * the settings that choose the registry of fields that name none.
 * <p>
 * Settings, first found wins: what the agent was given ({@link #configure}), the system properties
 * {@code dsmreg.registry} / {@code dsmreg.dir}, the environment variables {@code DSMREG_REGISTRY} /
 * {@code DSMREG_DIR}, then the registry {@code default} under the usual root.
 * <p>
 * With the agent's {@code cluster=FILE} ({@link #configureCluster}), that registry, the agent's,
 * lives on a Hazelcast cluster: its map fields become cluster maps ({@link ClusterScope}), and
 * fields of registries named explicitly stay host-local.
 */
public final class FieldValues
{
    /** The system property that names the registry of fields that name none, when the agent was given none. */
    public static final String REGISTRY_PROPERTY = "dsmreg.registry";
    /** The environment variable that names that registry, when neither the agent nor the property does. */
    public static final String REGISTRY_ENVIRONMENT = "DSMREG_REGISTRY";
    /** The registry of fields that name none, when nothing else names one. */
    public static final String DEFAULT_REGISTRY = "default";

    private static volatile String agentRegistry;
    private static volatile String agentRoot;
    private static volatile Consumer<DsmRegistry> opened;
    private static volatile ClusterScope agentCluster;
    /** Set by {@link #checkSettings}: why fields that name no registry cannot be filled, or null. */
    private static volatile String registrySettingProblem;
    /** Set by {@link #checkSettings}: why no field can be filled, or null. */
    private static volatile String rootSettingProblem;

    private FieldValues()
    {
    }

    /**
     * The agent's arguments, each null when not given; they take precedence over properties and
     * environment. Only stores them: it runs in premain, where every millisecond counts.
     *
     * @param registry the registry of fields that name none; null when not given.
     * @param root     the directory registries live under, as a path string; null when not given.
     * @param onOpen told of every registry opened here, once, on the opening thread; must not
     *               throw, nor take long (class initialization waits). Null: nobody is told.
     */
    public static void configure(final String registry, final String root, final Consumer<DsmRegistry> onOpen)
    {
        agentRegistry = registry;
        agentRoot = root;
        opened = onOpen;
        if (root != null && !root.isBlank())
        {
            Directories.chosenBy(root, "the agent argument dir=DIR");
        }
        registrySettingProblem = null;
        rootSettingProblem = null;
    }

    /**
     * Checks the settings that choose the registry of fields that name none and the root, cheaply
     * (a few file attributes; nothing is created or opened), and remembers what it found: from then
     * on every field those settings reach fails with the same message, rather than falling back to
     * another registry or directory. Each message names the setting as the user wrote it, what is
     * wrong with it and the fix.
     *
     * @return one message per unusable setting; empty when they are all usable.
     */
    public static List<String> checkSettings()
    {
        final List<String> problems = new ArrayList<>(2);
        final String name = registryName(null);
        final String nameProblem = Directories.registryNameProblem(name);
        registrySettingProblem = nameProblem == null ? null : registrySetting() + name + " cannot be used: " + nameProblem +
            ". Give it a name of letters, digits, '.', '_' and '-', or leave it out to use \"" + DEFAULT_REGISTRY + "\"";
        if (registrySettingProblem != null)
        {
            problems.add(registrySettingProblem);
        }
        rootSettingProblem = rootProblem();
        if (rootSettingProblem != null)
        {
            problems.add(rootSettingProblem);
        }
        return problems;
    }

    /** How the user set the registry name that {@link #registryName} returns for fields that name none, up to its value. */
    private static String registrySetting()
    {
        if (agentRegistry != null)
        {
            return "the agent argument registry=";
        }
        if (System.getProperty(REGISTRY_PROPERTY) != null && !System.getProperty(REGISTRY_PROPERTY).isBlank())
        {
            return "-D" + REGISTRY_PROPERTY + "=";
        }
        return "the environment variable " + REGISTRY_ENVIRONMENT + "=";
    }

    /** Why the root that a setting chose cannot hold registries, or null; the default root is not checked. */
    private static String rootProblem()
    {
        final String configured = agentRoot;
        final String setting;
        final String value;
        if (configured != null)
        {
            setting = "the agent argument dir=";
            value = configured;
        }
        else if (System.getProperty(Directories.ROOT_PROPERTY) != null && !System.getProperty(Directories.ROOT_PROPERTY).isBlank())
        {
            setting = "-D" + Directories.ROOT_PROPERTY + "=";
            value = System.getProperty(Directories.ROOT_PROPERTY);
        }
        else if (System.getenv(Directories.ROOT_ENVIRONMENT) != null && !System.getenv(Directories.ROOT_ENVIRONMENT).isBlank())
        {
            setting = "the environment variable " + Directories.ROOT_ENVIRONMENT + "=";
            value = System.getenv(Directories.ROOT_ENVIRONMENT);
        }
        else
        {
            return null;
        }
        final String fix = ". Give " + setting.substring(setting.lastIndexOf(' ') + 1) + " a writable directory on tmpfs, " +
            "such as /dev/shm, or leave it out to use the default";
        if (value.isBlank())
        {
            return setting + " cannot be used: it has no value" + fix;
        }
        if (value.indexOf('\0') >= 0)
        {
            return setting + value.replace('\0', '?') + " cannot be used: it is not a path (it holds a NUL character)" + fix;
        }
        final String problem = Directories.rootProblem(value);
        return problem == null ? null : setting + value + " cannot be used: " + problem + fix;
    }

    /**
     * The agent's {@code cluster=FILE}: puts the registry of fields that name none on the Hazelcast
     * cluster the file describes, and starts connecting to it in the background; premain does not
     * wait. Never throws: a failure is logged once and given to every cluster field that asks.
     *
     * @param configFile a Hazelcast member or client configuration file, YAML or XML; null: every
     *                   registry is host-local again.
     */
    public static void configureCluster(final String configFile)
    {
        agentCluster = configFile == null ? null : ClusterScope.start(configFile);
    }

    /**
     * The cluster that the registry {@code registryName} lives on, or null if it is host-local: only the
     * agent's registry moves, and only with {@code cluster=}.
     */
    static ClusterScope clusterOf(final String registryName)
    {
        final ClusterScope cluster = agentCluster;
        return cluster != null && registryName.equals(registryName(null)) ? cluster : null;
    }

    /**
     * The maps of {@code registryName} that this JVM bound to a cluster, for the registry MBean.
     *
     * @param registryName a registry's name.
     * @return one row per map, sorted by name; empty if the registry is host-local or its cluster is not up.
     */
    public static List<ClusterEntryInfo> clusterEntries(final String registryName)
    {
        final ClusterScope cluster = clusterOf(registryName);
        return cluster == null ? List.of() : cluster.entries(registryName);
    }

    /**
     * The registry of fields that name none, opened as for a field and, like it, kept open for the life of the JVM.
     *
     * @return the open registry, shared with every field that uses it: never close it.
     * @throws DsmRegistryException as {@link DsmRegistry#open(String, RegistryOptions)}.
     */
    public static DsmRegistry defaultRegistry()
    {
        return registry(null);
    }

    /**
     * The value of the {@code SharedNamed} field {@code fieldName} declared by {@code owner}: the
     * same object on every call for the same field. Reads the annotation.
     *
     * @param owner     the class that declares the field.
     * @param fieldName the field's name.
     * @return the entry, handle or buffer the field's type asks for.
     * @throws DsmRegistryException naming the class, the field and the reason it cannot be filled.
     */
    public static Object resolve(final Class<?> owner, final String fieldName)
    {
        final Object known = Caches.RESOLVED.get(owner).get(fieldName);
        if (known != null)
        {
            return known;
        }
        final Field field = field(owner, fieldName);
        final SharedNamed named = field.getAnnotation(SharedNamed.class);
        if (named == null)
        {
            throw new DsmRegistryException("cannot fill @SharedNamed field " + owner.getName() + "." + fieldName +
                ": it is not annotated with @" + SharedNamed.class.getName() + " as this class's loader sees it; check " +
                "that only one copy of dsmreg is on the class path");
        }
        return remember(owner, fieldName, FieldResolver.resolve(field, FieldSpec.of(named)));
    }

    /**
     * What the agent's code calls: {@link #resolve(Class, String)} given the annotation's values,
     * which the agent read from the class file, so that the annotation is never read through the
     * JDK's proxy. An attribute the annotation leaves out is passed as its type's zero value; a
     * class as its binary name, {@code ""} when left out. The parameters after the field's name
     * are the annotation's attributes in the order the agent passes them.
     *
     * @param owner      the class that declares the field.
     * @param fieldName  the field's name.
     * @param value      {@link SharedNamed#value()}.
     * @param size       {@link SharedNamed#size()}.
     * @param init       {@link SharedNamed#init()}, as a binary class name.
     * @param arg        {@link SharedNamed#arg()}.
     * @param registry   {@link SharedNamed#registry()}.
     * @param keySize    {@link SharedNamed#keySize()}.
     * @param entrySize  {@link SharedNamed#entrySize()}.
     * @param stringKeys {@link SharedNamed#stringKeys()}.
     * @param keyCodec   {@link SharedNamed#keyCodec()}, as a binary class name.
     * @param valueCodec {@link SharedNamed#valueCodec()}, as a binary class name.
     * @return the entry, handle or buffer the field's type asks for; the same object on every call for the
     *         same field.
     * @throws DsmRegistryException naming the class, the field and the reason it cannot be filled.
     */
    public static Object resolve(
        final Class<?> owner, final String fieldName, final String value, final long size, final String init, final String arg,
        final String registry, final int keySize, final int entrySize, final boolean stringKeys, final String keyCodec,
        final String valueCodec)
    {
        final Object known = Caches.RESOLVED.get(owner).get(fieldName);
        if (known != null)
        {
            return known;
        }
        final FieldSpec spec = new FieldSpec(value, size, init, arg, registry, keySize, entrySize, stringKeys, keyCodec, valueCodec);
        return remember(owner, fieldName, FieldResolver.resolve(field(owner, fieldName), spec));
    }

    private static Field field(final Class<?> owner, final String fieldName)
    {
        try
        {
            return owner.getDeclaredField(fieldName);
        }
        catch (final NoSuchFieldException ex)
        {
            throw new DsmRegistryException(
                "cannot fill @SharedNamed field " + owner.getName() + "." + fieldName + ": the class has no such field", ex);
        }
    }

    private static Object remember(final Class<?> owner, final String fieldName, final Object value)
    {
        final Object raced = Caches.RESOLVED.get(owner).putIfAbsent(fieldName, value);
        return raced == null ? value : raced;
    }

    /**
     * The registry name {@code explicit} if not empty, else the default one as the class comment says.
     *
     * @param explicit a field's {@link SharedNamed#registry()}; null or empty for none.
     * @return the name of the registry to open.
     */
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

    /**
     * The open registry for a {@code SharedNamed#registry()} value; kept open for the life of the JVM.
     *
     * @param explicit a field's {@link SharedNamed#registry()}; null or empty for the default one.
     * @return the open registry, the same instance on every call for the same name and root, shared with every
     *         field that uses it: never close it.
     * @throws DsmRegistryException as {@link DsmRegistry#open(String, RegistryOptions)}.
     */
    public static DsmRegistry registry(final String explicit)
    {
        final String rootProblem = rootSettingProblem;
        final String registryProblem = explicit == null || explicit.isEmpty() ? registrySettingProblem : null;
        if (rootProblem != null || registryProblem != null)
        {
            throw new DsmRegistryException(rootProblem != null ? rootProblem : registryProblem);
        }
        final String name = registryName(explicit);
        final String configured = agentRoot;
        final Path root = Directories.root(configured == null ? null : Path.of(configured));
        final String key = name + '\n' + root;
        final DsmRegistry known = Caches.REGISTRIES.get(key);
        if (known != null)
        {
            return known;
        }
        // Not computeIfAbsent: its lambda would cost a LambdaMetafactory spin on a cold JVM's first field.
        synchronized (Caches.REGISTRIES)
        {
            final DsmRegistry raced = Caches.REGISTRIES.get(key);
            if (raced != null)
            {
                return raced;
            }
            final DsmRegistry registry = DsmRegistry.open(name, RegistryOptions.defaults().root(root));
            Caches.REGISTRIES.put(key, registry);
            final Consumer<DsmRegistry> listener = opened;
            if (listener != null)
            {
                listener.accept(registry);
            }
            return registry;
        }
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
