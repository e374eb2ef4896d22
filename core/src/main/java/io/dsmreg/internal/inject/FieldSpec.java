package io.dsmreg.internal.inject;

import io.dsmreg.Codec;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedNamed;
import io.dsmreg.inject.Injection;

/**
 * The values of one field's {@link SharedNamed}, in the order of {@link Injection#resolve(Class,
 * String, String, long, String, String, String, int, int, boolean, String, String)}: read from the
 * annotation by {@link io.dsmreg.SharedFields}, passed as constants by the agent, which read them
 * from the class file. That spares a cold JVM the JDK's annotation proxy (15 to 20 ms: a proxy
 * class spun per annotation type). Every attribute the annotation leaves out is its type's zero
 * value here, and a class attribute is a binary class name, {@code ""} for the annotation's default
 * ({@code SegmentInitializer.class}, {@code Codec.class}).
 */
public record FieldSpec(
    String name, long size, String init, String arg, String registry, int keySize, int entrySize, boolean stringKeys,
    String keyCodec, String valueCodec)
{
    public static FieldSpec of(final SharedNamed named)
    {
        return new FieldSpec(named.value(), named.size(), className(named.init(), SegmentInitializer.class), named.arg(),
            named.registry(), named.keySize(), named.entrySize(), named.stringKeys(), className(named.keyCodec(), Codec.class),
            className(named.valueCodec(), Codec.class));
    }

    private static String className(final Class<?> type, final Class<?> byDefault)
    {
        return type == byDefault ? "" : type.getName();
    }
}
