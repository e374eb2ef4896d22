package io.dsmreg.cli;

import io.dsmreg.DsmRegistryException;
import io.dsmreg.jmx.ClusterEntryInfo;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code list --cluster CLIENT_CONFIG}: the dsmreg maps on a Hazelcast cluster, read by a short-lived
 * client. The cluster module and Hazelcast are not in dsmreg.jar: they are reached by reflection on
 * the class path the command was started with, and a missing one is named with the command line that
 * brings it.
 */
final class ClusterListing
{
    private static final String LISTER_CLASS = "io.dsmreg.cluster.AgentCluster";

    private ClusterListing()
    {
    }

    /** Prints the maps of {@code registry}, or of every registry if null, as a table or JSON. */
    static void print(
        final String clientConfig, final String registry, final boolean json, final Listing.Layout layout, final PrintStream out)
    {
        final List<ClusterEntryInfo> rows = new ArrayList<>();
        for (final ClusterEntryInfo row : list(clientConfig))
        {
            if (registry == null || registry.equals(row.getRegistry()))
            {
                rows.add(row);
            }
        }
        if (json)
        {
            final List<Map<String, Object>> maps = new ArrayList<>();
            for (final ClusterEntryInfo row : rows)
            {
                final Map<String, Object> map = new LinkedHashMap<>();
                map.put("registry", row.getRegistry());
                map.put("name", row.getName());
                map.put("structureName", row.getStructureName());
                map.put("type", row.getType());
                map.put("entryCount", row.getEntryCount());
                maps.add(map);
            }
            final Map<String, Object> document = new LinkedHashMap<>();
            document.put("cluster", clientConfig);
            document.put("entries", maps);
            out.println(Json.write(document));
            return;
        }
        final TextTable table = new TextTable("registry", "name", "hazelcast structure", "type", "#entries")
            .shorten("hazelcast structure");
        for (final ClusterEntryInfo row : rows)
        {
            table.add(row.getRegistry(), row.getName(), row.getStructureName(), row.getType(), row.getEntryCount());
        }
        table.print(out, layout.width(), Arguments.WIDE);
    }

    @SuppressWarnings("unchecked")
    private static List<ClusterEntryInfo> list(final String clientConfig)
    {
        final Method list;
        try
        {
            list = Class.forName(LISTER_CLASS).getDeclaredMethod("list", String.class);
            list.setAccessible(true);
        }
        catch (final ClassNotFoundException | NoClassDefFoundError ex)
        {
            throw new DsmRegistryException("--cluster needs dsmreg-cluster.jar and hazelcast.jar on the class path, and " +
                (ex instanceof ClassNotFoundException ? LISTER_CLASS : ex.getMessage()) + " is not there; run java " +
                "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp dsmreg.jar:dsmreg-cluster.jar:hazelcast.jar " +
                "io.dsmreg.cli.Main list --cluster " + clientConfig);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new DsmRegistryException("the dsmreg-cluster.jar on the class path does not match this dsmreg.jar (" + ex +
                "); use the same version of both");
        }
        try
        {
            return (List<ClusterEntryInfo>)list.invoke(null, clientConfig);
        }
        catch (final InvocationTargetException ex)
        {
            if (ex.getCause() instanceof DsmRegistryException problem)
            {
                throw problem;
            }
            throw new DsmRegistryException("cannot list the cluster of " + clientConfig + ": " + ex.getCause(), ex.getCause());
        }
        catch (final IllegalAccessException ex)
        {
            throw new DsmRegistryException("cannot list the cluster of " + clientConfig + ": " + ex, ex);
        }
    }
}
