package io.dsmreg.internal.jmx;

import io.dsmreg.DsmRegistry;
import io.dsmreg.RegistryOptions;
import io.dsmreg.jmx.AllocationMXBean;
import io.dsmreg.jmx.Description;
import io.dsmreg.jmx.RegistryMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeType;

import static org.junit.jupiter.api.Assertions.*;

/** What JMX clients learn about the MBeans from their MBeanInfo and names, and what they read once the registry is removed. */
class MBeanInfoTest
{
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    /** The attributes that are sizes in bytes, and so carry the unit. */
    private static final Set<String> SIZES = Set.of("TotalBytes", "UsedBytes", "SizeBytes");

    @TempDir
    Path root;
    DsmRegistry registry;
    ObjectName registryName;

    @BeforeEach
    void open()
    {
        registry = DsmRegistry.open("described", RegistryOptions.defaults().root(root));
        registryName = RegistryMBeans.registryName("described");
    }

    @AfterEach
    void close()
    {
        registry.close();
    }

    @Test
    void everyAttributeOfBothMBeansHasADescriptionAndSizesCarryTheirUnit() throws Exception
    {
        registry.segment("orders.state", 4096);
        registry.registerMBeans();

        final MBeanInfo registryInfo = SERVER.getMBeanInfo(registryName);
        final MBeanInfo allocationInfo =
            SERVER.getMBeanInfo(RegistryMBeans.allocationName("described", "segment", "orders.state"));
        assertEquals(RegistryMXBean.class.getAnnotation(Description.class).value(), registryInfo.getDescription());
        assertEquals(AllocationMXBean.class.getAnnotation(Description.class).value(), allocationInfo.getDescription());
        assertTrue(registryInfo.getDescription().startsWith("A registry of named shared memory"), registryInfo.getDescription());
        assertEquals(12, registryInfo.getAttributes().length, "every attribute of RegistryMXBean");
        assertEquals(10, allocationInfo.getAttributes().length, "every attribute of AllocationMXBean");
        for (final MBeanInfo info : List.of(registryInfo, allocationInfo))
        {
            for (final MBeanAttributeInfo attribute : info.getAttributes())
            {
                final String description = attribute.getDescription();
                assertTrue(description.length() > attribute.getName().length() + 10 && !description.equals(attribute.getName()),
                    attribute.getName() + " is described: " + description);
                final Object units = attribute.getDescriptor().getFieldValue("units");
                assertEquals(SIZES.contains(attribute.getName()) ? "bytes" : null, units, "units of " + attribute.getName());
                assertNotNull(attribute.getDescriptor().getFieldValue("openType"), "still open-typed: " + attribute.getName());
            }
            assertEquals(0, info.getOperations().length);
        }
        assertEquals("true", registryInfo.getDescriptor().getFieldValue("mxbean"));
        assertEquals(2, registryInfo.getNotifications()[0].getNotifTypes().length, "the registry MBean still announces its notifications");
        assertEquals(0, allocationInfo.getNotifications().length, "an allocation MBean sends none");
    }

    @Test
    void theAllocationTableListsNameAndTypeFirstInTheOrderJConsoleShows() throws Exception
    {
        registry.segment("orders.state", 4096);
        registry.registerMBeans();

        final MBeanAttributeInfo allocations = List.of(SERVER.getMBeanInfo(registryName).getAttributes()).stream()
            .filter(attribute -> attribute.getName().equals("Allocations")).findFirst().orElseThrow();
        final ArrayType<?> type = (ArrayType<?>)allocations.getDescriptor().getFieldValue("openType");
        final CompositeType row = (CompositeType)type.getElementOpenType();
        // JConsole shows a record's items in the order of keySet(), which a CompositeType keeps sorted.
        assertEquals(List.of("allocationName", "allocationType"), row.keySet().stream().limit(2).toList(), row.keySet().toString());
        final CompositeData[] rows = (CompositeData[])SERVER.getAttribute(registryName, "Allocations");
        assertEquals(List.of("allocationName", "allocationType"), rows[0].getCompositeType().keySet().stream().limit(2).toList());
        assertEquals("orders.state", rows[0].get("allocationName"));
        assertEquals("segment", rows[0].get("allocationType"));
    }

    @Test
    void allocationNamesAreQuotedOnlyWhenTheyMustBe() throws Exception
    {
        final List<String> plain = List.of("orders.state", "with space", "back\\slash", "unicode-\u00fc\u4e2d", "a/b<c>d%e");
        final List<String> quoted = List.of("comma,name", "equals=name", "colon:name", "quote\"name", "star*", "question?", "line\nbreak");
        for (final String name : plain)
        {
            final ObjectName objectName = RegistryMBeans.allocationName("described", "segment", name);
            assertEquals(name, objectName.getKeyProperty("name"), "unquoted: " + objectName);
            assertFalse(objectName.isPattern());
        }
        for (final String name : quoted)
        {
            final ObjectName objectName = RegistryMBeans.allocationName("described", "segment", name);
            assertEquals(ObjectName.quote(name), objectName.getKeyProperty("name"), "quoted: " + objectName);
            assertEquals(name, ObjectName.unquote(objectName.getKeyProperty("name")));
            assertFalse(objectName.isPattern());
        }
        registry.segment("with space", 8);
        registry.segment("comma,name", 8);
        registry.registerMBeans();
        final String segments = "io.dsmreg:type=Allocation,registry=described,allocationType=segment,name=";
        assertTrue(SERVER.isRegistered(new ObjectName(segments + "with space")));
        assertTrue(SERVER.isRegistered(new ObjectName(segments + "\"comma,name\"")));
    }

    @Test
    void aRemovedRegistrySaysSoAndReportsNoEntriesInsteadOfItsOldTotals() throws Exception
    {
        registry.segment("orders.state", 4096);
        registry.registerMBeans();
        final ObjectName allocation = RegistryMBeans.allocationName("described", "segment", "orders.state");
        final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
        final NotificationListener listener = (notification, handback) -> notifications.add(notification);
        SERVER.addNotificationListener(registryName, listener, null, null);
        try
        {
            assertEquals(false, SERVER.getAttribute(registryName, "Removed"));
            assertEquals(4096L, SERVER.getAttribute(registryName, "TotalBytes"));

            // What `dsmreg remove --force` does to the table of a registry this process holds (the CLI's own
            // run is RemovedRegistryIT's): the file is unlinked, the mapping stays.
            Files.delete(registry.directory().resolve("registry.dat"));

            final Notification removed = notifications.poll(30, TimeUnit.SECONDS);
            assertNotNull(removed, "the entry's removal is announced");
            assertEquals(RegistryMBeans.REMOVED, removed.getType());
            assertEquals("orders.state", removed.getUserData());
            assertEquals(true, SERVER.getAttribute(registryName, "Removed"));
            assertEquals(0L, SERVER.getAttribute(registryName, "TotalBytes"));
            assertEquals(0L, SERVER.getAttribute(registryName, "UsedBytes"));
            assertEquals(0, SERVER.getAttribute(registryName, "AllocationCount"));
            assertEquals(0, ((CompositeData[])SERVER.getAttribute(registryName, "Allocations")).length);
            assertEquals(0, SERVER.getAttribute(registryName, "AttachedProcessCount"));
            assertFalse(SERVER.isRegistered(allocation));
            assertEquals("described", SERVER.getAttribute(registryName, "Name"), "what was removed is still named");
        }
        finally
        {
            SERVER.removeNotificationListener(registryName, listener);
        }
    }

    /** An interface with an operation, which neither dsmreg MBean has yet. */
    @Description("A bean with an operation")
    public interface OperationMXBean
    {
        @Description("Resets the counter to the given value")
        void reset(int value);

        @Description("The counter")
        int getCount();
    }

    @Test
    void operationsAreDescribedToo() throws Exception
    {
        final OperationMXBean bean = new OperationMXBean()
        {
            @Override
            public void reset(final int value)
            {
            }

            @Override
            public int getCount()
            {
                return 0;
            }
        };
        final ObjectName name = new ObjectName("io.dsmreg.test:type=Operation");
        SERVER.registerMBean(new DescribedMXBean<>(bean, OperationMXBean.class, new NotificationBroadcasterSupport()), name);
        try
        {
            final MBeanInfo info = SERVER.getMBeanInfo(name);
            assertEquals("A bean with an operation", info.getDescription());
            final MBeanOperationInfo operation = info.getOperations()[0];
            assertEquals("reset", operation.getName());
            assertEquals("Resets the counter to the given value", operation.getDescription());
            assertEquals("The counter", info.getAttributes()[0].getDescription());
        }
        finally
        {
            SERVER.unregisterMBean(name);
        }
    }
}
