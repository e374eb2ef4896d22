package io.dsmreg;

/**
 * A queue's one consumer, or the one producer of a {@link QueueOptions.Producers#ONE} queue, could not be
 * opened because a live process already has it open; {@link #pid()} names that process.
 */
public abstract class QueueInUseException extends DsmRegistryException
{
    private static final long serialVersionUID = 1L;

    /** The process id of the current holder. */
    private final long pid;

    /**
     * An exception naming the process that holds the queue's consumer or producer.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param pid     the process id of the current holder.
     */
    protected QueueInUseException(final String message, final long pid)
    {
        super(message);
        this.pid = pid;
    }

    /**
     * The process that held the queue's consumer or producer when the request was refused.
     *
     * @return its operating system process id.
     */
    public long pid()
    {
        return pid;
    }
}
