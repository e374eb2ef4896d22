package io.dsmreg.micrometer;

import io.dsmreg.DsmRegistry;
import io.dsmreg.HashParams;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedHash;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

class DsmRegistryMetricsTest
{
    @TempDir
    Path root;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DsmRegistryMetrics metrics;

    private RegistryOptions options()
    {
        return RegistryOptions.defaults().root(root);
    }

    @AfterEach
    void closeMetrics()
    {
        if (metrics != null)
        {
            metrics.close();
        }
    }

    private double registryGauge(final String name)
    {
        return meters.get(name).tag("registry", "shop").gauge().value();
    }

    private Gauge entryGauge(final String name, final String allocation, final String type)
    {
        return meters.get(name).tags("registry", "shop", "allocation", allocation, "type", type).gauge();
    }

    @Test
    void theGaugesShowTheRegistrysFiguresWithUnitsAndDescriptions()
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("shop.state", 4096);
            final SharedHash hash = registry.hash("shop.index", HashParams.of(8, 16));
            for (long key = 0; key < 5; key++)
            {
                hash.findOrInsert(key).close();
            }
            metrics = new DsmRegistryMetrics("shop", options());
            metrics.bindTo(meters);

            final double hashSize = entryGauge("dsmreg.allocation.size", "shop.index", "hash").value();
            assertTrue(hashSize > 0);
            assertEquals(4096, entryGauge("dsmreg.allocation.size", "shop.state", "segment").value());
            assertEquals(4096, entryGauge("dsmreg.allocation.used", "shop.state", "segment").value());
            assertEquals(5, entryGauge("dsmreg.allocation.entries", "shop.index", "hash").value());
            assertTrue(Double.isNaN(entryGauge("dsmreg.allocation.entries", "shop.state", "segment").value()), "a segment has no entries");
            assertEquals(4096 + hashSize, registryGauge("dsmreg.registry.total"));
            assertEquals(2, registryGauge("dsmreg.registry.allocations"));
            assertEquals(1, registryGauge("dsmreg.registry.attached.processes"), "this test's handle; the binder never attaches");
            assertEquals(registry.entries().size(), registryGauge("dsmreg.registry.allocations"));
            assertTrue(registryGauge("dsmreg.registry.capacity") >= 2);
            assertEquals(0, registryGauge("dsmreg.registry.removed"));

            final Meter.Id total = meters.get("dsmreg.registry.total").gauge().getId();
            assertEquals("bytes", total.getBaseUnit());
            assertEquals("Bytes reserved by the registry's entries", total.getDescription());
            assertEquals("bytes", meters.get("dsmreg.allocation.size").gauges().iterator().next().getId().getBaseUnit());
            assertNull(meters.get("dsmreg.registry.allocations").gauge().getId().getBaseUnit());
        }
    }

    @Test
    void entriesOfOtherHandlesGetGaugesAndLoseThemWhenRemoved() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            metrics = new DsmRegistryMetrics("shop", options());
            metrics.bindTo(meters);
            assertEquals(0, registryGauge("dsmreg.registry.allocations"));

            registry.segment("late", 128);
            await(() -> meters.find("dsmreg.allocation.size").tag("allocation", "late").gauge() != null, "the new entry's gauge");
            assertEquals(128, entryGauge("dsmreg.allocation.size", "late", "segment").value());
            assertEquals(1, registryGauge("dsmreg.registry.allocations"), "totals follow at once");

            assertTrue(registry.remove("late"));
            await(() -> meters.find("dsmreg.allocation.size").tag("allocation", "late").gauge() == null, "the removed entry's gauge gone");
            assertEquals(0, registryGauge("dsmreg.registry.total"));
        }
    }

    @Test
    void aRegistryThatDoesNotExistReadsZeroCreatesNothingAndIsFollowedOnceCreated() throws Exception
    {
        metrics = new DsmRegistryMetrics("shop", options());
        metrics.bindTo(meters);
        assertEquals(0, registryGauge("dsmreg.registry.allocations"));
        assertEquals(0, registryGauge("dsmreg.registry.removed"), "never seen is not removed");
        try (var files = Files.list(root))
        {
            assertEquals(0, files.count(), "the binder created nothing");
        }
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
            await(() -> meters.find("dsmreg.allocation.size").tag("allocation", "a").gauge() != null, "the entry's gauge");
            assertEquals(64, registryGauge("dsmreg.registry.total"));
        }
    }

    @Test
    void aRemovedRegistryReadsRemovedAndZeroAndItsSuccessorIsFollowed() throws Exception
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
        }
        metrics = new DsmRegistryMetrics("shop", options());
        metrics.bindTo(meters);
        assertEquals(64, registryGauge("dsmreg.registry.total"));

        assertTrue(DsmRegistry.removeRegistry("shop", options(), false));
        assertEquals(1, registryGauge("dsmreg.registry.removed"));
        assertEquals(0, registryGauge("dsmreg.registry.total"), "not the old figure");
        assertEquals(0, registryGauge("dsmreg.registry.allocations"));
        await(() -> meters.find("dsmreg.allocation.size").tag("allocation", "a").gauge() == null, "the removed entry's gauge gone");

        try (DsmRegistry again = DsmRegistry.open("shop", options()))
        {
            again.segment("b", 32);
            assertEquals(0, registryGauge("dsmreg.registry.removed"), "a registry of the name exists again");
            assertEquals(32, registryGauge("dsmreg.registry.total"));
            await(() -> meters.find("dsmreg.allocation.size").tag("allocation", "b").gauge() != null, "the new registry's entry");
        }
    }

    @Test
    void closeRemovesEveryGaugeAndAClosedBinderRefusesToBind()
    {
        try (DsmRegistry registry = DsmRegistry.open("shop", options()))
        {
            registry.segment("a", 64);
            metrics = new DsmRegistryMetrics("shop", options());
            metrics.bindTo(meters);
            final SimpleMeterRegistry second = new SimpleMeterRegistry();
            metrics.bindTo(second);
            assertEquals(64, second.get("dsmreg.allocation.size").tag("allocation", "a").gauge().value());
            assertFalse(meters.getMeters().isEmpty());

            metrics.close();
            assertEquals(List.of(), meters.getMeters());
            assertEquals(List.of(), second.getMeters());
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> metrics.bindTo(meters));
            assertTrue(ex.getMessage().contains("create a new DsmRegistryMetrics"), ex.getMessage());
        }
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(10);
        }
    }
}
