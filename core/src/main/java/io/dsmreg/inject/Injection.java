package io.dsmreg.inject;

import io.dsmreg.SharedNamed;
import io.dsmreg.internal.inject.FieldValues;

/**
 * The one entry point of the code the agent weaves into classes with {@link io.dsmreg.SharedNamed}
 * fields: exported because woven code, in whatever module its class lives, must reach it, and
 * referenced only from there. Applications fill fields with {@link io.dsmreg.SharedFields}, which
 * gives them the same values.
 */
public final class Injection
{
    private Injection()
    {
    }

    /**
     * The value of a {@code SharedNamed} field, given the annotation's values, which the agent read
     * from the class file, so that the annotation is never read through the JDK's proxy. An attribute the annotation leaves out is passed as its type's zero value; a
     * class as its binary name, {@code ""} when left out. The parameters after the field's name
     * are the annotation's attributes in the order the agent passes them.
     *
     * @param owner      the class that declares the field.
     * @param fieldName  the field's name.
     * @param value      {@link io.dsmreg.SharedNamed#value()}.
     * @param size       {@link io.dsmreg.SharedNamed#size()}.
     * @param init       {@link io.dsmreg.SharedNamed#init()}, as a binary class name.
     * @param arg        {@link io.dsmreg.SharedNamed#arg()}.
     * @param registry   {@link io.dsmreg.SharedNamed#registry()}.
     * @param keySize    {@link io.dsmreg.SharedNamed#keySize()}.
     * @param entrySize  {@link io.dsmreg.SharedNamed#entrySize()}.
     * @param stringKeys {@link io.dsmreg.SharedNamed#stringKeys()}.
     * @param keyCodec   {@link io.dsmreg.SharedNamed#keyCodec()}, as a binary class name.
     * @param valueCodec {@link io.dsmreg.SharedNamed#valueCodec()}, as a binary class name.
     * @return the entry, handle or buffer the field's type asks for; the same object on every call for the
     *         same field.
     * @throws io.dsmreg.DsmRegistryException naming the class, the field and the reason it cannot be filled.
     */
    public static Object resolve(
        final Class<?> owner, final String fieldName, final String value, final long size, final String init, final String arg,
        final String registry, final int keySize, final int entrySize, final boolean stringKeys, final String keyCodec,
        final String valueCodec)
    {
        return FieldValues.resolve(
            owner, fieldName, value, size, init, arg, registry, keySize, entrySize, stringKeys, keyCodec, valueCodec);
    }
}
