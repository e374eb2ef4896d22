package io.dsmreg;

/**
 * Root of every exception dsmreg throws. Unchecked, like PostgreSQL's {@code ereport(ERROR)}: a
 * call that throws it has left the registry as it found it.
 * <p>
 * Subclasses name the causes a caller may want to handle on their own: {@link InvalidNameException},
 * {@link InvalidSizeException}, {@link EntryMismatchException}, {@link OutOfSpaceException},
 * {@link CorruptFileException}, {@link LockTimeoutException}, {@link PermissionException} and
 * {@link RegistryInUseException}.
 */
public class DsmRegistryException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public DsmRegistryException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public DsmRegistryException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
