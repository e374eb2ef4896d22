package io.dsmreg.internal.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EntryFilesTest
{
    @TempDir
    Path directory;

    @Test
    void aFileIsNamedByFileIdAndPartAndTheNameGivesTheIdBack()
    {
        final Path file = EntryFiles.path(directory, 12, 3);
        assertEquals(directory.resolve("12_3.dsm"), file);
        assertEquals(12, EntryFiles.fileId(file.getFileName().toString()));
        assertEquals(999_999_999_999_999_999L, EntryFiles.fileId("999999999999999999_0.dsm"), "18 digits");
    }

    @Test
    void everyOtherNameHasNoFileId()
    {
        for (final String name : List.of("registry.dat", "registry.lock", "_3.dsm", "12_.dsm", "12_3.dat", "1a_3.dsm",
            "12_3a.dsm", "12.dsm", "12_3.dsm.tmp", "-1_0.dsm", "9223372036854775808_0.dsm"))
        {
            assertEquals(-1, EntryFiles.fileId(name), name);
        }
    }

    @Test
    void deleteAllDeletesEveryPartOfOneEntryAndNothingElse() throws IOException
    {
        for (final String name : List.of("1_0.dsm", "1_1.dsm", "1_17.dsm", "11_0.dsm", "21_0.dsm", "1_0.dsm.keep", "registry.dat"))
        {
            Files.createFile(directory.resolve(name));
        }
        EntryFiles.deleteAll(directory, 1);
        try (Stream<Path> files = Files.list(directory))
        {
            assertEquals(List.of("11_0.dsm", "1_0.dsm.keep", "21_0.dsm", "registry.dat"),
                files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        EntryFiles.deleteAll(directory.resolve("missing"), 1);
    }
}
