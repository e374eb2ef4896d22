package io.dsmreg.it;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * A test-only Java agent that stops a child JVM at one method boundary of the engine, so that a test can kill
 * it exactly there ({@code CrashPointsIT}), with no hook in the engine's own code.
 * <p>
 * Argument: {@code <class>#<method>#<entry|exit>#<n>}: the {@code n}-th entry into, or normal exit from, any
 * method of that name in that class calls {@link CrashPoint#reached} (Byte Buddy advice, inlined when the
 * class loads). Classes load after premain, so nothing is retransformed. The jar {@link #jar} writes holds only
 * a manifest: the agent's classes and Byte Buddy come from the child's class path, the test class path.
 * A point that names no method of its class, or a class that fails to transform, halts the child at once with
 * a message: a mistyped point must fail the test, not let the operation run to its end.
 */
public final class CrashPointAgent
{
    private static final int BAD_POINT = 87;

    private CrashPointAgent()
    {
    }

    public static void premain(final String arguments, final Instrumentation instrumentation)
    {
        final String[] parts = arguments.split("#");
        if (parts.length != 4 || !("entry".equals(parts[2]) || "exit".equals(parts[2])))
        {
            fail("crash point \"" + arguments + "\" is not <class>#<method>#<entry|exit>#<n>");
        }
        final String className = parts[0];
        final String method = parts[1];
        final boolean atEntry = "entry".equals(parts[2]);
        final int nthCall = Integer.parseInt(parts[3]);
        CrashPoint.arm(className.substring(className.lastIndexOf('.') + 1) + "." + method + " " + parts[2] + " " + nthCall, nthCall);
        new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(new AgentBuilder.Listener.Adapter()
            {
                @Override
                public void onError(
                    final String typeName, final ClassLoader classLoader, final JavaModule module, final boolean loaded,
                    final Throwable throwable)
                {
                    fail("cannot instrument " + typeName + " for crash point " + arguments + ": " + throwable);
                }
            })
            .type(named(className))
            .transform((final DynamicType.Builder<?> builder, final TypeDescription type, final ClassLoader loader,
                final JavaModule module, final java.security.ProtectionDomain domain) ->
            {
                if (type.getDeclaredMethods().filter(named(method)).isEmpty())
                {
                    fail("crash point " + arguments + ": " + className + " has no method " + method);
                }
                return builder.visit(Advice.to(atEntry ? AtEntry.class : AtExit.class).on(named(method)));
            })
            .installOn(instrumentation);
    }

    /**
     * Writes the agent's jar, a manifest alone, to {@code jar}, and returns the {@code -javaagent} option that
     * stops a child at {@code point} ({@code <class>#<method>#<entry|exit>#<n>}).
     */
    static String option(final Path jar, final String point) throws IOException
    {
        if (!Files.exists(jar))
        {
            final Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), CrashPointAgent.class.getName());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest))
            {
                // The manifest is the whole jar.
                out.finish();
            }
        }
        return "-javaagent:" + jar + "=" + point;
    }

    private static void fail(final String message)
    {
        System.out.println("crash-point-error=" + message);
        System.out.flush();
        Runtime.getRuntime().halt(BAD_POINT);
    }

    /** Inlined at the start of the instrumented method. */
    static final class AtEntry
    {
        private AtEntry()
        {
        }

        @Advice.OnMethodEnter
        static void enter()
        {
            CrashPoint.reached();
        }
    }

    /** Inlined before every normal return of the instrumented method. */
    static final class AtExit
    {
        private AtExit()
        {
        }

        @Advice.OnMethodExit
        static void exit()
        {
            CrashPoint.reached();
        }
    }
}
