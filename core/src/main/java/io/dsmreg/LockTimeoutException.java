package io.dsmreg;

/**
 * A bounded wait for a lock or for another process to finish initializing an entry ran out. The message names the process that holds it.
 */
public class LockTimeoutException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public LockTimeoutException(final String message)
    {
        super(message);
    }

    public LockTimeoutException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
