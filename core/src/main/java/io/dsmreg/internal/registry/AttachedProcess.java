package io.dsmreg.internal.registry;

import io.dsmreg.internal.lock.ProcessIdentity;

/**
 * A process recorded as attached to a registry.
 *
 * @param identity     pid and start time.
 * @param attachedAtMs when it opened the registry, epoch ms.
 */
public record AttachedProcess(ProcessIdentity identity, long attachedAtMs)
{
}
