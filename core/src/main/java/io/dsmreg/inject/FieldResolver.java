package io.dsmreg.inject;

import io.dsmreg.AreaOptions;
import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.HashParams;
import io.dsmreg.MapOptions;
import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place that turns a {@link SharedNamed} field into its value: the field's declared type
 * picks a {@link FieldKind} from the table, which asks the registry. Every failure becomes a
 * {@link DsmRegistryException} that names the class, the field and the reason.
 */
public final class FieldResolver
{
    private static final Map<Class<?>, FieldKind> KINDS = Map.of(
        AtomicBuffer.class, (registry, named, field) -> segment(registry, named).buffer(),
        NamedSegment.class, (registry, named, field) -> segment(registry, named),
        SharedArea.class, (registry, named, field) -> area(registry, named),
        SharedHash.class, (registry, named, field) -> hash(registry, named),
        SharedMap.class, FieldResolver::map);

    /** The codecs a map's type argument picks when the annotation names no codec class. */
    private static final Map<Class<?>, Codec<?>> BUILT_IN_CODECS = Map.of(
        Long.class, Codec.LONG, Integer.class, Codec.INTEGER, String.class, Codec.STRING, byte[].class, Codec.BYTES);

    private FieldResolver()
    {
    }

    /** The value for {@code field}, freshly asked of the registry. */
    static Object resolve(final Field field)
    {
        final SharedNamed named = field.getAnnotation(SharedNamed.class);
        if (named == null)
        {
            throw problem(field, "it is not annotated with @" + SharedNamed.class.getName() +
                " as this class's loader sees it; check that only one copy of dsmreg is on the class path", null);
        }
        final FieldKind kind = KINDS.get(field.getType());
        if (kind == null)
        {
            final TreeSet<String> supported = new TreeSet<>();
            KINDS.keySet().forEach(type -> supported.add(type.getName()));
            throw problem(field, "its type " + field.getType().getName() +
                " is not one dsmreg can fill; declare it as one of " + supported, null);
        }
        try
        {
            return kind.resolve(Injection.registry(named.registry()), named, field);
        }
        catch (final DsmRegistryException ex)
        {
            throw problem(field, ex.getMessage(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            throw problem(field, ex.toString(), ex);
        }
    }

    /** The exception for a field that cannot be filled, with the class, the field and {@code reason}. */
    public static DsmRegistryException problem(final Field field, final String reason, final Throwable cause)
    {
        final SharedNamed named = field.getAnnotation(SharedNamed.class);
        final String annotation = named == null ? "@SharedNamed" : "@SharedNamed(\"" + named.value() + "\")";
        return new DsmRegistryException(
            "cannot fill " + annotation + " field " + field.getDeclaringClass().getName() + "." + field.getName() + ": " + reason,
            cause);
    }

    private static NamedSegment segment(final DsmRegistry registry, final SharedNamed named)
    {
        if (named.size() == 0)
        {
            throw new DsmRegistryException(
                "no size given; a segment needs one: @SharedNamed(value = \"" + named.value() + "\", size = BYTES)");
        }
        return registry.segment(named.value(), named.size(), initializer(named.init()), named.arg());
    }

    /** An area joined as it is, or, with a size, created with (or checked against) that size limit. */
    private static SharedArea area(final DsmRegistry registry, final SharedNamed named)
    {
        return registry.area(named.value(), named.size() == 0 ? null : AreaOptions.defaults().sizeLimit(named.size()));
    }

    /** A hash of the annotation's key and entry sizes, with string keys and a size limit if it asks. */
    private static SharedHash hash(final DsmRegistry registry, final SharedNamed named)
    {
        if (named.keySize() == 0 || named.entrySize() == 0)
        {
            throw new DsmRegistryException("no " + (named.keySize() == 0 ? "keySize" : "") +
                (named.keySize() == 0 && named.entrySize() == 0 ? " and no " : "") + (named.entrySize() == 0 ? "entrySize" : "") +
                " given; a hash needs both: @SharedNamed(value = \"" + named.value() + "\", keySize = BYTES, entrySize = BYTES)");
        }
        HashParams params = HashParams.of(named.keySize(), named.entrySize());
        if (named.stringKeys())
        {
            params = params.stringKeys();
        }
        return registry.hash(named.value(), named.size() == 0 ? params : params.sizeLimit(named.size()));
    }

    /** A map whose codecs are the annotation's codec classes, else the built-in ones of the field's type arguments. */
    private static SharedMap<?, ?> map(final DsmRegistry registry, final SharedNamed named, final Field field)
    {
        final Type[] arguments = field.getGenericType() instanceof ParameterizedType parameterized ?
            parameterized.getActualTypeArguments() : null;
        final Codec<?> keys = codec("key", "keyCodec", named.keyCodec(), arguments == null ? null : arguments[0]);
        final Codec<?> values = codec("value", "valueCodec", named.valueCodec(), arguments == null ? null : arguments[1]);
        return registry.map(named.value(), keys, values,
            named.size() == 0 ? MapOptions.defaults() : MapOptions.defaults().sizeLimit(named.size()));
    }

    /**
     * @param role      "key" or "value".
     * @param attribute the annotation's attribute that names a codec class for it.
     * @param type      the codec class the annotation names, {@code Codec.class} if none.
     * @param argument  the field's type argument for it, null if the field's type is raw.
     */
    @SuppressWarnings("rawtypes")
    private static Codec<?> codec(final String role, final String attribute, final Class<? extends Codec> type, final Type argument)
    {
        if (type != Codec.class)
        {
            final String what = "its " + attribute + " class " + type.getName();
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
            throw new DsmRegistryException("its type is a raw SharedMap, so dsmreg cannot choose its codecs; declare its " +
                "types, e.g. SharedMap<String, Long>, or name codec classes: keyCodec = ..., valueCodec = ...");
        }
        final Codec<?> builtIn = argument instanceof Class<?> declared ? BUILT_IN_CODECS.get(declared) : null;
        if (builtIn == null)
        {
            throw new DsmRegistryException("its " + role + " type " + argument.getTypeName() + " has no built-in codec " +
                "(Long, Integer, String and byte[] have); declare one of those, or name a codec class: " + attribute +
                " = YourCodec.class (a Codec with a constructor without parameters)");
        }
        return builtIn;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static SegmentInitializer<Object> initializer(final Class<? extends SegmentInitializer> type)
    {
        if (type == SegmentInitializer.class)
        {
            return null;
        }
        final String what = "its init class " + type.getName();
        final Type argument = typeArgument(type, SegmentInitializer.class);
        if (argument instanceof Class<?> argumentClass && !argumentClass.isAssignableFrom(String.class))
        {
            throw new DsmRegistryException(what + " is a SegmentInitializer<" + argumentClass.getName() +
                ">, but @SharedNamed passes its arg as a String; make it a SegmentInitializer<String>");
        }
        return (SegmentInitializer<Object>)instantiate(type, what);
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
}
