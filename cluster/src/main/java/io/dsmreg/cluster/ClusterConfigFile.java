package io.dsmreg.cluster;

import io.dsmreg.DsmRegistryException;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ConnectionRetryConfig;
import com.hazelcast.client.config.XmlClientConfigBuilder;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.config.YamlConfigBuilder;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A Hazelcast configuration file in Hazelcast's own format, as {@code cluster=FILE} and
 * {@code dsmreg list --cluster FILE} name it: a member's (root {@code hazelcast}) or a client's (root
 * {@code hazelcast-client}), YAML or XML, told apart by its root. {@link #start} never waits without
 * bound: a client whose file sets no cluster connect timeout gets {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS}
 * ms; a member's join is bounded by Hazelcast's own {@code hazelcast.max.join.seconds}. Every problem
 * is a {@link DsmRegistryException} of one line that names the file.
 */
final class ClusterConfigFile
{
    /** How long a client tries to reach its cluster when its file does not say. */
    static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final Pattern YAML_CLIENT = Pattern.compile("(?m)^hazelcast-client\\s*:");
    private static final Pattern YAML_MEMBER = Pattern.compile("(?m)^hazelcast\\s*:");
    private static final Pattern XML_CLIENT = Pattern.compile("<hazelcast-client[\\s>/]");
    private static final Pattern XML_MEMBER = Pattern.compile("<hazelcast[\\s>/]");

    private final Path path;
    private final Config member;
    private final ClientConfig client;

    private ClusterConfigFile(final Path path, final Config member, final ClientConfig client)
    {
        this.path = path;
        this.member = member;
        this.client = client;
    }

    /** Reads and checks {@code file}; relative to the working directory. */
    static ClusterConfigFile read(final String file)
    {
        final Path path = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path))
        {
            throw new DsmRegistryException("the cluster file " + path + " does not exist" +
                (Files.exists(path) ? " as a regular file" : "") + "; give cluster= a Hazelcast member or client " +
                "configuration (YAML or XML), relative to the working directory " + Path.of("").toAbsolutePath());
        }
        final String text;
        try
        {
            text = Files.readString(path, StandardCharsets.UTF_8);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new DsmRegistryException("cannot read the cluster file " + path + ": " + oneLine(ex), ex);
        }
        final boolean xml = text.stripLeading().startsWith("<");
        final boolean isClient = (xml ? XML_CLIENT : YAML_CLIENT).matcher(text).find();
        if (!isClient && !(xml ? XML_MEMBER : YAML_MEMBER).matcher(text).find())
        {
            throw new DsmRegistryException("the cluster file " + path + " is not a Hazelcast configuration: its " +
                (xml ? "XML" : "YAML") + " has no root hazelcast (a member's) or hazelcast-client (a client's)");
        }
        try
        {
            if (isClient)
            {
                final ClientConfig client = xml ? new XmlClientConfigBuilder(path.toFile()).build() :
                    new YamlClientConfigBuilder(path.toFile()).build();
                final ConnectionRetryConfig retry = client.getConnectionStrategyConfig().getConnectionRetryConfig();
                if (retry.getClusterConnectTimeoutMillis() < 0)
                {
                    retry.setClusterConnectTimeoutMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
                }
                return new ClusterConfigFile(path, null, client);
            }
            final Config member = xml ? new XmlConfigBuilder(path.toString()).build() : new YamlConfigBuilder(path.toString()).build();
            return new ClusterConfigFile(path, member, null);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new DsmRegistryException("the cluster file " + path + " is not a valid Hazelcast " +
                (isClient ? "client" : "member") + " configuration: " + oneLine(ex), ex);
        }
    }

    boolean isClient()
    {
        return client != null;
    }

    Path path()
    {
        return path;
    }

    /** How long a client tries to reach the cluster: the file's bound, else {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms. */
    long connectTimeoutMillis()
    {
        return client.getConnectionStrategyConfig().getConnectionRetryConfig().getClusterConnectTimeoutMillis();
    }

    /** A member that joins (or forms) the cluster, or a client connected to it. */
    HazelcastInstance start()
    {
        if (client != null)
        {
            try
            {
                return HazelcastClient.newHazelcastClient(client);
            }
            catch (final RuntimeException ex)
            {
                throw new DsmRegistryException("cannot reach the Hazelcast cluster \"" + client.getClusterName() + "\" at " +
                    client.getNetworkConfig().getAddresses() + " (client configuration " + path + ") within " +
                    connectTimeoutMillis() + " ms: " + oneLine(ex) + "; check that its members run, and their addresses and cluster name", ex);
            }
        }
        try
        {
            return Hazelcast.newHazelcastInstance(member);
        }
        catch (final RuntimeException ex)
        {
            throw new DsmRegistryException("cannot start a Hazelcast member of the cluster \"" + member.getClusterName() +
                "\" (member configuration " + path + "): " + oneLine(ex), ex);
        }
    }

    /** An exception's message on one line, as the agent's single ERROR line needs it. */
    static String oneLine(final Throwable ex)
    {
        final String message = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
        final String flat = message.replaceAll("\\s+", " ").strip();
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }
}
