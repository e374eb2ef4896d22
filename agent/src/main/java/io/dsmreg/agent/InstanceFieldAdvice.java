package io.dsmreg.agent;

import io.dsmreg.inject.Injection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of every constructor, once per field: {@code putfield}, legal for
 * {@code final} fields there. A constructor that delegates with {@code this(...)} runs it twice;
 * the second time stores the same resolved object again, so that is harmless. An exception makes
 * the constructor throw.
 */
final class InstanceFieldAdvice
{
    private InstanceFieldAdvice()
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
