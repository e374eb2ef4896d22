package io.dsmreg;

/**
 * A requested size, or size parameter, that is zero, negative or over the maximum the structure supports.
 */
public class InvalidSizeException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public InvalidSizeException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public InvalidSizeException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
