/**
 * Internal: the MBeans of a registry, kept current from its table, behind the interfaces of
 * {@link io.dsmreg.jmx}. Not API.
 */
package io.dsmreg.internal.jmx;
