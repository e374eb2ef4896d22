package io.dsmreg;

/**
 * A shared file that is not what dsmreg expects: a wrong magic number, an incompatible layout version, a length shorter than its header says, or contents that fail a consistency check. The message names the file; dsmreg never modifies or deletes such a file by itself.
 */
public class CorruptFileException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public CorruptFileException(final String message)
    {
        super(message);
    }

    public CorruptFileException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
