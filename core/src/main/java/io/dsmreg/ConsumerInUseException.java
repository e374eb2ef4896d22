package io.dsmreg;

/** A queue's consumer could not be opened because a live process already consumes it; {@link #pid()} names it. */
public class ConsumerInUseException extends QueueInUseException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the process that consumes the queue.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param pid     the process id of the current consumer.
     */
    public ConsumerInUseException(final String message, final long pid)
    {
        super(message, pid);
    }
}
