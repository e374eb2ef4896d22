package io.dsmreg.agent;

import org.junit.jupiter.api.Test;

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
    void aJmxValueThatIsNoDelayIsIgnoredAndTheDefaultKept()
    {
        for (final String bad : new String[] {"jmx=", "jmx=-1", "jmx=2s", "jmx=on", "jmx=1234567890123456789", "jmx"})
        {
            assertEquals(AgentArguments.DEFAULT_JMX_DELAY_MILLIS, AgentArguments.parse(bad).jmxDelayMillis, bad);
        }
    }
}
