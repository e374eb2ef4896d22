package io.dsmreg;

/**
 * There is no room for the request: the file system under the registry is full (a small {@code
 * /dev/shm}), the registry has no free entry, or a size limit was reached. Nothing was created.
 */
public class OutOfSpaceException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public OutOfSpaceException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public OutOfSpaceException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
