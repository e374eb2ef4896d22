package io.dsmreg;

/**
 * The name exists in the registry with another type, another size or other parameters than the request gives. The existing entry is left untouched.
 */
public class EntryMismatchException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public EntryMismatchException(final String message)
    {
        super(message);
    }

    public EntryMismatchException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
