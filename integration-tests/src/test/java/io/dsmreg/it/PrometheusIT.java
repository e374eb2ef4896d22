package io.dsmreg.it;

import io.dsmreg.jmx.AllocationMXBean;
import io.dsmreg.jmx.Description;
import io.dsmreg.jmx.RegistryMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Prometheus' real JMX exporter (jmx_prometheus_javaagent 1.0.1, from Maven Central) as a Java agent
 * beside dsmreg's, in a JVM that makes no dsmreg call: scraped over HTTP on the loopback address, with
 * the rules docs/observability.md gives (read from that file) and with the exporter's default
 * configuration.
 */
class PrometheusIT
{
    private static final String REGISTRY = "prom";
    private static final int PORT_ATTEMPTS = 5;

    @TempDir
    Path work;

    private Path root()
    {
        return work.resolve("root");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void theDocumentedRulesNameTheMetricsByPrometheusConventionsWithTheDescriptionsAsHelp(final Path jdk) throws Exception
    {
        final Path config = Files.writeString(work.resolve("dsmreg.yaml"), documentedRules());
        final String scrape = scrape(jdk, config, List.of(
            "dsmreg_allocation_size_bytes{allocation=\"odd,name\",registry=\"prom\",type=\"segment\"}",
            "dsmreg_allocation_size_bytes{allocation=\"prom.index\",registry=\"prom\",type=\"hash\"}",
            "dsmreg_allocation_size_bytes{allocation=\"prom.state\",registry=\"prom\",type=\"segment\"}"));

        final long state = sample(scrape, "dsmreg_allocation_size_bytes{allocation=\"prom.state\",registry=\"prom\",type=\"segment\"}");
        final long odd = sample(scrape, "dsmreg_allocation_size_bytes{allocation=\"odd,name\",registry=\"prom\",type=\"segment\"}");
        final long index = sample(scrape, "dsmreg_allocation_size_bytes{allocation=\"prom.index\",registry=\"prom\",type=\"hash\"}");
        assertEquals(4096, state);
        assertEquals(64, odd, "a name the ObjectName quotes loses its quotes in the label");
        assertTrue(index > 0, scrape);
        assertEquals(state + odd + index, sample(scrape, "dsmreg_registry_total_bytes{registry=\"prom\"}"));
        assertEquals(4096, sample(scrape, "dsmreg_allocation_used_bytes{allocation=\"prom.state\",registry=\"prom\",type=\"segment\"}"));
        assertEquals(10, sample(scrape, "dsmreg_allocation_entries{allocation=\"prom.index\",registry=\"prom\",type=\"hash\"}"));
        assertEquals(1, sample(scrape, "dsmreg_allocation_initialized{allocation=\"prom.state\",registry=\"prom\",type=\"segment\"}"));
        assertEquals(3, sample(scrape, "dsmreg_registry_allocations{registry=\"prom\"}"));
        assertEquals(1, sample(scrape, "dsmreg_registry_attached_processes{registry=\"prom\"}"), "the host alone; the creator exited");
        assertEquals(0, sample(scrape, "dsmreg_registry_removed{registry=\"prom\"}"));
        assertTrue(sample(scrape, "dsmreg_registry_used_bytes{registry=\"prom\"}") >= state + odd, scrape);
        assertTrue(sample(scrape, "dsmreg_registry_capacity{registry=\"prom\"}") > 0, scrape);

        assertHelp(scrape, "dsmreg_registry_total_bytes", RegistryMXBean.class, "getTotalBytes");
        assertHelp(scrape, "dsmreg_registry_used_bytes", RegistryMXBean.class, "getUsedBytes");
        assertHelp(scrape, "dsmreg_registry_allocations", RegistryMXBean.class, "getAllocationCount");
        assertHelp(scrape, "dsmreg_registry_attached_processes", RegistryMXBean.class, "getAttachedProcessCount");
        assertHelp(scrape, "dsmreg_allocation_size_bytes", AllocationMXBean.class, "getSizeBytes");
        assertHelp(scrape, "dsmreg_allocation_entries", AllocationMXBean.class, "getEntries");
        assertTrue(scrape.contains("# TYPE dsmreg_registry_total_bytes gauge\n"), scrape);
        for (final String line : dsmregLines(scrape))
        {
            assertTrue(line.startsWith("dsmreg_") && !line.contains("\\\""), "named by the rules, no quotes in labels: " + line);
        }
    }

    @Test
    void underTheExportersDefaultConfigurationPlainNamesCarryNoQuotes() throws Exception
    {
        final Path config = Files.writeString(work.resolve("default.yaml"), "{}\n");
        final String scrape = scrape(Jvm.current(), config, List.of(
            "io_dsmreg_Allocation_SizeBytes{allocationType=\"segment\",name=\"\\\"odd,name\\\"\",registry=\"prom\"}",
            "io_dsmreg_Allocation_SizeBytes{allocationType=\"hash\",name=\"prom.index\",registry=\"prom\"}",
            "io_dsmreg_Allocation_SizeBytes{allocationType=\"segment\",name=\"prom.state\",registry=\"prom\"}"));

        assertEquals(4096, sample(scrape, "io_dsmreg_Allocation_SizeBytes{allocationType=\"segment\",name=\"prom.state\",registry=\"prom\"}"));
        assertEquals(10, sample(scrape, "io_dsmreg_Allocation_Entries{allocationType=\"hash\",name=\"prom.index\",registry=\"prom\"}"));
        // Only a name that an ObjectName cannot hold unquoted keeps its quotes, escaped, in the default label.
        assertEquals(64, sample(scrape, "io_dsmreg_Allocation_SizeBytes{allocationType=\"segment\",name=\"\\\"odd,name\\\"\",registry=\"prom\"}"));
        assertHelp(scrape, "io_dsmreg_Registry_TotalBytes", RegistryMXBean.class, "getTotalBytes");
    }

    /** The yaml block of docs/observability.md's Prometheus section, as a user copies it. */
    private static String documentedRules() throws Exception
    {
        final String doc = Files.readString(Path.of(System.getProperty("dsmreg.docs", "../docs")).resolve("observability.md"));
        final int section = doc.indexOf("### Prometheus (jmx_exporter)");
        assertTrue(section >= 0, "docs/observability.md has a Prometheus section");
        final int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    /**
     * Creates the entries from another process, starts the host with both agents and returns the first
     * scrape that holds a sample of every {@code expected} series: the agent registers its MBeans on its
     * own thread, after start-up, the registry's first and then one per entry.
     */
    private String scrape(final Path jdk, final Path config, final List<String> expected) throws Exception
    {
        final Jvm.Result created = Children.run(jdk, work, VisibilityChild.class, root().toString(), REGISTRY, "create",
            "segment:prom.state:4096", "segment:odd,name:64", "hash:prom.index:10");
        assertEquals(0, created.exitCode(), created.output());
        for (int attempt = 1; ; attempt++)
        {
            final int port = freePort();
            final Path output = work.resolve("host-" + attempt + ".out");
            final Process host = Jvm.start(jdk, output, List.of(Jvm.AGRONA_FLAG,
                "-javaagent:" + exporterJar() + "=127.0.0.1:" + port + ":" + config,
                "-javaagent:" + Jvm.agentJar() + "=registry=" + REGISTRY + ",dir=" + root() + ",jmx=0"), AgentJmxApp.class);
            try
            {
                Children.awaitLine(output, "ready", host);
                return awaitScrape(port, expected, host, output);
            }
            catch (final AssertionError ex)
            {
                // Another process took the port between our probe and the exporter's bind: try another.
                if (attempt == PORT_ATTEMPTS || !Files.readString(output).contains("BindException"))
                {
                    throw ex;
                }
            }
            finally
            {
                Children.stop(host);
            }
        }
    }

    private static String awaitScrape(final int port, final List<String> expected, final Process host, final Path output)
        throws Exception
    {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(30)).build();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline && host.isAlive())
        {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            last = response.body();
            final String scrape = "\n" + last;
            if (expected.stream().allMatch(series -> scrape.contains("\n" + series + " ")))
            {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
            "not all of " + expected + " in the scrape; host output:\n" + Files.readString(output) + "\nlast scrape:\n" + last);
    }

    /** The value of the sample {@code series} (a name with its labels, as the exporter writes them). */
    private static long sample(final String scrape, final String series)
    {
        for (final String line : scrape.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + String.join("\n", dsmregLines(scrape)));
    }

    /** The metric's HELP line starts with the attribute's {@link Description}. */
    private static void assertHelp(final String scrape, final String metric, final Class<?> mbean, final String getter)
        throws Exception
    {
        final String description = mbean.getMethod(getter).getAnnotation(Description.class).value();
        assertTrue(scrape.contains("# HELP " + metric + " " + description), "HELP of " + metric + " is \"" + description +
            "\":\n" + String.join("\n", dsmregLines(scrape)));
    }

    private static List<String> dsmregLines(final String scrape)
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : scrape.split("\n"))
        {
            if (!line.startsWith("#") && line.contains("dsmreg"))
            {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Path exporterJar()
    {
        final Path jar = Path.of(System.getProperty("jmx.exporter.jar", ""));
        assertTrue(Files.isRegularFile(jar), "the exporter's jar (system property jmx.exporter.jar, set by the pom): " + jar);
        return jar;
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
