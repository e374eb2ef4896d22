package io.dsmreg.internal.file;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.layout.FileHeaderDescriptor;
import io.dsmreg.internal.layout.Magic;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderedFileTest
{
    private static final long MAGIC = Magic.of("dsmregZZ");
    private static final int HEADER_LENGTH = 128;
    private static final int READY_OFFSET = 64;
    private static final int FIELD_OFFSET = 24;
    private static final HeaderedFile KIND =
        new HeaderedFile("test file", MAGIC, 3, 1, HEADER_LENGTH, READY_OFFSET, "Delete it to start afresh");

    @TempDir
    Path directory;

    @Test
    void aCreatedFileIsRefusedUntilPublishedThenAttachesWithEveryFieldWritten()
    {
        final Path file = directory.resolve("1_0.dsm");
        final UnsafeBuffer created = KIND.create(file, 4096, "entry \"a\"");
        created.putLong(FIELD_OFFSET, 42);

        final CorruptFileException unpublished =
            assertThrows(CorruptFileException.class, () -> KIND.attach(file, HEADER_LENGTH, "entry \"a\"", false));
        assertEquals("file " + file + " of entry \"a\" cannot be used: its header was never published (its creator did " +
            "not finish). Delete it to start afresh", unpublished.getMessage());
        assertNull(KIND.attachIfPublished(file, HEADER_LENGTH, "entry \"a\"", true));
        assertFalse(KIND.isPublished(created));

        KIND.publish(created);
        final UnsafeBuffer attached = KIND.attach(file, 4096, "entry \"a\"", true);
        assertEquals(42, attached.getLong(FIELD_OFFSET));
        assertEquals(MAGIC, attached.getLong(FileHeaderDescriptor.MAGIC_OFFSET));
        assertEquals(3, attached.getInt(FileHeaderDescriptor.MAJOR_VERSION_OFFSET));
        assertEquals(1, attached.getInt(FileHeaderDescriptor.MINOR_VERSION_OFFSET));
        assertEquals(HEADER_LENGTH, attached.getInt(FileHeaderDescriptor.HEADER_LENGTH_OFFSET));
        assertTrue(KIND.isPublished(attached));
        assertNotNull(KIND.attachIfPublished(file, HEADER_LENGTH, "entry \"a\"", true));
    }

    @Test
    void aFileOfAnotherKindIsRefusedWithBothMagicsAndLeftUntouched() throws IOException
    {
        final Path file = published("2_0.dsm");
        overwrite(file, FileHeaderDescriptor.MAGIC_OFFSET, "NOTDSMRG".getBytes());
        final byte[] before = Files.readAllBytes(file);
        final CorruptFileException ex =
            assertThrows(CorruptFileException.class, () -> KIND.attach(file, HEADER_LENGTH, "entry \"b\"", false));
        assertEquals("file " + file + " of entry \"b\" cannot be used: its magic number is \"NOTDSMRG\", not \"dsmregZZ\": " +
            "it is not a dsmreg test file. Delete it to start afresh", ex.getMessage());
        assertThrows(CorruptFileException.class, () -> KIND.attachIfPublished(file, HEADER_LENGTH, "entry \"b\"", false),
            "a foreign magic is damage, not an unfinished creation");
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void anotherMajorVersionIsRefusedNamingBothVersions() throws IOException
    {
        final Path file = published("3_0.dsm");
        overwrite(file, FileHeaderDescriptor.MAJOR_VERSION_OFFSET, new byte[] {7, 0, 0, 0});
        final CorruptFileException ex =
            assertThrows(CorruptFileException.class, () -> KIND.attach(file, HEADER_LENGTH, "entry \"c\"", false));
        assertTrue(ex.getMessage().contains("it has layout version 7.1 but this dsmreg reads version 3.x: use the dsmreg " +
            "version that created it"), ex.getMessage());
    }

    @Test
    void aRecordedHeaderLengthOrReadyWordThatDiffersIsRefused() throws IOException
    {
        final Path length = published("4_0.dsm");
        overwrite(length, FileHeaderDescriptor.HEADER_LENGTH_OFFSET, new byte[] {0, 1, 0, 0});
        final CorruptFileException wrongLength =
            assertThrows(CorruptFileException.class, () -> KIND.attach(length, HEADER_LENGTH, "entry \"d\"", false));
        assertTrue(wrongLength.getMessage().contains("its header length is 256, not 128"), wrongLength.getMessage());

        final Path ready = published("5_0.dsm");
        overwrite(ready, READY_OFFSET, new byte[] {9});
        final CorruptFileException wrongReady =
            assertThrows(CorruptFileException.class, () -> KIND.attach(ready, HEADER_LENGTH, "entry \"e\"", false));
        assertTrue(wrongReady.getMessage().contains("its ready word is 9, not 1"), wrongReady.getMessage());
    }

    @Test
    void aFileShorterThanTheCallerNeedsIsRefusedWithoutMappingPastItsEnd()
    {
        final Path file = published("6_0.dsm");
        final CorruptFileException ex =
            assertThrows(CorruptFileException.class, () -> KIND.attach(file, 1 << 20, "entry \"f\"", true));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
    }

    @Test
    void aZeroedFileIsAnUnfinishedCreationNotDamage() throws IOException
    {
        final Path file = directory.resolve("7_0.dsm");
        Files.write(file, new byte[4096]);
        assertNull(KIND.attachIfPublished(file, HEADER_LENGTH, "entry \"g\"", true));
        assertThrows(CorruptFileException.class, () -> KIND.attach(file, HEADER_LENGTH, "entry \"g\"", true));
    }

    @Test
    void aReadyWordThatDoesNotFitTheHeaderIsAProgrammingError()
    {
        assertThrows(IllegalArgumentException.class, () -> new HeaderedFile("x", MAGIC, 1, 0, 64, 60, "-"));
        assertThrows(IllegalArgumentException.class, () -> new HeaderedFile("x", MAGIC, 1, 0, 64, 64, "-"));
    }

    private Path published(final String name)
    {
        final Path file = directory.resolve(name);
        KIND.publish(KIND.create(file, 4096, "entry"));
        return file;
    }

    private static void overwrite(final Path file, final int offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }
}
