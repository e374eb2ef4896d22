package io.dsmreg.bench.startup;

import io.dsmreg.SharedFields;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The start-up benchmark's application with one annotated class; with the argument {@code by-hand}
 * it fills the field with {@link SharedFields} instead of relying on the agent.
 */
public final class AnnotatedApp
{
    @SharedNamed(value = "startup.counter", size = 64)
    static AtomicBuffer counter;

    private AnnotatedApp()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length > 0 && "by-hand".equals(args[0]))
        {
            SharedFields.inject(AnnotatedApp.class);
        }
        System.out.println(counter == null ? "unset" : "count " + counter.getAndAddLong(0, 1));
    }
}
