package io.dsmreg;

/**
 * A registry directory or file that this user must not trust or cannot use: owned by another user, readable by others, or a symbolic link.
 */
public class PermissionException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public PermissionException(final String message)
    {
        super(message);
    }

    public PermissionException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
