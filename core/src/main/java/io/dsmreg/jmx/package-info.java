/**
 * What JMX clients see of a registry: the MXBean interfaces of its MBeans, registered with
 * {@link io.dsmreg.DsmRegistry#registerMBeans()}, and the open types of their attributes. Their
 * ObjectNames, attributes and notifications are documented in docs/observability.md. Every
 * attribute is an open type, so JConsole, VisualVM, Jolokia and jmx_exporter read everything with
 * none of dsmreg's classes; {@link javax.management.JMX#newMXBeanProxy} gives typed access to those
 * who have them.
 */
package io.dsmreg.jmx;
