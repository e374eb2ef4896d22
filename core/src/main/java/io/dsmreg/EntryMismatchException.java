package io.dsmreg;

/**
 * The name exists in the registry with another type, another size or other parameters than the
 * request gives. The existing entry is left untouched.
 */
public class EntryMismatchException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public EntryMismatchException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public EntryMismatchException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
