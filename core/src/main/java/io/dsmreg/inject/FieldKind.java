package io.dsmreg.inject;

import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedNamed;

import java.lang.reflect.Field;

/**
 * What a {@link SharedNamed} field of one declared type is filled with: one entry of
 * {@link FieldResolver}'s table per supported type.
 */
@FunctionalInterface
interface FieldKind
{
    /**
     * @param registry the registry the annotation names (or the default one), open.
     * @param named    the field's annotation.
     * @param field    the field, for kinds that read its generic type.
     * @return the value to store in the field, never null.
     * @throws RuntimeException whose message is the reason, in words for the field's author.
     */
    Object resolve(DsmRegistry registry, SharedNamed named, Field field);
}
