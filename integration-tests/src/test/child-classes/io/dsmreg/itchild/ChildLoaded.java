package io.dsmreg.itchild;

import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.util.function.Supplier;

/**
 * Compiled by AgentIT into a directory that is not on the child JVM's class path, and loaded there
 * through a URLClassLoader: a class the agent only sees through a class loader the application made.
 */
public final class ChildLoaded implements Supplier<String>
{
    @SharedNamed(value = "child.static", size = 128)
    static AtomicBuffer shared;

    @SharedNamed(value = "child.instance", size = 256)
    private final AtomicBuffer own = null;

    @Override
    public String get()
    {
        if (shared == null || own == null)
        {
            return "static=" + shared + " instance=" + own;
        }
        return "static=" + shared.capacity() + " instance=" + own.capacity() + " count=" + shared.getAndAddLong(0, 1);
    }
}
