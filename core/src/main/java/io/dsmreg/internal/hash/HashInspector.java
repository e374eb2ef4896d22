package io.dsmreg.internal.hash;

import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedHash;
import io.dsmreg.internal.area.AreaAllocator;
import io.dsmreg.internal.area.AreaStatistics;
import io.dsmreg.internal.kind.EntryInspector;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Hash tables and maps in listings and {@code dsmreg verify}: the size is the table's area plus its
 * header file, as PostgreSQL 19 reports reserved memory; bytes in use come from the area's counters
 * and the entry count from the partitions' counts, all read without locks. Verification walks the
 * partitions and the area under their locks, as {@link SharedHash#verify()} does.
 */
public final class HashInspector implements EntryInspector
{
    public static final HashInspector INSTANCE = new HashInspector();
    private static final long VERIFY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private HashInspector()
    {
    }

    @Override
    public RegistryEntry describe(final Path directory, final SlotView ready)
    {
        final AreaStatistics area = AreaStatistics.read(directory, ready.fileId());
        final HashStatistics hash = HashStatistics.read(directory, ready.fileId());
        final boolean known = area != null && hash != null;
        return new RegistryEntry(ready.name(), EntryType.HASH,
            known ? area.reservedBytes() + hash.headerBytes() : null,
            known ? area.bytesInUse() : null,
            known ? hash.entries() : null,
            ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public void verify(final Path directory, final SlotView ready)
    {
        final AreaAllocator area = AreaAllocator.attach(directory, ready.fileId(), ready.name(), VERIFY_TIMEOUT_NANOS, () -> false);
        HashTable.attach(directory, ready.fileId(), "hash \"" + ready.name() + "\"", area, VERIFY_TIMEOUT_NANOS).verify();
    }
}
