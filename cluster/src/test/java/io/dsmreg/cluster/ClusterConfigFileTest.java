package io.dsmreg.cluster;

import io.dsmreg.DsmRegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading cluster= files: every problem is one line that names the file; nothing here starts Hazelcast. */
class ClusterConfigFileTest
{
    @TempDir
    Path work;

    @Test
    void aMissingFileIsNamedWithTheWorkingDirectory()
    {
        final DsmRegistryException missing =
            assertThrows(DsmRegistryException.class, () -> ClusterConfigFile.read(work.resolve("none.yaml").toString()));
        assertTrue(missing.getMessage().contains(work.resolve("none.yaml") + " does not exist"), missing.getMessage());
        assertTrue(missing.getMessage().contains("relative to the working directory"), missing.getMessage());
    }

    @Test
    void aFileThatIsNoHazelcastConfigurationSaysWhatRootItNeeds() throws Exception
    {
        final Path file = Files.writeString(work.resolve("app.yaml"), "server:\n  port: 8080\n");
        final DsmRegistryException wrong = assertThrows(DsmRegistryException.class, () -> ClusterConfigFile.read(file.toString()));
        assertTrue(wrong.getMessage().contains("has no root hazelcast (a member's) or hazelcast-client (a client's)"),
            wrong.getMessage());
    }

    @Test
    void anInvalidMemberOrClientFileIsReportedOnOneLine() throws Exception
    {
        final Path member = Files.writeString(work.resolve("member.yaml"), "hazelcast:\n  network:\n    port:\n      port: x\n");
        final DsmRegistryException badMember =
            assertThrows(DsmRegistryException.class, () -> ClusterConfigFile.read(member.toString()));
        assertTrue(badMember.getMessage().contains("is not a valid Hazelcast member configuration: "), badMember.getMessage());
        assertFalse(badMember.getMessage().contains("\n"), "one line: " + badMember.getMessage());
        final Path client = Files.writeString(work.resolve("client.xml"),
            "<hazelcast-client xmlns=\"http://www.hazelcast.com/schema/client-config\"><no-such-element/></hazelcast-client>");
        final DsmRegistryException badClient =
            assertThrows(DsmRegistryException.class, () -> ClusterConfigFile.read(client.toString()));
        assertTrue(badClient.getMessage().contains("is not a valid Hazelcast client configuration: "), badClient.getMessage());
        assertFalse(badClient.getMessage().contains("\n"), "one line: " + badClient.getMessage());
    }

    @Test
    void aClientWithoutConnectTimeoutIsBoundedAndTheRootDecidesTheKind() throws Exception
    {
        final Path client = Files.writeString(work.resolve("client.yaml"),
            "hazelcast-client:\n  cluster-name: c\n  network:\n    cluster-members:\n      - 127.0.0.1:1\n");
        final ClusterConfigFile unbounded = ClusterConfigFile.read(client.toString());
        assertTrue(unbounded.isClient());
        assertEquals(ClusterConfigFile.DEFAULT_CONNECT_TIMEOUT_MILLIS, unbounded.connectTimeoutMillis());
        final Path bounded = Files.writeString(work.resolve("bounded.yaml"), "hazelcast-client:\n  connection-strategy:\n" +
            "    connection-retry:\n      cluster-connect-timeout-millis: 1234\n");
        assertEquals(1234, ClusterConfigFile.read(bounded.toString()).connectTimeoutMillis());
        final Path member = Files.writeString(work.resolve("member.xml"),
            "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"><cluster-name>c</cluster-name><network><interfaces " +
            "enabled=\"true\"><interface>127.0.0.1</interface></interfaces><join><multicast enabled=\"false\"/></join></network>" +
            "</hazelcast>");
        assertFalse(ClusterConfigFile.read(member.toString()).isClient());
    }

    @Test
    void listingRefusesAMemberConfiguration() throws Exception
    {
        final Path member = Files.writeString(work.resolve("member.yaml"), "hazelcast:\n  cluster-name: c\n  network:\n    interfaces:\n      enabled: true\n" +
            "      interfaces:\n        - 127.0.0.1\n    join:\n      multicast:\n        enabled: false\n");
        final DsmRegistryException refused =
            assertThrows(DsmRegistryException.class, () -> AgentCluster.list(member.toString()));
        assertTrue(refused.getMessage().contains("is a member configuration; listing needs a client configuration"),
            refused.getMessage());
    }
}
