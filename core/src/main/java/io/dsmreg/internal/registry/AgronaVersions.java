package io.dsmreg.internal.registry;

import io.dsmreg.DsmRegistryException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Whether dsmreg's Agrona and the application's can work together in this JVM, decided once,
 * before dsmreg creates any file (docs/agent.md, "An application's own Agrona").
 * <p>
 * Two Agronas meet here. The API's buffer types ({@link AtomicBuffer} and the {@code DirectBuffer}
 * interfaces) are always the application's: its own Agrona when it has one. The engine's
 * {@link UnsafeBuffer} is dsmreg's own: in {@code dsmreg.jar} a copy relocated to
 * {@code io.dsmreg.internal.shaded.agrona} that implements the application's interfaces; where
 * dsmreg-core is used as a plain library, the same class as the application's. Invariants:
 * <ol>
 * <li>Relocated: every method the application's {@code AtomicBuffer} declares must be implemented by
 * dsmreg's {@code UnsafeBuffer}, or the application's own calls on a dsmreg buffer would fail
 * ({@code AbstractMethodError}): an application Agrona newer than dsmreg's may declare more.</li>
 * <li>Relocated: Agrona's ring buffers, which the queues use, call {@code putIntRelease} and
 * {@code putLongRelease} through the interface, which Agrona declares from 2.1.0 on: older
 * application Agronas get everything but queues.</li>
 * <li>Not relocated: the engine runs on the application's Agrona, which must be at least the version
 * dsmreg was built against, of the same major version.</li>
 * </ol>
 * Where the interfaces come from the same jar as dsmreg's relocated {@code UnsafeBuffer}, there is one Agrona
 * and nothing is compared, which keeps the reflection off the start-up of most applications. A problem is logged
 * once, as one line, when this class initializes (dsmreg's first use of a
 * registry: in the agent, its MBean thread at start-up), and is the message of the exception every
 * later use gets.
 */
public final class AgronaVersions
{
    private static final String QUEUE_METHODS_SINCE = "2.1.0";
    private static final boolean RELOCATED = !UnsafeBuffer.class.getPackageName().equals(AtomicBuffer.class.getPackageName());
    /** The interfaces came with dsmreg's relocated copy (an application without Agrona): one build, nothing to compare. */
    private static final boolean ONE_AGRONA = RELOCATED && location(AtomicBuffer.class).equals(location(UnsafeBuffer.class));
    private static final String OWN_VERSION = ONE_AGRONA ? null : ownVersion();
    private static final String PROBLEM = ONE_AGRONA ? null : RELOCATED ? missingImplementation() : tooOldForTheEngine();
    private static final String QUEUE_PROBLEM = ONE_AGRONA || PROBLEM != null || !RELOCATED ? null : missingQueueMethods();

    static
    {
        // The logger only when there is something to say: creating one starts the JVM's logging, which costs start-up.
        if (PROBLEM != null)
        {
            System.getLogger("io.dsmreg").log(System.Logger.Level.ERROR, PROBLEM);
        }
        else if (QUEUE_PROBLEM != null)
        {
            System.getLogger("io.dsmreg").log(System.Logger.Level.WARNING, QUEUE_PROBLEM);
        }
    }

    private AgronaVersions()
    {
    }

    /** @throws DsmRegistryException if dsmreg cannot work beside the application's Agrona at all. */
    public static void check()
    {
        if (PROBLEM != null)
        {
            throw new DsmRegistryException(PROBLEM);
        }
    }

    /** @throws DsmRegistryException if queues, or dsmreg as a whole, cannot work beside the application's Agrona. */
    public static void checkQueues()
    {
        check();
        if (QUEUE_PROBLEM != null)
        {
            throw new DsmRegistryException(QUEUE_PROBLEM);
        }
    }

    private static String missingImplementation()
    {
        for (final Method declared : AtomicBuffer.class.getMethods())
        {
            if (Modifier.isStatic(declared.getModifiers()))
            {
                continue;
            }
            final Method implemented = method(UnsafeBuffer.class, declared.getName(), declared.getParameterTypes());
            if (implemented == null || Modifier.isAbstract(implemented.getModifiers()))
            {
                return "dsmreg cannot work beside the application's Agrona " + applicationAgrona() + ": its " +
                    declared.getDeclaringClass().getSimpleName() + "." + signature(declared) + " is not implemented by " +
                    ownAgrona() + ", whose buffers dsmreg hands out; use Agrona " + OWN_VERSION + " or older in the " +
                    "application, or a dsmreg built with Agrona " + version(AtomicBuffer.class) + " or later";
            }
        }
        return null;
    }

    private static String missingQueueMethods()
    {
        for (final String name : new String[]{"putIntRelease", "putLongRelease"})
        {
            if (method(AtomicBuffer.class, name, int.class, name.equals("putIntRelease") ? int.class : long.class) == null)
            {
                return "dsmreg's queues cannot work beside the application's Agrona " + applicationAgrona() + ": the ring " +
                    "buffers of " + ownAgrona() + " call AtomicBuffer." + name + ", which Agrona declares from " +
                    QUEUE_METHODS_SINCE + " on; upgrade the application's Agrona to " + QUEUE_METHODS_SINCE + " or later to " +
                    "use queues (segments, areas, hashes, maps and locks work as they are)";
            }
        }
        return null;
    }

    private static String tooOldForTheEngine()
    {
        final String found = AtomicBuffer.class.getPackage().getImplementationVersion();
        if (found == null || OWN_VERSION == null)
        {
            return null; // classes directories (builds, IDEs) carry no version to compare
        }
        final int[] have = parse(found);
        final int[] need = parse(OWN_VERSION);
        if (have[0] == need[0] && Arrays.compare(have, need) >= 0)
        {
            return null;
        }
        return "dsmreg-core cannot run on the application's Agrona " + applicationAgrona() + ": used as a library, it " +
            "runs on the application's Agrona and needs " + OWN_VERSION + " or a later " + need[0] + ".x; put that " +
            "Agrona on the class path, or start the JVM with -javaagent:dsmreg.jar, whose own relocated Agrona works " +
            "beside the application's";
    }

    private static Method method(final Class<?> type, final String name, final Class<?>... parameters)
    {
        try
        {
            return type.getMethod(name, parameters);
        }
        catch (final NoSuchMethodException ex)
        {
            return null;
        }
    }

    private static String signature(final Method method)
    {
        return method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
            .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String applicationAgrona()
    {
        return version(AtomicBuffer.class) + " (" + location(AtomicBuffer.class) + ")";
    }

    private static String ownAgrona()
    {
        return "dsmreg's own Agrona " + OWN_VERSION + " (relocated in " + location(UnsafeBuffer.class) + ")";
    }

    private static String version(final Class<?> type)
    {
        final String version = type.getPackage().getImplementationVersion();
        return version == null ? "of unknown version" : version;
    }

    private static String location(final Class<?> type)
    {
        final CodeSource source = type.getProtectionDomain().getCodeSource();
        final URL url = source == null ? null : source.getLocation();
        return url == null ? "from an unknown location" : url.getPath();
    }

    /** Digits of a version, up to its first part that is not a number: {@code 2.1.0-rc1} is 2.1. */
    static int[] parse(final String version)
    {
        final String[] parts = version.split("[.-]");
        int count = 0;
        while (count < parts.length && !parts[count].isEmpty() && parts[count].chars().allMatch(Character::isDigit))
        {
            count++;
        }
        final int[] digits = new int[Math.max(count, 1)];
        for (int i = 0; i < count; i++)
        {
            digits[i] = Integer.parseInt(parts[i]);
        }
        return digits;
    }

    private static String ownVersion()
    {
        try (InputStream in = AgronaVersions.class.getResourceAsStream("agrona.properties"))
        {
            final Properties properties = new Properties();
            if (in != null)
            {
                properties.load(in);
            }
            return properties.getProperty("version");
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
