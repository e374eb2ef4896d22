package io.dsmreg.internal.area;

import io.dsmreg.AreaOptions;
import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.file.HeaderedFile;
import io.dsmreg.internal.file.MappedFiles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.dsmreg.internal.layout.AreaDescriptor.FILE_ID_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.INITIAL_SEGMENT_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.MAX_SEGMENT_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.READY_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.SIZE_LIMIT_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.GENERATION_OFFSET;
import static io.dsmreg.internal.layout.AreaSegmentDescriptor.HEADER_LENGTH;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
import static org.junit.jupiter.api.Assertions.*;

/** The area's two kinds of headered file, as another process attaches them: what it refuses, in the one wording. */
class AreaFilesTest
{
    private static final String REMEDY = ". " + HeaderedFile.REMOVE_ENTRY;

    @TempDir
    Path directory;

    @Test
    void aControlFileOfAnotherLayoutVersionIsRefusedNamingBothVersions()
    {
        TestAreas.create(directory);
        TestAreas.control(directory).putInt(MAJOR_VERSION_OFFSET, 9);
        assertEquals("file " + file(0) + " of area \"a\" cannot be used: it has layout version 9.0 but this dsmreg reads " +
            "version 2.x: use the dsmreg version that created it" + REMEDY, attachFails().getMessage());
        assertNull(AreaStatistics.read(directory, TestAreas.FILE_ID), "listings skip it");
    }

    @Test
    void aControlFileOfAnotherEntryOrNeverPublishedIsRefused()
    {
        TestAreas.create(directory);
        final UnsafeBuffer control = TestAreas.control(directory);
        control.putLong(FILE_ID_OFFSET, 99);
        assertEquals("file " + file(0) + " of area \"a\" cannot be used: its header records file id 99, length 98304 and page " +
            "size 4096 but the registry records file id 7 and this dsmreg expects length 98304 and page size 4096" + REMEDY,
            attachFails().getMessage());
        control.putLong(FILE_ID_OFFSET, TestAreas.FILE_ID);
        control.putLong(READY_OFFSET, 0);
        assertTrue(attachFails().getMessage().endsWith("cannot be used: its header was never published (its creator did " +
            "not finish)" + REMEDY));
        assertNull(AreaStatistics.read(directory, TestAreas.FILE_ID));
    }

    @Test
    void aControlFileWithSegmentSizesOrALimitNoAreaHasIsRefused()
    {
        TestAreas.create(directory);
        final UnsafeBuffer control = TestAreas.control(directory);
        final long initial = control.getLong(INITIAL_SEGMENT_LENGTH_OFFSET);
        final long max = control.getLong(MAX_SEGMENT_LENGTH_OFFSET);
        final long limit = control.getLong(SIZE_LIMIT_OFFSET);
        control.putLong(MAX_SEGMENT_LENGTH_OFFSET, 0x7D67_15D0_B249_4FBDL);
        assertEquals("file " + file(0) + " of area \"a\" cannot be used: its header records segment sizes from " + initial +
            " to 9036215163430719421 bytes and a size limit of " + limit + " bytes, which no area has (segments of 131072 to " +
            AreaOptions.MAX_SEGMENT_SIZE + " bytes, the first no larger than the largest; a limit of at least 262144 bytes)" +
            REMEDY, attachFails().getMessage());
        control.putLong(MAX_SEGMENT_LENGTH_OFFSET, initial - 1);
        assertTrue(attachFails().getMessage().contains("segment sizes from " + initial + " to " + (initial - 1) + " bytes"));
        control.putLong(MAX_SEGMENT_LENGTH_OFFSET, max);
        control.putLong(SIZE_LIMIT_OFFSET, 1000);
        assertTrue(attachFails().getMessage().contains("a size limit of 1000 bytes"));
        control.putLong(SIZE_LIMIT_OFFSET, limit);
        assertNotNull(AreaAllocator.attach(directory, TestAreas.FILE_ID, "a", TestAreas.TIMEOUT_NANOS, () -> false),
            "the header as written attaches");
    }

    @Test
    void aSegmentFileOfAnotherLayoutVersionIsRefusedNamingBothVersions()
    {
        final long pointer = TestAreas.create(directory).allocate(100_000, 0);
        segmentHeader().putInt(MAJOR_VERSION_OFFSET, 9);
        final AreaAllocator other = AreaAllocator.attach(directory, TestAreas.FILE_ID, "a", TestAreas.TIMEOUT_NANOS, () -> false);
        assertEquals("file " + file(1) + " of segment 1 of area \"a\" cannot be used: it has layout version 9.0 but this " +
            "dsmreg reads version 1.x: use the dsmreg version that created it" + REMEDY,
            assertThrows(CorruptFileException.class, () -> other.free(pointer)).getMessage());
    }

    @Test
    void aSegmentFileThatDoesNotMatchTheSegmentTableIsRefused()
    {
        final long pointer = TestAreas.create(directory).allocate(100_000, 0);
        final UnsafeBuffer header = segmentHeader();
        final long generation = header.getLong(GENERATION_OFFSET);
        header.putLong(GENERATION_OFFSET, generation + 1);
        final AreaAllocator other = AreaAllocator.attach(directory, TestAreas.FILE_ID, "a", TestAreas.TIMEOUT_NANOS, () -> false);
        final CorruptFileException ex = assertThrows(CorruptFileException.class, () -> other.address(pointer, 8));
        assertTrue(ex.getMessage().startsWith("file " + file(1) + " of segment 1 of area \"a\" cannot be used: its header " +
            "(segment 1, file id 7, generation " + (generation + 1) + ", length 262144) does not match the area's segment " +
            "table (segment 1, file id 7, generation " + generation + ", length 262144)"), ex.getMessage());
    }

    private CorruptFileException attachFails()
    {
        return assertThrows(CorruptFileException.class,
            () -> AreaAllocator.attach(directory, TestAreas.FILE_ID, "a", TestAreas.TIMEOUT_NANOS, () -> false));
    }

    private UnsafeBuffer segmentHeader()
    {
        return new UnsafeBuffer(MappedFiles.mapExisting(file(1), HEADER_LENGTH, "test"), 0, HEADER_LENGTH);
    }

    private Path file(final int part)
    {
        return EntryFiles.path(directory, TestAreas.FILE_ID, part);
    }
}
