package io.dsmreg.it;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JMX client that knows nothing of dsmreg, the way JConsole and VisualVM connect: the tests copy
 * this one class into a directory of its own and run it with only that directory on the class
 * path, so every value it reads must be an open type. It must not refer to any dsmreg class.
 * <p>
 * {@code JmxClient <attach:PID | remote:PORT> <registry> <step>...}, steps:
 * {@code table}, {@code listen}, {@code await-notification:TYPE:NAME}, {@code await-mbean:NAME:present|absent},
 * {@code scalars:NAME}, {@code attribute:NAME:ATTRIBUTE}, {@code registry-scalars}, {@code await-removed},
 * {@code await-file:PATH}, {@code count} (of every {@code io.dsmreg} MBean). Prints {@code key=value} lines; exits 4
 * on a timeout.
 */
public final class JmxClient
{
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private JmxClient()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        print("dsmregVisible=" + visible("io.dsmreg.DsmRegistry"));
        print("agronaVisible=" + visible("org.agrona.DirectBuffer"));
        final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
        try (JMXConnector connector = connect(args[0]))
        {
            final MBeanServerConnection server = connector.getMBeanServerConnection();
            final String registry = args[1];
            final ObjectName registryName = new ObjectName("io.dsmreg:type=Registry,name=" + registry);
            for (int i = 2; i < args.length; i++)
            {
                final String[] step = args[i].split(":", 3);
                switch (step[0])
                {
                    case "table" -> table(server, registryName);
                    case "listen" ->
                    {
                        server.addNotificationListener(registryName, (notification, handback) -> notifications.add(notification),
                            null, null);
                        print("listening");
                    }
                    case "await-notification" -> awaitNotification(notifications, step[1], step[2]);
                    case "await-mbean" -> awaitMBean(server, registry, step[1], step[2].equals("present"));
                    case "scalars" -> scalars(server, allocation(server, registry, step[1]));
                    case "attribute" -> print(step[2] + "=" + server.getAttribute(allocation(server, registry, step[1]), step[2]));
                    case "registry-scalars" -> registryScalars(server, registryName);
                    case "await-removed" -> awaitRemoved(server, registryName);
                    case "await-file" -> awaitFile(Path.of(args[i].substring("await-file:".length())));
                    case "count" -> print("dsmregMBeans=" + server.queryNames(new ObjectName("io.dsmreg:*"), null).size());
                    default -> throw new IllegalArgumentException("unknown step " + args[i]);
                }
            }
        }
        print("done");
    }

    private static JMXConnector connect(final String target) throws Exception
    {
        final String[] parts = target.split(":", 2);
        if (parts[0].equals("attach"))
        {
            final VirtualMachine vm = VirtualMachine.attach(parts[1]);
            try
            {
                return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            }
            finally
            {
                vm.detach();
            }
        }
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + parts[1] + "/jmxrmi"));
    }

    private static void table(final MBeanServerConnection server, final ObjectName registry) throws Exception
    {
        for (final CompositeData row : (CompositeData[])server.getAttribute(registry, "Allocations"))
        {
            print("row=" + row.get("allocationName") + "|" + row.get("allocationType") + "|" + row.get("sizeBytes") + "|" +
                row.get("usedBytes") + "|" + row.get("entryCount") + "|" + row.get("creatorPid") + "|" + (row.get("createdAt") != null));
        }
        print("allocationCount=" + server.getAttribute(registry, "AllocationCount"));
        print("totalBytes=" + server.getAttribute(registry, "TotalBytes"));
        final StringBuilder pids = new StringBuilder();
        for (final CompositeData process : (CompositeData[])server.getAttribute(registry, "AttachedProcesses"))
        {
            pids.append(pids.length() == 0 ? "" : ",").append(process.get("pid"));
        }
        print("attachedPids=" + pids);
    }

    private static void scalars(final MBeanServerConnection server, final ObjectName allocation) throws Exception
    {
        for (final String attribute : new String[] {"Type", "SizeBytes", "UsedBytes", "Entries", "CreatorPid", "Initialized"})
        {
            print(attribute + "=" + server.getAttribute(allocation, attribute));
        }
    }

    private static void awaitNotification(final BlockingQueue<Notification> notifications, final String type, final String name)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (true)
        {
            final Notification notification = notifications.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (notification == null)
            {
                timeout("a notification " + type + " for " + name);
            }
            else if (notification.getType().equals(type) && name.equals(notification.getUserData()))
            {
                print("notification=" + type + " " + name + " " + notification.getMessage());
                return;
            }
        }
    }

    private static void awaitMBean(final MBeanServerConnection server, final String registry, final String name,
        final boolean present) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        ObjectName found;
        while (((found = allocation(server, registry, name)) != null) != present)
        {
            if (System.nanoTime() > deadline)
            {
                timeout("the MBean of " + name + (present ? " to appear" : " to disappear"));
            }
            Thread.sleep(20);
        }
        print("mbean=" + (present ? found.getKeyProperty("name") : name) + " " + (present ? "present" : "absent"));
    }

    private static void registryScalars(final MBeanServerConnection server, final ObjectName registry) throws Exception
    {
        for (final String attribute : new String[] {"Removed", "AllocationCount", "TotalBytes", "UsedBytes", "AttachedProcessCount"})
        {
            print(attribute + "=" + server.getAttribute(registry, attribute));
        }
    }

    private static void awaitRemoved(final MBeanServerConnection server, final ObjectName registry) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (!Boolean.TRUE.equals(server.getAttribute(registry, "Removed")))
        {
            if (System.nanoTime() > deadline)
            {
                timeout(registry + " to say Removed=true");
            }
            Thread.sleep(20);
        }
        print("removed=true");
    }

    private static void awaitFile(final Path file) throws InterruptedException
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (!Files.exists(file))
        {
            if (System.nanoTime() > deadline)
            {
                timeout(file.toString());
            }
            Thread.sleep(20);
        }
    }

    /** The allocation MBean of the entry {@code name}; null if none. Its ObjectName holds the type, and quotes the name only if it must. */
    private static ObjectName allocation(final MBeanServerConnection server, final String registry, final String name)
        throws Exception
    {
        final ObjectName pattern = new ObjectName("io.dsmreg:type=Allocation,registry=" + registry + ",*");
        for (final ObjectName candidate : server.queryNames(pattern, null))
        {
            final String value = candidate.getKeyProperty("name");
            if (name.equals(value.startsWith("\"") ? ObjectName.unquote(value) : value))
            {
                return candidate;
            }
        }
        return null;
    }

    private static boolean visible(final String className)
    {
        try
        {
            Class.forName(className);
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    private static void timeout(final String what)
    {
        print("timeout=waited 60 s for " + what);
        System.exit(4);
    }

    private static void print(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
