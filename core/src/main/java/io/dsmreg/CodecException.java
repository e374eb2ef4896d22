package io.dsmreg;

/**
 * A {@link Codec} failed: it threw, wrote past the size it declared, or declared an impossible size.
 * The map is unchanged when encoding fails.
 */
public class CodecException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    public CodecException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
