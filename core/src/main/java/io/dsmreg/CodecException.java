package io.dsmreg;

/**
 * A {@link Codec} failed: it threw, wrote past the size it declared, or declared an impossible size.
 * The map is unchanged when encoding fails.
 */
public class CodecException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and the exception that caused it.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param cause   the underlying failure; may be null.
     */
    public CodecException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
