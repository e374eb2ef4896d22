package io.dsmreg.internal.jmx;

import io.dsmreg.CheckedThread;
import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedLock;
import io.dsmreg.SharedQueue;
import io.dsmreg.jmx.AllocationInfo;
import io.dsmreg.jmx.ProcessInfo;
import io.dsmreg.jmx.RegistryMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import static org.junit.jupiter.api.Assertions.*;

class RegistryMBeansTest
{
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path root;
    DsmRegistry registry;
    ObjectName registryName;

    @BeforeEach
    void open()
    {
        registry = DsmRegistry.open("mbeans", RegistryOptions.defaults().root(root));
        registryName = RegistryMBeans.registryName("mbeans");
    }

    @AfterEach
    void close()
    {
        registry.close();
        assertFalse(SERVER.isRegistered(registryName), "the last handle's close unregisters the MBeans");
        assertTrue(SERVER.queryNames(pattern("io.dsmreg:type=Allocation,registry=mbeans,*"), null).isEmpty());
    }

    @Test
    void aTypedProxyReadsTheRowsBackAsTheirOwnTypes()
    {
        registry.segment("orders.state", 4096);
        registry.registerMBeans();

        final RegistryMXBean proxy = JMX.newMXBeanProxy(SERVER, registryName, RegistryMXBean.class);
        final List<AllocationInfo> rows = proxy.getAllocations();
        assertEquals(1, rows.size());
        assertEquals("orders.state", rows.get(0).getAllocationName());
        assertEquals("segment", rows.get(0).getAllocationType());
        assertEquals(4096L, rows.get(0).getSizeBytes());
        assertEquals(ProcessHandle.current().pid(), rows.get(0).getCreatorPid());
        assertNotNull(rows.get(0).getCreatedAt());
        final List<ProcessInfo> processes = proxy.getAttachedProcesses();
        assertEquals(1, processes.size());
        assertEquals(ProcessHandle.current().pid(), processes.get(0).getPid());
        assertNotNull(processes.get(0).getAttachedAt());
    }

    @Test
    void theRegistryMBeanShowsEveryEntryAsOpenData() throws Exception
    {
        registry.segment("orders.state", 4096);
        registry.segment("orders.flags", 64);
        registry.registerMBeans();

        final CompositeData[] rows = (CompositeData[])SERVER.getAttribute(registryName, "Allocations");
        assertEquals(2, rows.length);
        assertEquals("orders.flags", rows[0].get("allocationName"), "sorted by name");
        assertEquals("segment", rows[0].get("allocationType"));
        assertEquals(64L, rows[0].get("sizeBytes"));
        assertEquals(64L, rows[0].get("usedBytes"));
        assertNull(rows[0].get("entryCount"));
        assertEquals(ProcessHandle.current().pid(), rows[0].get("creatorPid"));
        assertInstanceOf(Date.class, rows[0].get("createdAt"));
        assertEquals(4096L, rows[1].get("sizeBytes"));
        assertEquals(2, SERVER.getAttribute(registryName, "AllocationCount"));
        assertEquals(4160L, SERVER.getAttribute(registryName, "TotalBytes"));
        assertEquals("mbeans", SERVER.getAttribute(registryName, "Name"));

        final CompositeData[] processes = (CompositeData[])SERVER.getAttribute(registryName, "AttachedProcesses");
        assertEquals(1, processes.length);
        assertEquals(ProcessHandle.current().pid(), processes[0].get("pid"));
        assertEquals(1, SERVER.getAttribute(registryName, "AttachedProcessCount"));

        final ObjectName state = new ObjectName("io.dsmreg:type=Allocation,registry=mbeans,allocationType=segment,name=orders.state");
        assertEquals("segment", SERVER.getAttribute(state, "Type"));
        assertEquals(4096L, SERVER.getAttribute(state, "SizeBytes"));
        assertEquals(4096L, SERVER.getAttribute(state, "UsedBytes"));
        assertNull(SERVER.getAttribute(state, "Entries"));
        assertEquals(ProcessHandle.current().pid(), SERVER.getAttribute(state, "CreatorPid"));
        assertEquals(true, SERVER.getAttribute(state, "Initialized"));
        assertNull(SERVER.getAttribute(state, "Lock"), "a segment has no lock state");
        assertNull(SERVER.getAttribute(state, "Queue"), "nor a queue state");
    }

    @Test
    void aQueuesAllocationMBeanShowsItsState() throws Exception
    {
        final SharedQueue queue = registry.queue("orders.events", 1024);
        assertTrue(queue.offer(Codec.LONG, 1L));
        assertTrue(queue.offer(Codec.LONG, 2L));
        // Sent before the MBeans are registered: they list the registry at most every 100 ms.
        try (DsmRegistry.MBeans ignored = registry.registerMBeans())
        {
            final ObjectName name =
                new ObjectName("io.dsmreg:type=Allocation,registry=mbeans,allocationType=queue,name=orders.events");
            assertEquals("queue", SERVER.getAttribute(name, "Type"));
            assertEquals("capacity 1024, 32 bytes waiting (producer at 32, consumer at 0), no consumer, 2 sent, 0 received, " +
                "0 unblocked", SERVER.getAttribute(name, "Queue"));
            assertNull(SERVER.getAttribute(name, "Lock"));
            final CompositeData[] rows = (CompositeData[])SERVER.getAttribute(new ObjectName("io.dsmreg:type=Registry,name=mbeans"),
                "Allocations");
            assertEquals(SERVER.getAttribute(name, "Queue"), rows[0].get("queue"));
        }
    }

    @Test
    void aLocksAllocationMBeanShowsItsState() throws Exception
    {
        final SharedLock lock = registry.lock("orders.lock");
        // Held before the MBeans are registered: they list the registry at most every 100 ms.
        try (SharedLock.Held held = lock.exclusive(); DsmRegistry.MBeans ignored = registry.registerMBeans())
        {
            final ObjectName name = new ObjectName("io.dsmreg:type=Allocation,registry=mbeans,allocationType=lock,name=orders.lock");
            assertEquals("lock", SERVER.getAttribute(name, "Type"));
            final String state = (String)SERVER.getAttribute(name, "Lock");
            assertTrue(state.startsWith("exclusive by pid " + ProcessHandle.current().pid() + " since "), state);
            final CompositeData[] rows = (CompositeData[])SERVER.getAttribute(new ObjectName("io.dsmreg:type=Registry,name=mbeans"),
                "Allocations");
            assertEquals(state, rows[0].get("lock"));
        }
    }

    @Test
    void allocationMBeansAndNotificationsFollowCreationsAndRemovalsByOtherHandles() throws Exception
    {
        registry.registerMBeans();
        final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
        final NotificationListener listener = (notification, handback) -> notifications.add(notification);
        SERVER.addNotificationListener(registryName, listener, null, null);
        final String name = "odd, \"quoted\"=name*";
        final ObjectName allocation = RegistryMBeans.allocationName("mbeans", "segment", name);
        try (DsmRegistry other = DsmRegistry.open("mbeans", RegistryOptions.defaults().root(root)))
        {
            other.segment(name, 128);
            await(() -> SERVER.isRegistered(allocation), "allocation MBean registered");
            final Notification created = notifications.poll(30, TimeUnit.SECONDS);
            assertNotNull(created);
            assertEquals(RegistryMBeans.CREATED, created.getType());
            assertEquals(name, created.getUserData());
            assertEquals(128L, SERVER.getAttribute(allocation, "SizeBytes"));

            assertTrue(other.remove(name));
            await(() -> !SERVER.isRegistered(allocation), "allocation MBean unregistered");
            final Notification removed = notifications.poll(30, TimeUnit.SECONDS);
            assertNotNull(removed);
            assertEquals(RegistryMBeans.REMOVED, removed.getType());
            assertEquals(name, removed.getUserData());
        }
        finally
        {
            SERVER.removeNotificationListener(registryName, listener);
        }
    }

    @Test
    void anEntryStillInitializingHasANullSize() throws Exception
    {
        registry.registerMBeans();
        final CountDownLatch initializing = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        final CheckedThread initializer = CheckedThread.start("initializer", () -> registry.segment("slow", 256, (buffer, arg) ->
        {
            initializing.countDown();
            try
            {
                finish.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, null));
        try
        {
            assertTrue(initializing.await(30, TimeUnit.SECONDS));
            final ObjectName slow = RegistryMBeans.allocationName("mbeans", "segment", "slow");
            await(() -> SERVER.isRegistered(slow), "MBean of the initializing entry");
            final CompositeData[] rows = (CompositeData[])SERVER.getAttribute(registryName, "Allocations");
            assertEquals(1, rows.length);
            assertNull(rows[0].get("sizeBytes"));
            assertNull(rows[0].get("createdAt"));
            assertNull(SERVER.getAttribute(slow, "SizeBytes"));
            assertEquals(false, SERVER.getAttribute(slow, "Initialized"));
        }
        finally
        {
            finish.countDown();
            initializer.join();
        }
    }

    @Test
    void registrationIsSharedPerJvmAndEndsWithItsLastHandle() throws Exception
    {
        registry.segment("a", 8);
        final DsmRegistry.MBeans first = registry.registerMBeans();
        try (DsmRegistry other = DsmRegistry.open("mbeans", RegistryOptions.defaults().root(root)))
        {
            final DsmRegistry.MBeans second = other.registerMBeans();
            assertTrue(SERVER.isRegistered(registryName));
            first.close();
            first.close();
            assertTrue(SERVER.isRegistered(registryName), "still registered for the second user");
            second.close();
            assertFalse(SERVER.isRegistered(registryName));
            assertFalse(SERVER.isRegistered(RegistryMBeans.allocationName("mbeans", "segment", "a")));

            other.registerMBeans();
            assertTrue(SERVER.isRegistered(RegistryMBeans.allocationName("mbeans", "segment", "a")));
        }
        assertTrue(SERVER.isRegistered(registryName), "this test's own handle is still open");
    }

    @Test
    void aRegistryOfTheSameNameUnderAnotherRootIsRefused(@TempDir final Path otherRoot)
    {
        registry.registerMBeans();
        try (DsmRegistry other = DsmRegistry.open("mbeans", RegistryOptions.defaults().root(otherRoot)))
        {
            final Exception ex = assertThrows(DsmRegistryException.class, other::registerMBeans);
            assertTrue(ex.getMessage().contains("registered already"), ex.getMessage());
        }
    }

    private static ObjectName pattern(final String text)
    {
        try
        {
            return new ObjectName(text);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
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
