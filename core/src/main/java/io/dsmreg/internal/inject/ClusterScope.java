package io.dsmreg.internal.inject;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.jmx.ClusterEntryInfo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Hazelcast cluster that the agent's {@code cluster=FILE} puts the agent's registry on: the
 * only place where core reaches the cluster module, by reflection, so that neither core nor the
 * agent jar links Hazelcast and a JVM started without {@code cluster=} never loads this class.
 * <p>
 * Protocol:
 * <ol>
 * <li>{@link #start} (in premain) creates this object and starts one daemon thread; premain never
 *     waits for the cluster.</li>
 * <li>The thread loads {@value #ENTRY_CLASS} through the system class loader (the application's
 *     class path, where dsmreg-cluster.jar and hazelcast.jar must be) and calls its
 *     {@code start(String)}, which reads the file and starts a Hazelcast member or client within
 *     the file's bounds (a client's cluster connect timeout, a member's join).</li>
 * <li>The outcome is published once, the cluster or the reason it failed, before the latch opens;
 *     a failure is logged once, as one ERROR line.</li>
 * <li>A field waits for the latch at most {@value #START_WAIT_SECONDS} s, then gets its map, or a
 *     {@link DsmRegistryException} with the logged reason.</li>
 * </ol>
 */
final class ClusterScope implements Runnable
{
    /** The cluster module's class that core calls; package-private there, so it adds nothing to its API. */
    static final String ENTRY_CLASS = "io.dsmreg.cluster.AgentCluster";
    /** A field waits this long at most for the cluster: as long as Hazelcast bounds a member's join by default (hazelcast.max.join.seconds). */
    static final long START_WAIT_SECONDS = 300;

    private final String configFile;
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile Object cluster;
    private volatile Method map;
    private volatile Method entries;
    private volatile String failure;

    private ClusterScope(final String configFile)
    {
        this.configFile = configFile;
    }

    /** Starts connecting to the cluster that {@code configFile} describes, in the background. */
    static ClusterScope start(final String configFile)
    {
        final ClusterScope scope = new ClusterScope(configFile);
        final Thread thread = new Thread(scope, "dsmreg-cluster-start");
        // Daemon: a start that is still joining must not keep a finished application alive.
        thread.setDaemon(true);
        thread.start();
        return scope;
    }

    String configFile()
    {
        return configFile;
    }

    @Override
    public void run()
    {
        try
        {
            final Class<?> type = Class.forName(ENTRY_CLASS, true, ClassLoader.getSystemClassLoader());
            final Method starter = type.getDeclaredMethod("start", String.class);
            final Method mapMethod = type.getDeclaredMethod("map", String.class, String.class, Codec.class, Codec.class);
            final Method entriesMethod = type.getDeclaredMethod("entries", String.class);
            starter.setAccessible(true);
            mapMethod.setAccessible(true);
            entriesMethod.setAccessible(true);
            map = mapMethod;
            entries = entriesMethod;
            cluster = starter.invoke(null, configFile);
        }
        catch (final ClassNotFoundException | NoClassDefFoundError ex)
        {
            fail("cluster=" + configFile + " needs dsmreg-cluster.jar and hazelcast.jar (5.x) on the application's class " +
                "path, and " + (ex instanceof ClassNotFoundException ? ENTRY_CLASS : ex.getMessage()) + " is not there; " +
                "add both to -cp (docs/cluster.md)");
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable cause = ex.getCause();
            fail("cluster=" + configFile + ": " + (cause instanceof DsmRegistryException ? cause.getMessage() : String.valueOf(cause)));
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            fail("cluster=" + configFile + ": the cluster module on the class path does not match this dsmreg (" + ex +
                "); use dsmreg-cluster.jar of the same version as dsmreg.jar");
        }
        finally
        {
            // Publishes cluster or failure, both written above, to every thread that passes await().
            decided.countDown();
        }
    }

    private void fail(final String message)
    {
        failure = message;
        System.getLogger("io.dsmreg.agent").log(System.Logger.Level.ERROR, "dsmreg agent: " + message +
            "; fields of the cluster registry cannot be filled");
    }

    /**
     * The cluster map {@code entry} of {@code registry}, bound with the codecs a host-local map would use.
     *
     * @throws DsmRegistryException if the cluster did not start, or refused the map.
     */
    ConcurrentMap<?, ?> map(final String registry, final String entry, final Codec<?> keys, final Codec<?> values)
    {
        await();
        return (ConcurrentMap<?, ?>)call(map, registry, entry, keys, values);
    }

    /** This JVM's cluster maps of {@code registry}; empty while the cluster starts or after it failed. */
    @SuppressWarnings("unchecked")
    List<ClusterEntryInfo> entries(final String registry)
    {
        return decided.getCount() > 0 || cluster == null ? List.of() : (List<ClusterEntryInfo>)call(entries, registry);
    }

    private void await()
    {
        try
        {
            if (!decided.await(START_WAIT_SECONDS, TimeUnit.SECONDS))
            {
                throw new DsmRegistryException("cluster=" + configFile + ": the cluster has not started after " +
                    START_WAIT_SECONDS + " s; check that its members are reachable and that the file bounds the join " +
                    "(a client's cluster-connect-timeout-millis)");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DsmRegistryException("interrupted while waiting for the cluster of cluster=" + configFile, ex);
        }
        if (failure != null)
        {
            throw new DsmRegistryException(failure);
        }
    }

    private Object call(final Method method, final Object... arguments)
    {
        try
        {
            return method.invoke(cluster, arguments);
        }
        catch (final InvocationTargetException ex)
        {
            if (ex.getCause() instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw new DsmRegistryException("cluster=" + configFile + ": " + ex.getCause(), ex.getCause());
        }
        catch (final IllegalAccessException ex)
        {
            throw new DsmRegistryException("cluster=" + configFile + ": " + ex, ex);
        }
    }
}
