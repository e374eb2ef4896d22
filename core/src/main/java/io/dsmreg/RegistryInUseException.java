package io.dsmreg;

import java.util.List;

/** A registry could not be removed because live processes have it open; {@link #pids()} names them. */
public class RegistryInUseException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /** The process ids of the processes attached when the removal was refused. */
    private final List<Long> pids;

    /**
     * An exception naming the processes that keep the registry in use.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param pids    the process ids of the attached processes; copied, not null.
     */
    public RegistryInUseException(final String message, final List<Long> pids)
    {
        super(message);
        this.pids = List.copyOf(pids);
    }

    /**
     * The processes attached to the registry when the removal was refused.
     *
     * @return their operating system process ids; an unmodifiable list.
     */
    public List<Long> pids()
    {
        return pids;
    }
}
