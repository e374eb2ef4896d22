package io.dsmreg;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field to be filled with a named entry of a registry, created or joined by name exactly
 * as {@link DsmRegistry} does it:
 * <pre>{@code
 * class Limiter
 * {
 *     @SharedNamed(value = "ratelimit.bucket", size = 64, init = BucketInit.class, arg = "100")
 *     static AtomicBuffer bucket;
 * }
 * }</pre>
 * With the agent ({@code -javaagent:dsmreg.jar}) a static field is set when its class initializes,
 * after the class's own static initializer (which still sees null), and an instance field when a
 * constructor returns; {@code final} fields are fine. Without the agent, {@link SharedFields} sets
 * non-final fields by hand.
 * <p>
 * What a field receives depends on its declared type:
 * <ul>
 * <li>{@link org.agrona.concurrent.AtomicBuffer}: the memory of the named segment;</li>
 * <li>{@link NamedSegment}: the segment's handle;</li>
 * <li>{@link SharedArea}: the named area; a {@link #size()} there is the area's size limit (a new area
 * gets it, an existing one must have it), none joins the area as it is;</li>
 * <li>{@link SharedHash}: the named hash table, whose {@link #keySize()} and {@link #entrySize()} are
 * required, with {@link #stringKeys()} optional and {@link #size()} as its size limit;</li>
 * <li>{@link SharedMap}{@code <K, V>}: the named map, with {@link #size()} as its size limit. Its
 * codecs come from the field's type arguments ({@code Long}, {@code Integer}, {@code String} and
 * {@code byte[]} have {@link Codec#LONG}, {@link Codec#INTEGER}, {@link Codec#STRING} and
 * {@link Codec#BYTES}), or from {@link #keyCodec()} and {@link #valueCodec()} for other types:
 * <pre>{@code
 * @SharedNamed("requests.by-route")
 * static SharedMap<String, Long> hits;
 * @SharedNamed(value = "positions", valueCodec = PointCodec.class, size = 64 << 20)
 * static SharedMap<Long, Point> positions;
 * }</pre></li>
 * <li>{@link SharedLock}: the named lock; no other attribute applies to it.</li>
 * <li>{@link SharedQueue}: the named queue, with {@link #size()} as its capacity (required: a power of
 * two from 1024 to 1 GiB). A new queue takes many producers; an existing one is joined with the
 * producers option it was created with (send to a one-producer queue through its
 * {@link SharedQueue#producer()}).</li>
 * </ul>
 * A field that cannot be filled (another type, no size for a segment or queue, no key or entry size for a hash, a map type
 * without codecs, an init or codec class that cannot be created, an existing entry of another type
 * or shape) makes its class fail to initialize, or its constructor throw, with a
 * {@link DsmRegistryException} naming the class, the field and the reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface SharedNamed
{
    /**
     * The entry's name in the registry: 1 to 63 bytes of UTF-8.
     *
     * @return the entry's name.
     */
    String value();

    /**
     * The segment's size in bytes, required for segments; for an area, a hash or a map, its size
     * limit (optional: none means unlimited); a queue's capacity in bytes (required).
     *
     * @return bytes; 0 (the default) for none.
     */
    long size() default 0;

    /**
     * Fills a new segment, once on the host; {@code SegmentInitializer.class} (the default) leaves it
     * zeroed. The class needs a constructor without parameters, and receives {@link #arg()}.
     *
     * @return the initializer's class.
     */
    @SuppressWarnings("rawtypes")
    Class<? extends SegmentInitializer> init() default SegmentInitializer.class;

    /**
     * The argument passed to the {@link #init()} class; empty when not given.
     *
     * @return the argument, as a string.
     */
    String arg() default "";

    /**
     * The registry that holds the entry; empty (the default) for the one the agent was given, else
     * the system property {@code dsmreg.registry}, the environment variable {@code DSMREG_REGISTRY},
     * else {@code default}.
     *
     * @return the registry's name, or empty.
     */
    String registry() default "";

    /**
     * A {@link SharedHash}'s key size in bytes: the first bytes of every entry (required for hashes).
     *
     * @return bytes; 0 (the default) for fields of other types.
     */
    int keySize() default 0;

    /**
     * A {@link SharedHash}'s entry size in bytes, its key included (required for hashes).
     *
     * @return bytes; 0 (the default) for fields of other types.
     */
    int entrySize() default 0;

    /**
     * A {@link SharedHash}'s keys are strings ({@link HashParams#stringKeys()}).
     *
     * @return true for string keys; false (the default) for keys that are bytes.
     */
    boolean stringKeys() default false;

    /**
     * A {@link SharedMap}'s key codec: a {@code Codec<K>} class with a constructor without parameters;
     * {@code Codec.class} (the default) takes the built-in codec of the field's key type.
     *
     * @return the key codec's class.
     */
    @SuppressWarnings("rawtypes")
    Class<? extends Codec> keyCodec() default Codec.class;

    /**
     * A {@link SharedMap}'s value codec, as {@link #keyCodec()}.
     *
     * @return the value codec's class.
     */
    @SuppressWarnings("rawtypes")
    Class<? extends Codec> valueCodec() default Codec.class;
}
