package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.HashParams;
import io.dsmreg.RegistryOptions;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.layout.AreaDescriptor;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A process that holds locks for the read-only tools' and repair's tests:
 * {@code HoldingChild <root> <registry> <marker>} creates hash "h" (two partitions, 100 entries)
 * and area "a" (blocks of several size classes), then takes an exclusive entry of hash key 7 (which
 * holds its partition's lock) and the lock of size class 1 (16 B) of area "a", as an allocation of
 * that class does, writes {@code pid=<pid>} to the marker once it holds both, and waits until killed:
 * it never releases either.
 */
public final class HoldingChild
{
    static final HashParams PARAMS = HashParams.of(8, 16).partitions(2);
    static final long HELD_KEY = 7;
    static final int HELD_CLASS = 1;

    private HoldingChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RegistryOptions options = RegistryOptions.defaults().root(Path.of(args[0])).timeout(Duration.ofSeconds(5));
        final DsmRegistry registry = DsmRegistry.open(args[1], options);
        final SharedHash hash = registry.hash("h", PARAMS);
        for (long key = 1; key <= 100; key++)
        {
            try (SharedHash.Entry entry = hash.findOrInsert(key))
            {
                entry.buffer().putLong(8, key);
            }
        }
        final SharedArea area = registry.area("a");
        for (int size = 8; size < 3000; size += 50)
        {
            area.allocate(size);
        }
        final SharedHash.Entry held = hash.find(HELD_KEY, true);
        final Path control = EntryFiles.path(registry.directory(), areaFileId(registry), 0);
        final SharedMutex classLock = new SharedMutex(new UnsafeBuffer(MappedFiles.mapExisting(control, AreaDescriptor.CONTROL_LENGTH,
            "area \"a\"")), AreaDescriptor.classBlockOffset(HELD_CLASS) + AreaDescriptor.CLASS_LOCK_OFFSET, "size class 1");
        if (classLock.lock(Duration.ofSeconds(5).toNanos()))
        {
            throw new AssertionError("the lock of size class 1 was taken over: nobody held it before");
        }
        final Path marker = Path.of(args[2]);
        Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"),
            "pid=" + ProcessHandle.current().pid() + "\nfound=" + held.found() + "\n");
        Files.move(marker.resolveSibling(marker.getFileName() + ".tmp"), marker);
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The file id of area "a": its control file is the only {@code <id>_0.dsm} beside the hash's parts. */
    private static long areaFileId(final DsmRegistry registry) throws Exception
    {
        try (var files = Files.list(registry.directory()))
        {
            return files.map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith("_0.dsm"))
                .map(EntryFiles::fileId)
                .filter(id -> !Files.exists(EntryFiles.path(registry.directory(), id, 1024)))
                .findFirst().orElseThrow();
        }
    }
}
