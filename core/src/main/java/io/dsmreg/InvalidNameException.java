package io.dsmreg;

/**
 * A registry or entry name that cannot be used: null, empty, too long, or (for registries, whose names become directory names) made of characters other than letters, digits, {@code .}, {@code _} and {@code -}.
 */
public class InvalidNameException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public InvalidNameException(final String message)
    {
        super(message);
    }

    public InvalidNameException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
