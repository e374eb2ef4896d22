package io.dsmreg.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the command line writes sizes and instants, the one format of each wherever they appear:
 * tables, headings, messages and JSON.
 */
final class Formats
{
    /** ISO-8601 in UTC to the millisecond, always the same width: {@code 2026-12-02T14:02:16.165Z}. */
    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Formats()
    {
    }

    static String timestamp(final Instant instant)
    {
        return TIMESTAMP.format(instant);
    }

    /**
     * {@code bytes} for a person: {@code 64 B}, {@code 4.0 KiB}, {@code 1.1 MiB}, rounded to one
     * decimal in the largest binary unit that keeps it at least 1.
     */
    static String size(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        // 0.05 below the next unit: a value that rounds to 1024.0 is shown as 1.0 of the next.
        while (value >= 1024 - 0.05 && unit < UNITS.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
