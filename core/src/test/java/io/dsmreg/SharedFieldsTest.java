package io.dsmreg;

import io.dsmreg.inject.Injection;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Filling {@link SharedNamed} fields without the agent. Resolved fields are remembered for the
 * life of the JVM, so every test uses its own holder classes and one root serves them all.
 */
class SharedFieldsTest
{
    private static final String REGISTRY = "fields";

    @TempDir
    static Path root;

    @BeforeAll
    static void configure()
    {
        Injection.configure(REGISTRY, root.toString(), null);
    }

    @AfterAll
    static void reset()
    {
        Injection.configure(null, null, null);
    }

    private static DsmRegistry open(final String name)
    {
        return DsmRegistry.open(name, RegistryOptions.defaults().root(root));
    }

    public static final class Seven implements SegmentInitializer<String>
    {
        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
            buffer.putLong(0, Long.parseLong(arg));
        }
    }

    static final class Statics
    {
        @SharedNamed(value = "statics.buffer", size = 64, init = Seven.class, arg = "7")
        static AtomicBuffer buffer;
        @SharedNamed(value = "statics.buffer", size = 64)
        private static NamedSegment segment;
        @SharedNamed(value = "statics.elsewhere", size = 16, registry = "fields-other")
        static AtomicBuffer elsewhere;
        static AtomicBuffer notAnnotated;
    }

    @Test
    void staticFieldsGetTheSegmentFromTheRegistryAndAgainTheSameOnes()
    {
        SharedFields.inject(Statics.class);
        assertEquals(7, Statics.buffer.getLong(0), "initializer ran with its arg");
        assertEquals(64, Statics.buffer.capacity());
        assertEquals("statics.buffer", Statics.segment.name());
        assertNull(Statics.notAnnotated);

        final AtomicBuffer before = Statics.buffer;
        SharedFields.inject(Statics.class);
        assertSame(before, Statics.buffer);

        try (DsmRegistry registry = open(REGISTRY); DsmRegistry other = open("fields-other"))
        {
            final NamedSegment direct = registry.segment("statics.buffer", 64);
            assertTrue(direct.found());
            direct.buffer().putLong(8, 42);
            assertEquals(42, Statics.buffer.getLong(8), "the field shares the registry's memory");
            assertTrue(other.segment("statics.elsewhere", 16).found(), "the annotation's registry is used");
        }
    }

    static class Base
    {
        @SharedNamed(value = "instances.base", size = 32)
        AtomicBuffer base;
    }

    static final class Derived extends Base
    {
        @SharedNamed(value = "instances.derived", size = 32)
        private NamedSegment derived;
        @SharedNamed(value = "instances.static", size = 32)
        static AtomicBuffer leftAlone;
    }

    @Test
    void instanceFieldsOfTheObjectAndItsSuperclassesAreSetButNotStaticOnes()
    {
        final Derived first = SharedFields.inject(new Derived());
        final Derived second = SharedFields.inject(new Derived());
        assertNotNull(first.base);
        assertEquals(32, first.derived.size());
        assertSame(first.base, second.base);
        assertNull(Derived.leftAlone);
        first.base.putInt(0, 5);
        assertEquals(5, second.base.getInt(0));
    }

    static final class FinalField
    {
        @SharedNamed(value = "final.good", size = 8)
        static AtomicBuffer good;
        @SharedNamed(value = "final.bad", size = 8)
        static final AtomicBuffer bad = null;
    }

    @Test
    void finalFieldsAreRefusedAndNothingIsSet()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(FinalField.class));
        assertMessage(ex, FinalField.class, "bad", "it is final", "-javaagent:dsmreg.jar", "make it non-final");
        assertNull(FinalField.good);
    }

    static final class WrongType
    {
        @SharedNamed(value = "wrong.type", size = 8)
        static String text;
    }

    @Test
    void unsupportedTypeNamesTheSupportedOnes()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(WrongType.class));
        assertMessage(ex, WrongType.class, "text", "its type java.lang.String is not one dsmreg can fill",
            AtomicBuffer.class.getName(), NamedSegment.class.getName());
    }

    static final class NoSize
    {
        @SharedNamed("no.size")
        static AtomicBuffer buffer;
    }

    @Test
    void missingSizeIsReported()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(NoSize.class));
        assertMessage(ex, NoSize.class, "buffer", "no size given", "size = BYTES");
    }

    static final class NeedsArgument implements SegmentInitializer<String>
    {
        NeedsArgument(final int unused)
        {
        }

        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
        }
    }

    static final class BadInit
    {
        @SharedNamed(value = "bad.init", size = 8, init = NeedsArgument.class)
        static AtomicBuffer buffer;
    }

    @Test
    void initClassWithoutNoArgumentConstructorIsReported()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(BadInit.class));
        assertMessage(ex, BadInit.class, "buffer", NeedsArgument.class.getName(), "has no constructor without parameters");
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertTrue(registry.entries().stream().noneMatch(entry -> entry.name().equals("bad.init")), "nothing created");
        }
    }

    static final class LongInit implements SegmentInitializer<Long>
    {
        @Override
        public void initialize(final AtomicBuffer buffer, final Long arg)
        {
        }
    }

    static final class WrongArgument
    {
        @SharedNamed(value = "wrong.argument", size = 8, init = LongInit.class, arg = "1")
        static AtomicBuffer buffer;
    }

    @Test
    void initClassTakingAnotherArgumentTypeIsReported()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(WrongArgument.class));
        assertMessage(ex, WrongArgument.class, "buffer", "SegmentInitializer<java.lang.Long>", "passes its arg as a String");
    }

    static final class Mismatch
    {
        @SharedNamed(value = "mismatch", size = 64)
        static AtomicBuffer buffer;
    }

    @Test
    void mismatchWithTheExistingEntryIsReported()
    {
        try (DsmRegistry registry = open(REGISTRY))
        {
            registry.segment("mismatch", 128);
        }
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(Mismatch.class));
        assertMessage(ex, Mismatch.class, "buffer", "has size 64 but the existing one has 128");
        assertInstanceOf(EntryMismatchException.class, ex.getCause());
    }

    static final class FailingInit implements SegmentInitializer<String>
    {
        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
            throw new IllegalStateException("initializer says " + arg);
        }
    }

    static final class Failing
    {
        @SharedNamed(value = "failing", size = 8, init = FailingInit.class, arg = "no")
        static AtomicBuffer buffer;
    }

    @Test
    void initializerFailureIsReportedWithItsCause()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(Failing.class));
        assertMessage(ex, Failing.class, "buffer", "IllegalStateException: initializer says no");
        assertNull(Failing.buffer);
    }

    @Test
    void agentSettingBeatsPropertyWhichBeatsDefault()
    {
        assertEquals("explicit", Injection.registryName("explicit"));
        assertEquals(REGISTRY, Injection.registryName(""));
        System.setProperty(Injection.REGISTRY_PROPERTY, "from-property");
        try
        {
            assertEquals(REGISTRY, Injection.registryName(""), "the agent's argument wins");
            Injection.configure(null, root.toString(), null);
            assertEquals("from-property", Injection.registryName(""));
        }
        finally
        {
            System.clearProperty(Injection.REGISTRY_PROPERTY);
            Injection.configure(REGISTRY, root.toString(), null);
        }
        if (System.getenv(Injection.REGISTRY_ENVIRONMENT) == null)
        {
            Injection.configure(null, root.toString(), null);
            assertEquals(Injection.DEFAULT_REGISTRY, Injection.registryName(""));
            Injection.configure(REGISTRY, root.toString(), null);
        }
    }

    static final class Announced
    {
        @SharedNamed(value = "announced.one", size = 16, registry = "fields-announced")
        static AtomicBuffer one;
        @SharedNamed(value = "announced.two", size = 16, registry = "fields-announced")
        static AtomicBuffer two;
    }

    @Test
    void theListenerHearsOfEachRegistryOnceWhenItOpensAndTheDefaultRegistryIsTheAgentsOne()
    {
        final List<String> heard = new CopyOnWriteArrayList<>();
        Injection.configure("fields-agent", root.toString(), registry -> heard.add(registry.name()));
        try
        {
            SharedFields.inject(Announced.class);
            assertEquals(List.of("fields-announced"), heard);
            final DsmRegistry agents = Injection.defaultRegistry();
            assertEquals("fields-agent", agents.name());
            assertTrue(agents.directory().startsWith(root), agents.directory().toString());
            assertSame(agents, Injection.defaultRegistry(), "kept open");
            assertEquals(List.of("fields-announced", "fields-agent"), heard, "each heard of once");
        }
        finally
        {
            Injection.configure(REGISTRY, root.toString(), null);
        }
    }

    private static void assertMessage(final Exception ex, final Class<?> owner, final String field, final String... parts)
    {
        final String message = ex.getMessage();
        assertTrue(message.contains(" field " + owner.getName() + "." + field + ": "), message);
        for (final String part : parts)
        {
            assertTrue(message.contains(part), "\"" + part + "\" missing from: " + message);
        }
    }

    static final class Areas
    {
        @SharedNamed("areas.joined")
        static SharedArea joined;
        @SharedNamed(value = "areas.limited", size = 1 << 20)
        static SharedArea limited;
    }

    @Test
    void areaFieldsAreFilledAndASizeIsTheAreasLimit()
    {
        SharedFields.inject(Areas.class);
        final long pointer = Areas.joined.allocate(100);
        Areas.joined.buffer(pointer, 100).putLong(0, 5);
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertSame(Areas.joined, registry.area("areas.joined"), "the field holds this JVM's one instance");
            assertEquals(5, registry.area("areas.joined").buffer(pointer, 100).getLong(0));
            assertEquals(1 << 20, registry.area("areas.limited").options().sizeLimit());
        }
    }
}
