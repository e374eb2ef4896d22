package io.dsmreg;

/**
 * A shared file that is not what dsmreg expects: a wrong magic number, an incompatible layout
 * version, a length shorter than its header says, or contents that fail a consistency check. The
 * message names the file; dsmreg never modifies or deletes such a file by itself.
 */
public class CorruptFileException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public CorruptFileException(final String message)
    {
        super(message);
    }

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public CorruptFileException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
