package io.dsmreg.inject;

import io.dsmreg.AreaOptions;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.NamedSegment;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedArea;
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
        SharedArea.class, (registry, named, field) -> area(registry, named));

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

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static SegmentInitializer<Object> initializer(final Class<? extends SegmentInitializer> type)
    {
        if (type == SegmentInitializer.class)
        {
            return null;
        }
        final String what = "its init class " + type.getName();
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()))
        {
            throw new DsmRegistryException(what + " is abstract; name a concrete class with a constructor without parameters");
        }
        final Type argument = initializerArgument(type);
        if (argument instanceof Class<?> argumentClass && !argumentClass.isAssignableFrom(String.class))
        {
            throw new DsmRegistryException(what + " is a SegmentInitializer<" + argumentClass.getName() +
                ">, but @SharedNamed passes its arg as a String; make it a SegmentInitializer<String>");
        }
        final Constructor<? extends SegmentInitializer> constructor;
        try
        {
            constructor = type.getDeclaredConstructor();
        }
        catch (final NoSuchMethodException ex)
        {
            throw new DsmRegistryException(what + " has no constructor without parameters; add one (dsmreg creates the " +
                "initializer itself" + (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) ?
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

    /** The {@code A} of {@code SegmentInitializer<A>} as {@code type} declares it, or null if it is not a plain class. */
    private static Type initializerArgument(final Class<?> type)
    {
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            for (final Type implemented : c.getGenericInterfaces())
            {
                if (implemented instanceof ParameterizedType parameterized && parameterized.getRawType() == SegmentInitializer.class)
                {
                    return parameterized.getActualTypeArguments()[0];
                }
            }
        }
        return null;
    }
}
