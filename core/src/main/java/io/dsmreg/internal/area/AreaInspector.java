package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.EntryType;
import io.dsmreg.RegistryEntry;
import io.dsmreg.SharedArea;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.kind.EntryInspector;
import io.dsmreg.internal.registry.SlotView;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Areas in listings and {@code dsmreg verify}: the reserved and used bytes come from the counters
 * in the area's control file, read without locks; verification walks all of the area's metadata
 * under its locks, bounded by a timeout, as {@link SharedArea#verify()} does.
 */
public final class AreaInspector implements EntryInspector
{
    public static final AreaInspector INSTANCE = new AreaInspector();
    private static final long VERIFY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private AreaInspector()
    {
    }

    @Override
    public RegistryEntry describe(final Path directory, final SlotView ready)
    {
        final AreaStatistics statistics = AreaStatistics.read(directory, ready.fileId());
        return new RegistryEntry(ready.name(), EntryType.AREA,
            statistics == null ? null : statistics.reservedBytes(),
            statistics == null ? null : statistics.bytesInUse(),
            null, ready.ownerPid(), Instant.ofEpochMilli(ready.createdAtMs()));
    }

    @Override
    public void verify(final Path directory, final SlotView ready)
    {
        final List<String> problems =
            AreaAllocator.attach(directory, ready.fileId(), ready.name(), VERIFY_TIMEOUT_NANOS, () -> false).verify();
        if (!problems.isEmpty())
        {
            throw new CorruptFileException(
                "area \"" + ready.name() + "\" (" + EntryFiles.path(directory, ready.fileId(), 0) + ") is inconsistent: " +
                String.join("; ", problems));
        }
    }
}
