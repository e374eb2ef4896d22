package io.dsmreg.internal.jmx;

import io.dsmreg.jmx.Description;

import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/**
 * An MXBean whose MBeanInfo carries the {@link Description} of its interface, attributes and
 * operations, where a plain MXBean repeats each attribute's name as its description. Units need no
 * help: the MXBean framework copies {@link io.dsmreg.jmx.Units} into each attribute's descriptor.
 * <p>
 * Always an emitter, so that one class describes both kinds of MBean: an MBean that sends nothing
 * passes an emitter without notification types, and its MBeanInfo lists none.
 */
final class DescribedMXBean<T> extends StandardEmitterMBean
{
    DescribedMXBean(final T implementation, final Class<T> mbeanInterface, final NotificationEmitter emitter)
    {
        super(implementation, mbeanInterface, true, emitter);
    }

    @Override
    protected String getDescription(final MBeanInfo info)
    {
        return described(getMBeanInterface().getAnnotation(Description.class), info.getDescription());
    }

    @Override
    protected String getDescription(final MBeanAttributeInfo info)
    {
        final String prefix = info.isIs() ? "is" : "get";
        return described(getter(prefix + info.getName()), info.getDescription());
    }

    /** Operations are matched by name and parameter count: the MXBean interfaces overload none. */
    @Override
    protected String getDescription(final MBeanOperationInfo info)
    {
        for (final Method method : getMBeanInterface().getMethods())
        {
            if (method.getName().equals(info.getName()) && method.getParameterCount() == info.getSignature().length)
            {
                return described(method.getAnnotation(Description.class), info.getDescription());
            }
        }
        return info.getDescription();
    }

    private Description getter(final String name)
    {
        try
        {
            return getMBeanInterface().getMethod(name).getAnnotation(Description.class);
        }
        catch (final NoSuchMethodException ex)
        {
            return null;
        }
    }

    private static String described(final Description description, final String fallback)
    {
        return description == null ? fallback : description.value();
    }
}
