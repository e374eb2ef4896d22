package io.dsmreg.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON values: strings, numbers, booleans, null, instants (as ISO-8601 strings in the command line's one
 * format, {@link Formats#timestamp}), lists and maps (keys in the map's order).
 */
final class Json
{
    private Json()
    {
    }

    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    static void write(final StringBuilder out, final Object value)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else if (value instanceof Instant instant)
        {
            string(out, Formats.timestamp(instant));
        }
        else if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            String separator = "";
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                out.append(separator);
                string(out, entry.getKey().toString());
                out.append(": ");
                write(out, entry.getValue());
                separator = ", ";
            }
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            out.append('[');
            String separator = "";
            for (final Object element : list)
            {
                out.append(separator);
                write(out, element);
                separator = ", ";
            }
            out.append(']');
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
