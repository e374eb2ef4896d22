package io.dsmreg.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * The transformer installed at start-up: it sees every class the JVM loads, so it does as little
 * as possible.
 * <p>
 * When an Agrona class loads (dsmreg's relocated copy, or the application's own), its module (a class loader's unnamed module, or Agrona's own) gets
 * {@code jdk.internal.misc} exported, as {@code --add-exports} would, before any of its code runs:
 * so Agrona works without JVM flags whichever loader or layer brings it. JDK classes (boot and platform loaders), classes being redefined and classes whose
 * bytes do not contain the annotation's descriptor are declined without parsing anything; the
 * few left, unless they are the agent's own, go to {@link FieldInjector}, which loads on first need.
 */
final class SharedNamedTransformer implements ClassFileTransformer
{
    private static final byte[] DESCRIPTOR = "Lio/dsmreg/SharedNamed;".getBytes(StandardCharsets.US_ASCII);
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    /** dsmreg's own Agrona: the build relocates this constant with the classes, to {@code io/dsmreg/internal/shaded/agrona/}. */
    private static final String OWN_AGRONA_PREFIX = "org/agrona/";
    /** The application's own Agrona, if it has one, which the agent has always opened Unsafe to as well: joined at
     * run time, so that the relocation leaves it as it is. */
    private static final String APPLICATION_AGRONA_PREFIX = String.join("/", "org", "agrona", "");
    private static final String UNSAFE_PACKAGE = "jdk.internal.misc";

    private final Instrumentation instrumentation;
    private final String agentLocation;

    SharedNamedTransformer(final Instrumentation instrumentation, final ProtectionDomain agentDomain)
    {
        this.instrumentation = instrumentation;
        this.agentLocation = location(agentDomain);
    }

    @Override
    public byte[] transform(
        final Module module, final ClassLoader loader, final String className, final Class<?> classBeingRedefined,
        final ProtectionDomain domain, final byte[] bytes)
    {
        if (loader == null || loader == PLATFORM || classBeingRedefined != null || className == null)
        {
            return null;
        }
        if (className.startsWith(OWN_AGRONA_PREFIX) || className.startsWith(APPLICATION_AGRONA_PREFIX))
        {
            exportUnsafe(module);
            return null;
        }
        if (!contains(bytes, DESCRIPTOR))
        {
            return null;
        }
        try
        {
            if (agentLocation != null && agentLocation.equals(location(domain)))
            {
                return null;
            }
            return FieldInjector.transform(loader, className, bytes);
        }
        catch (final Throwable ex)
        {
            AgentLog.AGENT.error("could not instrument " + className.replace('/', '.') + "; its @SharedNamed fields stay unset", ex);
            return null;
        }
    }

    private void exportUnsafe(final Module agrona)
    {
        try
        {
            final Module base = Object.class.getModule();
            if (!base.isExported(UNSAFE_PACKAGE, agrona))
            {
                instrumentation.redefineModule(
                    base, Set.of(), Map.of(UNSAFE_PACKAGE, Set.of(agrona)), Map.of(), Set.of(), Map.of());
                AgentLog.AGENT.debug("exported java.base/" + UNSAFE_PACKAGE + " to " + agrona);
            }
        }
        catch (final Throwable ex)
        {
            AgentLog.AGENT.error("could not export java.base/" + UNSAFE_PACKAGE + " to " + agrona + " for Agrona; add " +
                "--add-exports java.base/" + UNSAFE_PACKAGE + "=ALL-UNNAMED to the java command", ex);
        }
    }

    private static String location(final ProtectionDomain domain)
    {
        final CodeSource source = domain == null ? null : domain.getCodeSource();
        final URL url = source == null ? null : source.getLocation();
        return url == null ? null : url.toExternalForm();
    }

    static boolean contains(final byte[] bytes, final byte[] pattern)
    {
        final byte first = pattern[0];
        final int last = bytes.length - pattern.length;
        outer:
        for (int i = 0; i <= last; i++)
        {
            if (bytes[i] != first)
            {
                continue;
            }
            for (int j = 1; j < pattern.length; j++)
            {
                if (bytes[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
