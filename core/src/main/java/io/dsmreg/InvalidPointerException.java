package io.dsmreg;

/**
 * A relative pointer given to a {@link SharedArea} does not name an allocated block: the invalid
 * pointer 0, a pointer into a segment that was given back, past a segment's end, not at the start
 * of a block, or a block already freed. The message says which.
 */
public class InvalidPointerException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and no cause.
     *
     * @param message what failed and why, as dsmreg words it.
     */
    public InvalidPointerException(final String message)
    {
        super(message);
    }
}
