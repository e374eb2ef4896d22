package io.dsmreg.micrometer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real Spring Boot 3.5 application with Actuator and Spring MVC, on 127.0.0.1 and a port of the
 * system's choosing, that declares the binder as a {@code @Bean}, as docs/observability.md shows: its
 * gauges appear under {@code /actuator/metrics}, read over HTTP.
 */
class SpringBootActuatorTest
{
    @TempDir
    Path root;

    /** The application: nothing but the binder's bean, the way a user adds it. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application
    {
        @Bean
        DsmRegistryMetrics dsmregMetrics(@Value("${test.dsmreg.root}") final String root)
        {
            return new DsmRegistryMetrics("boot", RegistryOptions.defaults().root(Path.of(root)));
        }
    }

    @Test
    void theBindersGaugesShowUpUnderActuatorMetrics() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("boot", RegistryOptions.defaults().root(root)))
        {
            registry.segment("boot.state", 4096);
            registry.segment("boot.flags", 64);
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .properties(
                    "server.address=127.0.0.1",
                    "server.port=0",
                    "management.endpoints.web.exposure.include=metrics",
                    "spring.main.banner-mode=off",
                    "logging.level.root=warn",
                    "test.dsmreg.root=" + root)
                .run())
            {
                final String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/actuator/metrics";
                final JsonNode names = get(base).get("names");
                assertTrue(names.toString().contains("\"dsmreg.registry.total\""), names.toString());

                final JsonNode total = get(base + "/dsmreg.registry.total");
                assertEquals("bytes", total.get("baseUnit").asText());
                assertEquals("Bytes reserved by the registry's entries", total.get("description").asText());
                assertEquals(4160.0, total.get("measurements").get(0).get("value").asDouble());
                assertEquals(2.0, get(base + "/dsmreg.registry.allocations").get("measurements").get(0).get("value").asDouble());

                final JsonNode state = get(base + "/dsmreg.allocation.size?tag=allocation:boot.state");
                assertEquals(4096.0, state.get("measurements").get(0).get("value").asDouble());
                assertEquals(4160.0, get(base + "/dsmreg.allocation.size").get("measurements").get(0).get("value").asDouble(),
                    "Actuator adds up the entries without a tag");
            }
        }
    }

    private static JsonNode get(final String url) throws Exception
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return new ObjectMapper().readTree(response.body());
    }
}
