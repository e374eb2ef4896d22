package io.dsmreg;

import io.dsmreg.internal.inject.FieldResolver;
import io.dsmreg.internal.inject.FieldValues;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills {@link SharedNamed} fields by hand, for places where the agent cannot run (tests, platforms
 * that forbid agents):
 * <pre>{@code
 * SharedFields.inject(Limiter.class);            // its static fields
 * Worker worker = SharedFields.inject(new Worker()); // its instance fields, and its superclasses'
 * }</pre>
 * Fields get exactly what the agent would give them, from the same registry: the annotation's
 * {@code registry}, else the agent's {@code registry=} argument when the agent runs, else the system
 * property {@code dsmreg.registry}, else the environment variable {@code DSMREG_REGISTRY}, else
 * {@code default}; the root likewise from {@code dir=}, {@code dsmreg.dir}, {@code DSMREG_DIR}.
 * <p>
 * Final fields are refused: writing them by reflection is being withdrawn from the JVM (JEP 500).
 * Either all fields are set or, when one cannot be, none is. Calling it again is harmless.
 */
public final class SharedFields
{
    private SharedFields()
    {
    }

    /**
     * Sets the static {@code SharedNamed} fields declared by {@code type}.
     *
     * @param type the class whose own static fields to set; its superclasses' are not.
     * @throws DsmRegistryException naming the class, the field and the reason, if a field cannot be filled.
     */
    public static void inject(final Class<?> type)
    {
        final List<Field> fields = new ArrayList<>();
        collect(type, true, fields);
        set(null, fields);
    }

    /**
     * Sets the instance {@code SharedNamed} fields of {@code target}, those its superclasses declare included.
     *
     * @param target the object whose fields to set; not null.
     * @param <T>    the type of {@code target}.
     * @return {@code target}.
     * @throws DsmRegistryException naming the class, the field and the reason, if a field cannot be filled.
     */
    public static <T> T inject(final T target)
    {
        final List<Field> fields = new ArrayList<>();
        for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass())
        {
            collect(type, false, fields);
        }
        set(target, fields);
        return target;
    }

    private static void collect(final Class<?> type, final boolean statics, final List<Field> fields)
    {
        for (final Field field : type.getDeclaredFields())
        {
            if (field.isAnnotationPresent(SharedNamed.class) && Modifier.isStatic(field.getModifiers()) == statics)
            {
                if (Modifier.isFinal(field.getModifiers()))
                {
                    throw FieldResolver.problem(field, field.getAnnotation(SharedNamed.class).value(), "it is final, and final fields are never written by reflection " +
                        "(JEP 500 withdraws that); make it non-final, or run with -javaagent:dsmreg.jar, which sets final " +
                        "fields in the class's initializer or constructor", null);
                }
                fields.add(field);
            }
        }
    }

    private static void set(final Object target, final List<Field> fields)
    {
        final Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++)
        {
            final Field field = fields.get(i);
            values[i] = FieldValues.resolve(field.getDeclaringClass(), field.getName());
            try
            {
                field.setAccessible(true);
            }
            catch (final RuntimeException ex)
            {
                throw FieldResolver.problem(field, field.getAnnotation(SharedNamed.class).value(), "dsmreg may not set it: " + ex.getMessage() +
                    "; open its package to dsmreg's module, or run with -javaagent:dsmreg.jar", ex);
            }
        }
        for (int i = 0; i < values.length; i++)
        {
            try
            {
                fields.get(i).set(target, values[i]);
            }
            catch (final IllegalAccessException ex)
            {
                throw FieldResolver.problem(fields.get(i), fields.get(i).getAnnotation(SharedNamed.class).value(), ex.toString(), ex);
            }
        }
    }
}
