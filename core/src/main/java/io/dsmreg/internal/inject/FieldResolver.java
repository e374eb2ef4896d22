package io.dsmreg.internal.inject;

import io.dsmreg.AreaOptions;
import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.HashParams;
import io.dsmreg.MapOptions;
import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import io.dsmreg.SharedQueue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place that turns a {@link SharedNamed} field into its value: the field's declared type
 * picks a {@link FieldKind} from the table, and the kind's case below asks the registry, or, for
 * a map field of a registry on a cluster, the cluster ({@link ClusterScope}). Every
 * failure becomes a {@link DsmRegistryException} that names the class, the field and the reason.
 */
public final class FieldResolver
{
    private static final Map<Class<?>, FieldKind> KINDS = new HashMap<>();

    static
    {
        for (final FieldKind kind : FieldKind.values())
        {
            KINDS.put(kind.type, kind);
        }
    }

    private FieldResolver()
    {
    }

    /** The value for {@code field}, whose annotation said {@code spec}, freshly asked of the registry. */
    public static Object resolve(final Field field, final FieldSpec spec)
    {
        final FieldKind kind = KINDS.get(field.getType());
        if (kind == null)
        {
            final TreeSet<String> supported = new TreeSet<>();
            for (final FieldKind known : FieldKind.values())
            {
                supported.add(known.type.getName());
            }
            throw problem(field, spec.name(), "its type " + field.getType().getName() +
                " is not one dsmreg can fill; declare it as one of " + supported, null);
        }
        checkAttributesApply(field, spec, kind);
        try
        {
            final String registryName = FieldValues.registryName(spec.registry());
            final ClusterScope cluster = FieldValues.clusterOf(registryName);
            if (cluster != null)
            {
                return clusterMap(cluster, registryName, spec, field, kind);
            }
            final DsmRegistry registry = FieldValues.registry(spec.registry());
            return switch (kind)
            {
                case BUFFER -> segment(registry, spec, field).buffer();
                case SEGMENT -> segment(registry, spec, field);
                case AREA -> registry.area(spec.name(), spec.size() == 0 ? null : AreaOptions.defaults().sizeLimit(spec.size()));
                case HASH -> hash(registry, spec);
                case SHARED_MAP, CONCURRENT_MAP, MAP -> map(registry, spec, field);
                case LOCK -> registry.lock(spec.name());
                case QUEUE -> queue(registry, spec);
            };
        }
        catch (final DsmRegistryException ex)
        {
            throw problem(field, spec.name(), ex.getMessage(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            throw problem(field, spec.name(), ex.toString(), ex);
        }
    }

    /**
     * An attribute that does nothing for the field's kind is a mistake (a hash's sizes on a segment,
     * an initializer on a map): say so rather than ignore it.
     */
    private static void checkAttributesApply(final Field field, final FieldSpec spec, final FieldKind kind)
    {
        final boolean segment = kind == FieldKind.BUFFER || kind == FieldKind.SEGMENT;
        refuseUnless(field, spec, !spec.init().isEmpty(), "init", segment, "segment");
        refuseUnless(field, spec, !spec.arg().isEmpty(), "arg", segment, "segment");
        refuseUnless(field, spec, spec.keySize() != 0, "keySize", kind == FieldKind.HASH, "SharedHash");
        refuseUnless(field, spec, spec.entrySize() != 0, "entrySize", kind == FieldKind.HASH, "SharedHash");
        refuseUnless(field, spec, spec.stringKeys(), "stringKeys", kind == FieldKind.HASH, "SharedHash");
        refuseUnless(field, spec, !spec.keyCodec().isEmpty(), "keyCodec", kind.isMap(), "map");
        refuseUnless(field, spec, !spec.valueCodec().isEmpty(), "valueCodec", kind.isMap(), "map");
        refuseUnless(field, spec, spec.size() != 0, "size", kind != FieldKind.LOCK, "segment, area, hash and map");
    }

    private static void refuseUnless(
        final Field field, final FieldSpec spec, final boolean given, final String attribute, final boolean applies,
        final String forWhat)
    {
        if (given && !applies)
        {
            throw problem(field, spec.name(), "the attribute " + attribute + " is only for " + forWhat + " fields and " +
                "does nothing for a field of type " + field.getType().getSimpleName() + "; remove it", null);
        }
    }

    /** The exception for a field that cannot be filled, with the class, the field and {@code reason}. */
    public static DsmRegistryException problem(final Field field, final String entryName, final String reason, final Throwable cause)
    {
        return new DsmRegistryException("cannot fill @SharedNamed(\"" + entryName + "\") field " +
            field.getDeclaringClass().getName() + "." + field.getName() + ": " + reason, cause);
    }

    private static NamedSegment segment(final DsmRegistry registry, final FieldSpec spec, final Field field)
    {
        if (spec.size() == 0)
        {
            throw new DsmRegistryException(
                "no size given; a segment needs one: @SharedNamed(value = \"" + spec.name() + "\", size = BYTES)");
        }
        return registry.segment(spec.name(), spec.size(), initializer(spec.init(), field), spec.arg());
    }

    /** A hash of the annotation's key and entry sizes, with string keys and a size limit if it asks. */
    private static SharedHash hash(final DsmRegistry registry, final FieldSpec spec)
    {
        if (spec.keySize() == 0 || spec.entrySize() == 0)
        {
            throw new DsmRegistryException("no " + (spec.keySize() == 0 ? "keySize" : "") +
                (spec.keySize() == 0 && spec.entrySize() == 0 ? " and no " : "") + (spec.entrySize() == 0 ? "entrySize" : "") +
                " given; a hash needs both: @SharedNamed(value = \"" + spec.name() + "\", keySize = BYTES, entrySize = BYTES)");
        }
        HashParams params = HashParams.of(spec.keySize(), spec.entrySize());
        if (spec.stringKeys())
        {
            params = params.stringKeys();
        }
        return registry.hash(spec.name(), spec.size() == 0 ? params : params.sizeLimit(spec.size()));
    }

    /**
     * A queue whose capacity is the annotation's size, joined with the producers option it has (a new one
     * takes many producers): an annotation has no attribute for options.
     */
    private static SharedQueue queue(final DsmRegistry registry, final FieldSpec spec)
    {
        if (spec.size() == 0 || spec.size() > Integer.MAX_VALUE)
        {
            throw new DsmRegistryException((spec.size() == 0 ? "no size given" : "a size of " + spec.size() + " given") +
                "; a queue's size is its capacity, a power of two from 1024 to 1 GiB: @SharedNamed(value = \"" + spec.name() +
                "\", size = 1 << 20)");
        }
        return registry.queue(spec.name(), (int)spec.size());
    }

    /** A map whose codecs are the annotation's codec classes, else the built-in ones of the field's type arguments. */
    private static SharedMap<?, ?> map(final DsmRegistry registry, final FieldSpec spec, final Field field)
    {
        return registry.map(spec.name(), codec(spec, field, 0), codec(spec, field, 1),
            spec.size() == 0 ? MapOptions.defaults() : MapOptions.defaults().sizeLimit(spec.size()));
    }

    /**
     * The cluster map of a map field whose registry is on a cluster, with the codecs {@link #map}
     * would give it; the annotation's size, a host-local limit, does not apply there. A host-local
     * kind is refused: its memory cannot leave the host.
     */
    private static Object clusterMap(
        final ClusterScope cluster, final String registryName, final FieldSpec spec, final Field field, final FieldKind kind)
    {
        if (!kind.clusterCapable)
        {
            throw new DsmRegistryException("its type " + field.getType().getSimpleName() + " is host-local shared memory, " +
                "and registry \"" + registryName + "\" is on a Hazelcast cluster (the agent's cluster=" + cluster.configFile() +
                "); only fields declared ConcurrentMap<K, V> or Map<K, V> can live on a cluster. Declare it " +
                "ConcurrentMap<K, V>, or keep it on this host in a registry of its own: @SharedNamed(value = \"" +
                spec.name() + "\", registry = \"" + registryName + "-local\")");
        }
        return cluster.map(registryName, spec.name(), codec(spec, field, 0), codec(spec, field, 1));
    }

    /** The codec of a map field's keys ({@code argument} 0) or values (1). */
    private static Codec<?> codec(final FieldSpec spec, final Field field, final int argument)
    {
        final Type[] arguments = field.getGenericType() instanceof ParameterizedType parameterized ?
            parameterized.getActualTypeArguments() : null;
        return argument == 0 ?
            codec("key", "keyCodec", spec.keyCodec(), arguments == null ? null : arguments[0], field) :
            codec("value", "valueCodec", spec.valueCodec(), arguments == null ? null : arguments[1], field);
    }

    /**
     * @param role      "key" or "value".
     * @param attribute the annotation's attribute that names a codec class for it.
     * @param className the codec class the annotation names, {@code ""} if none.
     * @param argument  the field's type argument for it, null if the field's type is raw.
     */
    private static Codec<?> codec(
        final String role, final String attribute, final String className, final Type argument, final Field field)
    {
        if (!className.isEmpty())
        {
            final String what = "its " + attribute + " class " + className;
            final Class<?> type = namedClass(className, Codec.class, what, field);
            final Type encodes = typeArgument(type, Codec.class);
            if (encodes instanceof Class<?> encoded && argument instanceof Class<?> declared && encoded != declared)
            {
                throw new DsmRegistryException(what + " is a Codec<" + encoded.getTypeName() + ">, but the map's " + role +
                    "s are " + declared.getTypeName() + "; name a Codec<" + declared.getTypeName() + "> or change the field's type");
            }
            return (Codec<?>)instantiate(type, what);
        }
        if (argument == null)
        {
            final String type = field.getType().getSimpleName();
            throw new DsmRegistryException("its type is a raw " + type + ", so dsmreg cannot choose its codecs; declare its " +
                "types, e.g. " + type + "<String, Long>, or name codec classes: keyCodec = ..., valueCodec = ...");
        }
        final Codec<?> builtIn = argument instanceof Class<?> declared ? BuiltIn.CODECS.get(declared) : null;
        if (builtIn == null)
        {
            throw new DsmRegistryException("its " + role + " type " + argument.getTypeName() + " has no built-in codec " +
                "(Long, Integer, String and byte[] have); declare one of those, or name a codec class: " + attribute +
                " = YourCodec.class (a Codec with a constructor without parameters)");
        }
        return builtIn;
    }

    @SuppressWarnings("unchecked")
    private static SegmentInitializer<Object> initializer(final String className, final Field field)
    {
        if (className.isEmpty())
        {
            return null;
        }
        final String what = "its init class " + className;
        final Class<?> type = namedClass(className, SegmentInitializer.class, what, field);
        final Type argument = typeArgument(type, SegmentInitializer.class);
        if (argument instanceof Class<?> argumentClass && !argumentClass.isAssignableFrom(String.class))
        {
            throw new DsmRegistryException(what + " is a SegmentInitializer<" + argumentClass.getName() +
                ">, but @SharedNamed passes its arg as a String; make it a SegmentInitializer<String>");
        }
        return (SegmentInitializer<Object>)instantiate(type, what);
    }

    /** The class an annotation attribute names, loaded as the annotation's own class values are: by the field's class's loader. */
    private static Class<?> namedClass(final String className, final Class<?> expected, final String what, final Field field)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(className, false, field.getDeclaringClass().getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new DsmRegistryException(what + " cannot be loaded by " + field.getDeclaringClass().getName() +
                "'s class loader: " + ex, ex);
        }
        if (!expected.isAssignableFrom(type))
        {
            throw new DsmRegistryException(what + " is not a " + expected.getName() + " as " +
                field.getDeclaringClass().getName() + "'s class loader sees it; check that only one copy of dsmreg is on the class path");
        }
        return type;
    }

    /** A new instance of {@code type}, an init or codec class, by its constructor without parameters. */
    private static Object instantiate(final Class<?> type, final String what)
    {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()))
        {
            throw new DsmRegistryException(what + " is abstract; name a concrete class with a constructor without parameters");
        }
        final Constructor<?> constructor;
        try
        {
            constructor = type.getDeclaredConstructor();
        }
        catch (final NoSuchMethodException ex)
        {
            throw new DsmRegistryException(what + " has no constructor without parameters; add one (dsmreg creates it " +
                "itself" + (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) ?
                "; an inner class must be declared static)" : ")"), ex);
        }
        try
        {
            constructor.setAccessible(true);
            return constructor.newInstance();
        }
        catch (final InvocationTargetException ex)
        {
            throw new DsmRegistryException(what + "'s constructor threw " + ex.getCause(), ex.getCause());
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new DsmRegistryException(what + " cannot be created: " + ex, ex);
        }
    }

    /**
     * The {@code T} of {@code generic<T>} as {@code type} or a superclass declares it directly, or
     * null if it is not declared there.
     */
    private static Type typeArgument(final Class<?> type, final Class<?> generic)
    {
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            for (final Type implemented : c.getGenericInterfaces())
            {
                if (implemented instanceof ParameterizedType parameterized && parameterized.getRawType() == generic)
                {
                    return parameterized.getActualTypeArguments()[0];
                }
            }
        }
        return null;
    }

    /** Loaded with the first map field, not with every field. */
    private static final class BuiltIn
    {
        /** The codecs a map's type argument picks when the annotation names no codec class. */
        static final Map<Class<?>, Codec<?>> CODECS = Map.of(
            Long.class, Codec.LONG, Integer.class, Codec.INTEGER, String.class, Codec.STRING, byte[].class, Codec.BYTES);
    }
}
