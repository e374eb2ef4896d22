/**
 * Internal: the MBeans of a registry. Not API; register them with
 * {@link io.dsmreg.DsmRegistry#registerMBeans()}. The MXBean interfaces are public because JMX
 * requires it, and what clients see of them (ObjectNames, attributes, notification types) is
 * documented in docs/observability.md. Every attribute is an open type, so JConsole, VisualVM,
 * Jolokia and jmx_exporter read everything with none of dsmreg's classes.
 */
package io.dsmreg.jmx;
