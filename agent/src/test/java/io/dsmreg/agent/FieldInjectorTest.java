package io.dsmreg.agent;

import io.dsmreg.NamedSegment;
import io.dsmreg.SharedNamed;
import io.dsmreg.inject.Injection;
import io.dsmreg.internal.inject.FieldValues;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The rewriting alone, in this JVM: classes transformed by {@link FieldInjector} and defined by a
 * loader of their own (so the verifier checks them), their fields filled from a registry under a
 * temporary root. AgentIT covers the same as a real agent, on JDK 17 and 25.
 */
class FieldInjectorTest
{
    @TempDir
    static Path root;

    @BeforeAll
    static void configure()
    {
        FieldValues.configure("injector", root.toString(), null);
    }

    @AfterAll
    static void reset()
    {
        FieldValues.configure(null, null, null);
    }

    /** No static initializer of its own: the rewriting adds one. */
    public static final class Holder
    {
        @SharedNamed(value = "holder.static", size = 64)
        public static AtomicBuffer shared;
        @SharedNamed(value = "holder.instance", size = 128)
        public final NamedSegment segment;
        public final String seenByDelegatingBody;

        public Holder()
        {
            this("unused");
        }

        public Holder(final String seen)
        {
            this.segment = null;
            this.seenByDelegatingBody = seen;
        }

        public Holder(final int ignored)
        {
            this(String.valueOf(new Holder("inner").segment != null));
        }
    }

    /** Mentions the annotation's descriptor in a signature, but declares no annotated field. */
    public static final class MentionsOnly
    {
        public static SharedNamed annotation(final SharedNamed named)
        {
            return named;
        }
    }

    @Test
    void staticAndInstanceFieldsAreFilledAfterRewritingAndTheClassVerifies() throws Exception
    {
        final Class<?> type = rewrittenAndDefined(Holder.class, FieldInjectorTest.class.getClassLoader());
        assertNotSame(Holder.class, type);
        final AtomicBuffer shared = (AtomicBuffer)type.getField("shared").get(null);
        assertEquals(64, shared.capacity(), "filled when the class initialized");
        final Object plain = type.getConstructor(String.class).newInstance("x");
        assertEquals(128, ((NamedSegment)type.getField("segment").get(plain)).size());
        final Object delegated = type.getConstructor(int.class).newInstance(1);
        assertEquals("true", type.getField("seenByDelegatingBody").get(delegated), "the called constructor filled it");
        assertSame(type.getField("segment").get(plain), type.getField("segment").get(delegated));
    }

    @Test
    void aClassThatOnlyMentionsTheAnnotationIsLeftAlone() throws IOException
    {
        assertNull(FieldInjector.transform(FieldInjectorTest.class.getClassLoader(), internalName(MentionsOnly.class),
            bytes(MentionsOnly.class)));
    }

    @Test
    void aLoaderThatCannotSeeDsmregGetsTheClassUnchanged() throws IOException
    {
        assertNull(FieldInjector.transform(ClassLoader.getPlatformClassLoader(), internalName(Holder.class), bytes(Holder.class)));
    }

    private static Class<?> rewrittenAndDefined(final Class<?> original, final ClassLoader parent) throws Exception
    {
        final byte[] rewritten = FieldInjector.transform(parent, internalName(original), bytes(original));
        assertNotNull(rewritten);
        final ClassLoader loader = new ClassLoader("rewritten", parent)
        {
            @Override
            protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
            {
                if (name.equals(original.getName()))
                {
                    synchronized (getClassLoadingLock(name))
                    {
                        final Class<?> loaded = findLoadedClass(name);
                        return loaded != null ? loaded : defineClass(name, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return Class.forName(original.getName(), true, loader);
    }

    private static String internalName(final Class<?> type)
    {
        return type.getName().replace('.', '/');
    }

    private static byte[] bytes(final Class<?> type) throws IOException
    {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getPackageName().length() + 1) + ".class"))
        {
            return in.readAllBytes();
        }
    }

    @Test
    void theAttributesTheRewritingPassesAreTheAnnotationsAndWhatInjectionTakes() throws Exception
    {
        final java.util.Map<String, Class<?>> declared = new java.util.HashMap<>();
        for (final java.lang.reflect.Method attribute : SharedNamed.class.getDeclaredMethods())
        {
            declared.put(attribute.getName(), attribute.getReturnType());
        }
        assertEquals(declared.size(), FieldFillingVisitor.ATTRIBUTES.length, "every attribute is passed: " + declared.keySet());
        final Class<?>[] parameters = new Class<?>[FieldFillingVisitor.ATTRIBUTES.length + 2];
        parameters[0] = Class.class;
        parameters[1] = String.class;
        for (int i = 0; i < FieldFillingVisitor.ATTRIBUTES.length; i++)
        {
            final Class<?> type = declared.get(FieldFillingVisitor.ATTRIBUTES[i][0]);
            assertNotNull(type, FieldFillingVisitor.ATTRIBUTES[i][0]);
            assertEquals(net.bytebuddy.jar.asm.Type.getDescriptor(type), FieldFillingVisitor.ATTRIBUTES[i][1]);
            parameters[i + 2] = type == Class.class ? String.class : type;
        }
        final java.lang.reflect.Method resolve = Injection.class.getMethod("resolve", parameters);
        assertEquals(net.bytebuddy.jar.asm.Type.getMethodDescriptor(resolve), FieldFillingVisitor.RESOLVE_DESCRIPTOR);
    }
}
