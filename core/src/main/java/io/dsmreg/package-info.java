/**
 * Named shared memory for the JVM: the API.
 * <p>
 * {@link io.dsmreg.DsmRegistry#open(String)} creates or joins a registry; it hands out named
 * {@link io.dsmreg.NamedSegment segments}, {@link io.dsmreg.SharedArea areas},
 * {@link io.dsmreg.SharedHash hash tables} and {@link io.dsmreg.SharedMap maps}, each created and
 * initialized exactly once on the host and attached by every other process that asks for its name.
 * {@link io.dsmreg.RegistryView} reads a registry without joining it, {@link io.dsmreg.SharedFields}
 * fills {@link io.dsmreg.SharedNamed} fields without the agent, and every failure is a
 * {@link io.dsmreg.DsmRegistryException} whose subclass names the cause.
 * <p>
 * This package is all an application uses. The engine behind it lives in {@code io.dsmreg.internal},
 * which the module does not export.
 */
package io.dsmreg;
