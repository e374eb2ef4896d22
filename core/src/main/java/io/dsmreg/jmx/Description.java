package io.dsmreg.jmx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an MBean, or one of its attributes or operations, is: the description JMX clients show
 * (JConsole's tooltips and info pane) and Prometheus' jmx_exporter writes as a metric's HELP. dsmreg
 * reads it from the MXBean interfaces of this package when it registers their MBeans.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Description
{
    /**
     * The description, one sentence or two.
     *
     * @return the text clients show.
     */
    String value();
}
