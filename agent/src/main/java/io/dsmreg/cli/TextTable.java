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
 *  orders.flags | segment | 64 B
 * (1 row)
 * </pre>
 * A table wider than the terminal it is printed for first leaves out the columns named by
 * {@link #leaveOut}, in that order, then cuts the cells of the {@link #shorten} column (ending them
 * in {@value #CUT}, never below {@value #MIN_CUT_WIDTH} characters), and says in its footer which
 * columns it left out.
 */
final class TextTable
{
    static final String CUT = "...";
    /** Cells are cut to no fewer characters than this: a table wider than asked beats names nobody can tell apart. */
    static final int MIN_CUT_WIDTH = 20;

    private final String[] headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();
    private List<String> leaveOut = List.of();
    private String shorten;

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

    /** The columns to leave out of a table that is too wide, first the first; a header not in the table is skipped. */
    TextTable leaveOut(final String... columns)
    {
        leaveOut = List.of(columns);
        return this;
    }

    /** The text column whose cells are cut when leaving columns out is not enough. */
    TextTable shorten(final String column)
    {
        shorten = column;
        return this;
    }

    /**
     * Prints the table in at most {@code maxWidth} columns where it can.
     *
     * @param wideOption the option that shows every column, named in the footer when columns were left out.
     */
    void print(final PrintStream out, final int maxWidth, final String wideOption)
    {
        final int[] widths = new int[headers.length];
        final boolean[] shown = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            shown[i] = true;
            widths[i] = width(headers[i]);
            for (final String[] row : rows)
            {
                widths[i] = Math.max(widths[i], width(row[i]));
            }
        }
        final List<String> leftOut = new ArrayList<>();
        for (final String column : leaveOut)
        {
            final int i = indexOf(column);
            if (lineWidth(widths, shown) > maxWidth && i >= 0)
            {
                shown[i] = false;
                leftOut.add(column);
            }
        }
        final int cut = shorten == null ? -1 : indexOf(shorten);
        final int excess = lineWidth(widths, shown) - maxWidth;
        if (excess > 0 && cut >= 0)
        {
            widths[cut] = Math.max(Math.min(widths[cut], MIN_CUT_WIDTH), widths[cut] - excess);
        }
        final StringBuilder header = new StringBuilder();
        final StringBuilder rule = new StringBuilder();
        for (int i = 0; i < headers.length; i++)
        {
            if (!shown[i])
            {
                continue;
            }
            final int space = widths[i] - width(headers[i]);
            header.append(header.length() == 0 ? " " : "| ")
                .append(" ".repeat(space / 2)).append(headers[i]).append(" ".repeat(space - space / 2)).append(' ');
            rule.append(rule.length() == 0 ? "" : "+").append("-".repeat(widths[i] + 2));
        }
        out.println(stripTrailing(header));
        out.println(rule);
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++)
            {
                if (!shown[i])
                {
                    continue;
                }
                final String cell = width(row[i]) > widths[i] ? cutTo(row[i], widths[i]) : row[i];
                final String padding = " ".repeat(widths[i] - width(cell));
                line.append(line.length() == 0 ? " " : "| ").append(numeric[i] ? padding + cell : cell + padding).append(' ');
            }
            out.println(stripTrailing(line));
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " row" : " rows") +
            (leftOut.isEmpty() ? "" : "; " + wideOption + " shows " + String.join(", ", leftOut)) + ")");
    }

    private int indexOf(final String header)
    {
        for (int i = 0; i < headers.length; i++)
        {
            if (headers[i].equals(header))
            {
                return i;
            }
        }
        return -1;
    }

    /** A line's width: each shown column takes its width, a space either side, and a '|' between columns. */
    private static int lineWidth(final int[] widths, final boolean[] shown)
    {
        int width = -1;
        for (int i = 0; i < widths.length; i++)
        {
            width += shown[i] ? widths[i] + 3 : 0;
        }
        return width;
    }

    private static String cutTo(final String text, final int width)
    {
        return text.substring(0, text.offsetByCodePoints(0, width - CUT.length())) + CUT;
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
