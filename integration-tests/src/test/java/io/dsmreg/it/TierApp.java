package io.dsmreg.it;

import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

/**
 * An application with one {@code @SharedNamed} field that names no registry, run with the agent by
 * {@link DefaultsIT}: where its segment lands shows which registry and root the agent chose.
 */
public final class TierApp
{
    static final String FIELD = "tier.state";

    @SharedNamed(value = FIELD, size = 64)
    static AtomicBuffer state;

    private TierApp()
    {
    }

    public static void main(final String[] args)
    {
        System.out.println("capacity=" + state.capacity());
    }
}
