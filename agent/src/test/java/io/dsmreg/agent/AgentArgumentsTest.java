package io.dsmreg.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AgentArgumentsTest
{
    @Test
    void withoutArgumentsEverythingIsDefaultAndMBeansComeAfterTwoSeconds()
    {
        final AgentArguments parsed = AgentArguments.parse(null);
        assertNull(parsed.registry);
        assertNull(parsed.root);
        assertFalse(parsed.debug);
        assertEquals(AgentArguments.DEFAULT_JMX_DELAY_MILLIS, parsed.jmxDelayMillis);
        assertEquals(2000, parsed.jmxDelayMillis);
        assertEquals(List.of(), parsed.problems);
    }

    @Test
    void everyArgumentIsRead()
    {
        final AgentArguments parsed = AgentArguments.parse(" registry=orders , dir=/tmp/x,cluster=conf/hz.yaml,jmx=0,log=debug");
        assertEquals("orders", parsed.registry);
        assertEquals("/tmp/x", parsed.root);
        assertEquals("conf/hz.yaml", parsed.cluster);
        assertNull(AgentArguments.parse("registry=orders").cluster, "host-local unless cluster= is given");
        assertNull(AgentArguments.parse("cluster=").cluster, "an empty cluster= is ignored");
        assertEquals(0, parsed.jmxDelayMillis);
        assertTrue(parsed.debug);
        assertEquals(AgentArguments.JMX_OFF, AgentArguments.parse("jmx=off").jmxDelayMillis);
        assertEquals(15_000, AgentArguments.parse("jmx=15000").jmxDelayMillis);
    }

    @Test
    void aJmxValueThatIsNoDelayIsReportedAndTheDefaultKept()
    {
        for (final String bad : new String[] {"jmx=", "jmx=-1", "jmx=2s", "jmx=on", "jmx=1234567890123456789", "jmx"})
        {
            final AgentArguments parsed = AgentArguments.parse(bad);
            assertEquals(AgentArguments.DEFAULT_JMX_DELAY_MILLIS, parsed.jmxDelayMillis, bad);
            assertEquals(List.of("ignoring the argument \"" + bad + "\": jmx takes a delay in milliseconds or off (the default, " +
                "2000 ms, applies); the agent takes registry=NAME, dir=PATH, cluster=FILE, jmx=DELAY_MS or jmx=off, and log=debug, " +
                "separated by commas"), parsed.problems);
        }
    }

    @Test
    void unknownKeysAndBadLogLevelsAreReportedOneEach()
    {
        final AgentArguments parsed = AgentArguments.parse("colour=blue,log=loud,registry=orders");
        assertEquals("orders", parsed.registry);
        assertEquals(2, parsed.problems.size(), parsed.problems.toString());
        assertTrue(parsed.problems.get(0).startsWith("ignoring the argument \"colour=blue\"; the agent takes"), parsed.problems.get(0));
        assertTrue(parsed.problems.get(1).startsWith("ignoring the argument \"log=loud\": log takes debug or info;"),
            parsed.problems.get(1));
    }

    @Test
    void aRegistryOrDirWithoutValueIsKeptEmptySoThatItIsRefusedRatherThanReplacedByTheDefault()
    {
        final AgentArguments bare = AgentArguments.parse("registry,dir");
        assertEquals("", bare.registry);
        assertEquals("", bare.root);
        final AgentArguments empty = AgentArguments.parse("registry= ,dir=");
        assertEquals("", empty.registry);
        assertEquals("", empty.root);
        assertEquals(List.of(), empty.problems, "refused by the settings check, which names the setting");
    }
}
