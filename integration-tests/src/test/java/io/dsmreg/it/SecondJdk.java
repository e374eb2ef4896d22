package io.dsmreg.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Reports each invocation of a parameterized test on a JDK that is not installed (the second JDK of
 * {@link Jvm#homes}) as skipped, with the reason, before its body runs: a machine without JDK 25 shows
 * in the test report which tests ran on one JDK only. Registered for every test of this module through
 * {@code META-INF/services} (JUnit's extension auto-detection, switched on in {@code junit-platform.properties}).
 */
public final class SecondJdk implements InvocationInterceptor
{
    @Override
    public void interceptTestTemplateMethod(
        final Invocation<Void> invocation, final ReflectiveInvocationContext<Method> invocationContext,
        final ExtensionContext extensionContext) throws Throwable
    {
        for (final Object argument : invocationContext.getArguments())
        {
            if (argument instanceof Path home && Jvm.homes().anyMatch(home::equals) && !Jvm.isInstalled(home))
            {
                invocation.skip();
                Assumptions.abort(Jvm.notInstalled(home));
            }
        }
        invocation.proceed();
    }
}
