package io.dsmreg;

/**
 * A bounded wait for a lock or for another process to finish initializing an entry ran out. The
 * message names the process that holds it.
 */
public class LockTimeoutException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public LockTimeoutException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public LockTimeoutException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
