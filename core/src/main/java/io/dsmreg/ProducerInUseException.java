package io.dsmreg;

/**
 * The producer of a {@link QueueOptions.Producers#ONE} queue could not be opened because a live process
 * already has it open; {@link #pid()} names it.
 */
public class ProducerInUseException extends QueueInUseException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the process that produces to the queue.
     *
     * @param message what failed and why, as dsmreg words it.
     * @param pid     the process id of the current producer.
     */
    public ProducerInUseException(final String message, final long pid)
    {
        super(message, pid);
    }
}
