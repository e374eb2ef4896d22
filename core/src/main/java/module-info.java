/**
 * dsmreg: named shared memory for the JVM, built the way PostgreSQL's DSM registry works.
 * <p>
 * {@link io.dsmreg} is the API: {@link io.dsmreg.DsmRegistry} and the handles it returns, their
 * options, codecs, listings and exceptions. {@link io.dsmreg.jmx} holds the MXBean interfaces and
 * open types JMX clients read, and {@link io.dsmreg.inject} the entry point the agent's woven field
 * code calls. Everything under {@code io.dsmreg.internal} is the engine, and is not exported.
 * <p>
 * Filling {@link io.dsmreg.SharedNamed} fields of a class in a named module needs that module to
 * open the class's package to {@code io.dsmreg}. Agrona reaches {@code jdk.internal.misc.Unsafe}:
 * on the module path the JVM needs {@code --add-exports java.base/jdk.internal.misc=org.agrona}.
 */
module io.dsmreg
{
    requires transitive org.agrona;
    requires java.management;

    exports io.dsmreg;
    exports io.dsmreg.inject;
    exports io.dsmreg.jmx;
}
