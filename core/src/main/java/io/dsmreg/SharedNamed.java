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
 * gets it, an existing one must have it), none joins the area as it is.</li>
 * </ul>
 * A field that cannot be filled (another type, no size, an init class that cannot be created, an
 * existing entry of another type or size) makes its class fail to initialize, or its constructor
 * throw, with a {@link DsmRegistryException} naming the class, the field and the reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface SharedNamed
{
    /** The entry's name in the registry: 1 to 63 bytes of UTF-8. */
    String value();

    /** The segment's size in bytes, required for segments; for an area, its size limit (optional). */
    long size() default 0;

    /**
     * Fills a new segment, once on the host; {@code SegmentInitializer.class} (the default) leaves it
     * zeroed. The class needs a constructor without parameters, and receives {@link #arg()}.
     */
    @SuppressWarnings("rawtypes")
    Class<? extends SegmentInitializer> init() default SegmentInitializer.class;

    /** The argument passed to the {@link #init()} class; empty when not given. */
    String arg() default "";

    /**
     * The registry that holds the entry; empty (the default) for the one the agent was given, else
     * the system property {@code dsmreg.registry}, the environment variable {@code DSMREG_REGISTRY},
     * else {@code default}.
     */
    String registry() default "";
}
