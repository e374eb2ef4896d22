package io.dsmreg;

/**
 * A registry directory or file that this user must not trust or cannot use: owned by another user,
 * readable by others, or a symbolic link.
 */
public class PermissionException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public PermissionException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public PermissionException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
