package io.dsmreg.jmx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.management.DescriptorKey;

/**
 * The unit of a numeric attribute, which the MXBean framework copies into the {@code units} field of
 * the attribute's {@link javax.management.Descriptor}, as {@link javax.management.DescriptorKey} describes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Units
{
    /** The unit of sizes: {@value}. */
    String BYTES = "bytes";

    /**
     * The unit, in the descriptor field {@code units}.
     *
     * @return the unit, such as {@link #BYTES}.
     */
    @DescriptorKey("units")
    String value();
}
