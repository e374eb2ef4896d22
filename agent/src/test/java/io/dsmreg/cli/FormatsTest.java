package io.dsmreg.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FormatsTest
{
    @Test
    void sizesForPeopleUseBinaryUnitsWithOneDecimal()
    {
        assertEquals("0 B", Formats.size(0));
        assertEquals("1023 B", Formats.size(1023));
        assertEquals("1.0 KiB", Formats.size(1024));
        assertEquals("4.0 KiB", Formats.size(4096));
        assertEquals("1.5 KiB", Formats.size(1536));
        assertEquals("1.1 MiB", Formats.size(1_200_000));
        assertEquals("1.0 MiB", Formats.size(1024 * 1024 - 1), "rounds up into the next unit, never 1024.0 KiB");
        assertEquals("2.0 GiB", Formats.size(2L << 30));
        assertEquals("8.0 EiB", Formats.size(Long.MAX_VALUE));
    }

    @Test
    void timestampsAreIsoUtcToTheMillisecondAlwaysTheSameWidth()
    {
        assertEquals("2026-12-02T14:02:16.000Z", Formats.timestamp(Instant.parse("2026-12-02T14:02:16Z")));
        assertEquals("2026-12-02T14:02:16.165Z", Formats.timestamp(Instant.parse("2026-12-02T14:02:16.165987Z")));
    }
}
