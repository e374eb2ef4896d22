package io.dsmreg.internal.registry;

/**
 * A consistent copy of one registry slot, taken under its seqlock.
 *
 * @param index        the slot's position in the table.
 * @param generation   the slot's generation when copied; changes with every write.
 * @param state        one of the {@code STATE_*} values of {@link io.dsmreg.internal.layout.RegistryDescriptor}.
 * @param type         the entry type code.
 * @param size         the requested size (segments), else 0.
 * @param fileId       the id that names the entry's files.
 * @param ownerPid     the creator once ready, the initializer before.
 * @param ownerStart   the owner's start time.
 * @param createdAtMs  when the entry was published, epoch ms; 0 before.
 * @param name         the entry's name.
 */
public record SlotView(
    int index,
    long generation,
    int state,
    int type,
    long size,
    long fileId,
    long ownerPid,
    long ownerStart,
    long createdAtMs,
    String name)
{
}
