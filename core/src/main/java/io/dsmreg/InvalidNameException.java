package io.dsmreg;

/**
 * A registry or entry name that cannot be used: null, empty, too long, or (for registries, whose
 * names become directory names) made of characters other than letters, digits, {@code .}, {@code _}
 * and {@code -}.
 */
public class InvalidNameException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public InvalidNameException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public InvalidNameException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
