package io.dsmreg;

import java.time.Instant;

/**
 * A process attached to a registry right now: one that opened it and has not closed it.
 *
 * @param pid        the operating system's process id.
 * @param startedAt  when the process started, or null where the operating system does not say.
 * @param attachedAt when it opened the registry.
 */
public record RegistryProcess(long pid, Instant startedAt, Instant attachedAt)
{
}
