package io.dsmreg;

/**
 * A requested size, or size parameter, that is zero, negative or over the maximum the structure supports.
 */
public class InvalidSizeException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public InvalidSizeException(final String message)
    {
        super(message);
    }

    public InvalidSizeException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
