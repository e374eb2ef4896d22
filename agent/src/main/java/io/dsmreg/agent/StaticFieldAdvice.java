package io.dsmreg.agent;

import io.dsmreg.inject.Injection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of the class's static initializer, once per field: {@code putstatic}, legal
 * for {@code static final} fields there. It references only core classes, which the application's
 * class loader resolves; an exception fails the class's initialization.
 */
final class StaticFieldAdvice
{
    private StaticFieldAdvice()
    {
    }

    @Advice.OnMethodExit
    static void exit(
        @Advice.Origin final Class<?> owner,
        @FieldName final String name,
        @InjectedField Object field)
    {
        field = Injection.resolve(owner, name);
    }
}
