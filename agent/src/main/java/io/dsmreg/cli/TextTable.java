package io.dsmreg.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table printed the way psql prints a query result: centred headers, text left-aligned, numbers
 * right-aligned, empty cells for nulls, and a row count footer.
 * <pre>
 *      name     |  type   | size
 * --------------+---------+------
 *  orders.flags | segment |   64
 * (1 row)
 * </pre>
 */
final class TextTable
{
    private final String[] headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();

    /** @param columns header names; a name starting with '#' marks a right-aligned numeric column (the '#' is not shown). */
    TextTable(final String... columns)
    {
        headers = new String[columns.length];
        numeric = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++)
        {
            numeric[i] = columns[i].startsWith("#");
            headers[i] = numeric[i] ? columns[i].substring(1) : columns[i];
        }
    }

    /** Adds a row; null cells print empty, as psql prints NULL. */
    void add(final Object... cells)
    {
        if (cells.length != headers.length)
        {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        final String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++)
        {
            row[i] = cells[i] == null ? "" : printable(cells[i].toString());
        }
        rows.add(row);
    }

    void print(final PrintStream out)
    {
        final int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            widths[i] = width(headers[i]);
            for (final String[] row : rows)
            {
                widths[i] = Math.max(widths[i], width(row[i]));
            }
        }
        final StringBuilder header = new StringBuilder();
        final StringBuilder rule = new StringBuilder();
        for (int i = 0; i < headers.length; i++)
        {
            final int space = widths[i] - width(headers[i]);
            header.append(i == 0 ? " " : "| ")
                .append(" ".repeat(space / 2)).append(headers[i]).append(" ".repeat(space - space / 2)).append(' ');
            rule.append(i == 0 ? "" : "+").append("-".repeat(widths[i] + 2));
        }
        out.println(stripTrailing(header));
        out.println(rule);
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++)
            {
                final String padding = " ".repeat(widths[i] - width(row[i]));
                line.append(i == 0 ? " " : "| ").append(numeric[i] ? padding + row[i] : row[i] + padding).append(' ');
            }
            out.println(stripTrailing(line));
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    private static int width(final String text)
    {
        return text.codePointCount(0, text.length());
    }

    private static String stripTrailing(final StringBuilder line)
    {
        return line.toString().stripTrailing();
    }

    /** Entry names are data and may hold control characters; a table shows them escaped, on one line. */
    private static String printable(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (Character.isISOControl(c))
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.toString();
    }
}
