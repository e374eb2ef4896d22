package io.dsmreg;

import java.util.List;

/** A registry could not be removed because live processes have it open; {@link #pids()} names them. */
public class RegistryInUseException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    private final List<Long> pids;

    public RegistryInUseException(final String message, final List<Long> pids)
    {
        super(message);
        this.pids = List.copyOf(pids);
    }

    /** The processes attached to the registry when the removal was refused. */
    public List<Long> pids()
    {
        return pids;
    }
}
