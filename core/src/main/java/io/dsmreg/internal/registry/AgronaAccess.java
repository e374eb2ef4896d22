package io.dsmreg.internal.registry;

import io.dsmreg.DsmRegistryException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}, which the JVM only allows with an explicit
 * export. Without it the first {@link UnsafeBuffer} fails with a bare {@link IllegalAccessError};
 * this check turns that into a message with the exact flag to add.
 */
public final class AgronaAccess
{
    private static final String PACKAGE = "jdk.internal.misc";

    private AgronaAccess()
    {
    }

    public static void check()
    {
        AgronaVersions.check();
        final Module agrona = UnsafeBuffer.class.getModule();
        if (!Object.class.getModule().isExported(PACKAGE, agrona))
        {
            final String target = agrona.isNamed() ? agrona.getName() : "ALL-UNNAMED";
            throw new DsmRegistryException(
                "dsmreg needs the JVM option --add-exports java.base/" + PACKAGE + "=" + target +
                " (Agrona, which maps the shared memory, uses " + PACKAGE + ".Unsafe). Add it to the java command, " +
                "or start the JVM with -javaagent:dsmreg.jar, which opens the package by itself");
        }
    }
}
