package io.dsmreg.internal.area;

import io.dsmreg.CheckedThread;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.dsmreg.internal.layout.AreaDescriptor.CONTROL_LENGTH;

/**
 * What the tests of the area share: an area of their own, its control file, a dead lock owner, and
 * a task run in a thread that ends (magazines pass from ended threads to new ones).
 */
public final class TestAreas
{
    static final long FILE_ID = 7;
    static final long TIMEOUT_NANOS = 5_000_000_000L;

    private TestAreas()
    {
    }

    /** A new area "a" in {@code directory}: 256 KiB segments growing to 1 GiB, no size limit. */
    static AreaAllocator create(final Path directory)
    {
        return AreaAllocator.create(directory, FILE_ID, "a", 256 << 10, 1 << 30, Long.MAX_VALUE, TIMEOUT_NANOS, () -> false);
    }

    /** The area's control file as another process maps it, to write what a crashed process left. */
    static UnsafeBuffer control(final Path directory)
    {
        return new UnsafeBuffer(MappedFiles.mapExisting(EntryFiles.path(directory, FILE_ID, 0), CONTROL_LENGTH, "test"));
    }

    /** The lock word of a process that has exited: an earlier process with this one's pid. */
    static long deadOwner()
    {
        final ProcessIdentity self = ProcessIdentity.current();
        return SharedMutex.ownerWord(new ProcessIdentity(self.pid(), self.startTime() + 1));
    }

    /** Runs {@code task} in a new thread and waits for it to end; its failure fails the caller. */
    public static <T> T inThread(final Supplier<T> task) throws Exception
    {
        final AtomicReference<T> result = new AtomicReference<>();
        CheckedThread.start("other", () -> result.set(task.get())).join();
        return result.get();
    }
}
