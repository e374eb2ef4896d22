package io.dsmreg;

import io.dsmreg.internal.inject.FieldValues;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
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
        FieldValues.configure(REGISTRY, root.toString(), null);
    }

    @AfterAll
    static void reset()
    {
        FieldValues.configure(null, null, null);
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
            AtomicBuffer.class.getName(), NamedSegment.class.getName(), SharedArea.class.getName(), SharedHash.class.getName(),
            SharedMap.class.getName(), SharedQueue.class.getName());
    }

    static final class Locks
    {
        @SharedNamed("fields.lock")
        static SharedLock lock;
    }

    @Test
    void aLockFieldGetsTheNamedLock()
    {
        SharedFields.inject(Locks.class);
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertEquals("lock \"fields.lock\"", Locks.lock.name());
            assertSame(registry.lock("fields.lock"), Locks.lock, "the field's lock is the registry's one instance in this process");
        }
    }

    static final class SizedLock
    {
        @SharedNamed(value = "sized.lock", size = 64)
        static SharedLock lock;
    }

    @Test
    void aSizeOnALockFieldIsRefused()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(SizedLock.class));
        assertMessage(ex, SizedLock.class, "lock", "the attribute size is only for segment, area, hash and map fields");
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
        assertEquals("explicit", FieldValues.registryName("explicit"));
        assertEquals(REGISTRY, FieldValues.registryName(""));
        System.setProperty(FieldValues.REGISTRY_PROPERTY, "from-property");
        try
        {
            assertEquals(REGISTRY, FieldValues.registryName(""), "the agent's argument wins");
            FieldValues.configure(null, root.toString(), null);
            assertEquals("from-property", FieldValues.registryName(""));
        }
        finally
        {
            System.clearProperty(FieldValues.REGISTRY_PROPERTY);
            FieldValues.configure(REGISTRY, root.toString(), null);
        }
        if (System.getenv(FieldValues.REGISTRY_ENVIRONMENT) == null)
        {
            FieldValues.configure(null, root.toString(), null);
            assertEquals(FieldValues.DEFAULT_REGISTRY, FieldValues.registryName(""));
            FieldValues.configure(REGISTRY, root.toString(), null);
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
        FieldValues.configure("fields-agent", root.toString(), registry -> heard.add(registry.name()));
        try
        {
            SharedFields.inject(Announced.class);
            assertEquals(List.of("fields-announced"), heard);
            final DsmRegistry agents = FieldValues.defaultRegistry();
            assertEquals("fields-agent", agents.name());
            assertTrue(agents.directory().startsWith(root), agents.directory().toString());
            assertSame(agents, FieldValues.defaultRegistry(), "kept open");
            assertEquals(List.of("fields-announced", "fields-agent"), heard, "each heard of once");
        }
        finally
        {
            FieldValues.configure(REGISTRY, root.toString(), null);
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

    static final class Queues
    {
        @SharedNamed(value = "queues.events", size = 4096)
        static SharedQueue events;
    }

    @Test
    void queueFieldsAreFilledWithTheSizeAsTheCapacity()
    {
        SharedFields.inject(Queues.class);
        assertEquals(4096, Queues.events.capacity());
        assertEquals(QueueOptions.manyProducers(), Queues.events.options(), "a new queue takes many producers");
        assertTrue(Queues.events.offer(Codec.LONG, 8L));
        try (DsmRegistry registry = open(REGISTRY))
        {
            final SharedQueue queue = registry.queue("queues.events", 4096);
            assertSame(Queues.events, queue, "the field holds this JVM's one instance");
            try (SharedQueue.Consumer consumer = queue.consumer())
            {
                assertEquals(8L, consumer.poll(Codec.LONG));
            }
        }
    }

    static final class UnsizedQueue
    {
        @SharedNamed("queues.unsized")
        static SharedQueue queue;
    }

    static final class OddQueue
    {
        @SharedNamed(value = "queues.odd", size = 3000)
        static SharedQueue queue;
    }

    static final class OneProducerQueue
    {
        @SharedNamed(value = "queues.single", size = 1024)
        static SharedQueue queue;
    }

    @Test
    void queueFieldsSayWhatTheSizeMustBeAndJoinAnExistingQueueAsItIs()
    {
        final DsmRegistryException unsized = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(UnsizedQueue.class));
        assertMessage(unsized, UnsizedQueue.class, "queue", "no size given; a queue's size is its capacity", "size = 1 << 20");
        final DsmRegistryException odd = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(OddQueue.class));
        assertMessage(odd, OddQueue.class, "queue", "capacity 3000", "ask for 4096");
        try (DsmRegistry registry = open(REGISTRY))
        {
            registry.queue("queues.single", 1024, QueueOptions.oneProducer());
            SharedFields.inject(OneProducerQueue.class);
            assertEquals(QueueOptions.oneProducer(), OneProducerQueue.queue.options(), "joined with the options it has");
        }
    }

    static final class Hashes
    {
        @SharedNamed(value = "hashes.ids", keySize = 8, entrySize = 24)
        static SharedHash ids;
        @SharedNamed(value = "hashes.users", keySize = 16, entrySize = 32, stringKeys = true, size = 1 << 20)
        static SharedHash users;
    }

    @Test
    void hashFieldsGetTheirKeyAndEntrySizesStringKeysAndSizeLimit()
    {
        SharedFields.inject(Hashes.class);
        try (SharedHash.Entry entry = Hashes.ids.findOrInsert(42L))
        {
            entry.buffer().putLong(8, 7);
        }
        try (SharedHash.Entry entry = Hashes.users.findOrInsert("ada"))
        {
            entry.buffer().putLong(16, 9);
        }
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertSame(Hashes.ids, registry.hash("hashes.ids", HashParams.of(8, 24)), "the field holds this JVM's one instance");
            final SharedHash users = registry.hash("hashes.users", HashParams.of(16, 32).stringKeys().sizeLimit(1 << 20));
            try (SharedHash.Entry entry = users.find("ada", false))
            {
                assertEquals(9, entry.buffer().getLong(16));
            }
        }
    }

    static final class NoHashSizes
    {
        @SharedNamed(value = "hashes.unsized", keySize = 8)
        static SharedHash hash;
    }

    @Test
    void hashWithoutKeyOrEntrySizeSaysWhatToAdd()
    {
        final DsmRegistryException ex = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(NoHashSizes.class));
        assertMessage(ex, NoHashSizes.class, "hash", "no entrySize given; a hash needs both",
            "keySize = BYTES, entrySize = BYTES");
    }

    /** A Codec of its own, for a map of a type without a built-in one. */
    public static final class UuidCodec implements Codec<UUID>
    {
        @Override
        public String id()
        {
            return "test.uuid";
        }

        @Override
        public int fixedSize()
        {
            return 16;
        }

        @Override
        public void encode(final UUID value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value.getMostSignificantBits());
            buffer.putLong(offset + 8, value.getLeastSignificantBits());
        }

        @Override
        public UUID decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return new UUID(buffer.getLong(offset), buffer.getLong(offset + 8));
        }
    }

    static final class Maps
    {
        @SharedNamed("maps.hits")
        static SharedMap<String, Long> hits;
        @SharedNamed(value = "maps.blobs", size = 1 << 20)
        static SharedMap<Integer, byte[]> blobs;
        @SharedNamed(value = "maps.sessions", keyCodec = UuidCodec.class)
        static SharedMap<UUID, String> sessions;
        @SharedNamed(value = "maps.raw", keyCodec = UuidCodec.class, valueCodec = UuidCodec.class)
        @SuppressWarnings("rawtypes")
        static SharedMap raw;
    }

    @Test
    void mapFieldsGetCodecsFromTheirTypeArgumentsOrTheirCodecClassesAndASizeLimit()
    {
        SharedFields.inject(Maps.class);
        Maps.hits.merge("GET /", 1L, Long::sum);
        Maps.blobs.put(1, new byte[]{1, 2, 3});
        final UUID id = new UUID(1, 2);
        Maps.sessions.put(id, "ada");
        assertEquals(Codec.STRING, Maps.hits.keyCodec());
        assertEquals(Codec.LONG, Maps.hits.valueCodec());
        assertInstanceOf(UuidCodec.class, Maps.raw.keyCodec());
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertEquals(1L, registry.map("maps.hits", Codec.STRING, Codec.LONG).get("GET /"));
            assertArrayEquals(new byte[]{1, 2, 3},
                registry.map("maps.blobs", Codec.INTEGER, Codec.BYTES, MapOptions.defaults().sizeLimit(1 << 20)).get(1));
            assertEquals("ada", registry.map("maps.sessions", new UuidCodec(), Codec.STRING).get(id));
        }
    }

    static final class RawMap
    {
        @SharedNamed("maps.bad.raw")
        @SuppressWarnings("rawtypes")
        static SharedMap map;
    }

    static final class WildcardMap
    {
        @SharedNamed("maps.bad.wildcard")
        static SharedMap<String, ?> map;
    }

    static final class UnsupportedKey
    {
        @SharedNamed("maps.bad.key")
        static SharedMap<UUID, Long> map;
    }

    static final class WrongCodec
    {
        @SharedNamed(value = "maps.bad.codec", valueCodec = UuidCodec.class)
        static SharedMap<String, Long> map;
    }

    /** Not a codec anyone can create. */
    public abstract static class AbstractCodec implements Codec<Long>
    {
    }

    static final class AbstractCodecMap
    {
        @SharedNamed(value = "maps.bad.abstract", keyCodec = AbstractCodec.class)
        static SharedMap<Long, Long> map;
    }

    @Test
    void mapsWhoseCodecsCannotBeChosenAreReported()
    {
        assertMessage(assertThrows(DsmRegistryException.class, () -> SharedFields.inject(RawMap.class)), RawMap.class, "map",
            "its type is a raw SharedMap", "SharedMap<String, Long>", "keyCodec = ..., valueCodec = ...");
        assertMessage(assertThrows(DsmRegistryException.class, () -> SharedFields.inject(WildcardMap.class)), WildcardMap.class,
            "map", "its value type ? has no built-in codec", "valueCodec = YourCodec.class");
        assertMessage(assertThrows(DsmRegistryException.class, () -> SharedFields.inject(UnsupportedKey.class)),
            UnsupportedKey.class, "map", "its key type java.util.UUID has no built-in codec", "keyCodec = YourCodec.class");
        assertMessage(assertThrows(DsmRegistryException.class, () -> SharedFields.inject(WrongCodec.class)), WrongCodec.class,
            "map", "its valueCodec class " + UuidCodec.class.getName() + " is a Codec<java.util.UUID>, but the map's values " +
            "are java.lang.Long");
        assertMessage(assertThrows(DsmRegistryException.class, () -> SharedFields.inject(AbstractCodecMap.class)),
            AbstractCodecMap.class, "map", "its keyCodec class " + AbstractCodec.class.getName() + " is abstract");
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertTrue(registry.entries().stream().noneMatch(entry -> entry.name().startsWith("maps.bad.")), "nothing created");
        }
    }

    static final class MisplacedAttribute
    {
        @SharedNamed(value = "misplaced.segment", size = 64, keySize = 8)
        static AtomicBuffer buffer;
    }

    static final class MisplacedInit
    {
        @SharedNamed(value = "misplaced.area", init = Seven.class)
        static SharedArea area;
    }

    @Test
    void attributesThatDoNothingForTheFieldsKindAreRefused()
    {
        final DsmRegistryException segment = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(MisplacedAttribute.class));
        assertEquals("cannot fill @SharedNamed(\"misplaced.segment\") field " + MisplacedAttribute.class.getName() + ".buffer: " +
            "the attribute keySize is only for SharedHash fields and does nothing for a field of type AtomicBuffer; remove it",
            segment.getMessage());
        final DsmRegistryException area = assertThrows(DsmRegistryException.class, () -> SharedFields.inject(MisplacedInit.class));
        assertTrue(area.getMessage().endsWith("the attribute init is only for segment fields and does nothing for a field of " +
            "type SharedArea; remove it"), area.getMessage());
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertTrue(registry.entries().stream().noneMatch(entry -> entry.name().startsWith("misplaced.")), "nothing was created");
        }
    }

    static final class InterfaceMaps
    {
        @SharedNamed("interfaces.hits")
        static java.util.concurrent.ConcurrentMap<String, Long> hits;
        @SharedNamed(value = "interfaces.blobs", keyCodec = UuidCodec.class)
        static java.util.Map<UUID, byte[]> blobs;
    }

    @Test
    void concurrentMapAndMapFieldsGetTheHostLocalSharedMapWithoutACluster()
    {
        SharedFields.inject(InterfaceMaps.class);
        assertInstanceOf(SharedMap.class, InterfaceMaps.hits);
        assertInstanceOf(SharedMap.class, InterfaceMaps.blobs);
        InterfaceMaps.hits.merge("GET /", 1L, Long::sum);
        try (DsmRegistry registry = open(REGISTRY))
        {
            assertEquals(1L, registry.map("interfaces.hits", Codec.STRING, Codec.LONG).get("GET /"));
        }
    }

    static final class ClusterScoped
    {
        @SharedNamed(value = "scoped.state", size = 64)
        static AtomicBuffer state;
    }

    static final class ClusterScopedMap
    {
        @SharedNamed("scoped.hits")
        static java.util.concurrent.ConcurrentMap<String, Long> hits;
    }

    static final class ClusterScopedElsewhere
    {
        @SharedNamed(value = "scoped.local", size = 64, registry = "fields-local")
        static AtomicBuffer local;
    }

    /**
     * In cluster scope (the agent's registry with cluster=), a host-local type is refused before the
     * cluster is even asked, a map field gets the reason the cluster did not start (here: the cluster
     * module is not on core's class path), and a field of another registry stays host-local.
     */
    @Test
    void inClusterScopeHostLocalTypesAreRefusedAndOtherRegistriesStayLocal()
    {
        FieldValues.configureCluster("no-such-cluster.yaml");
        try
        {
            final DsmRegistryException local =
                assertThrows(DsmRegistryException.class, () -> SharedFields.inject(ClusterScoped.class));
            assertMessage(local, ClusterScoped.class, "state", "its type AtomicBuffer is host-local shared memory",
                "registry \"" + REGISTRY + "\" is on a Hazelcast cluster (the agent's cluster=no-such-cluster.yaml)",
                "registry = \"" + REGISTRY + "-local\"");
            final DsmRegistryException map =
                assertThrows(DsmRegistryException.class, () -> SharedFields.inject(ClusterScopedMap.class));
            assertMessage(map, ClusterScopedMap.class, "hits", "cluster=no-such-cluster.yaml needs dsmreg-cluster.jar and " +
                "hazelcast.jar (5.x) on the application's class path");
            SharedFields.inject(ClusterScopedElsewhere.class);
            assertEquals(64, ClusterScopedElsewhere.local.capacity());
            assertTrue(FieldValues.clusterEntries(REGISTRY).isEmpty(), "no cluster, no cluster entries");
        }
        finally
        {
            FieldValues.configureCluster(null);
        }
    }
}
