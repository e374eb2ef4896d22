package io.dsmreg.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Damages the files of a registry directory the ways disks, bad copies and stray writers do: bit
 * flips, overwritten words, zeroed pages, truncation and extension. Everything is drawn from one
 * seed, so a damage is replayed exactly from its seed; {@link #damage} returns what it did, for the
 * failure message.
 */
final class FileDamage
{
    /** Values a damaged word is set to besides random ones: the edges that checks get wrong. */
    private static final long[] EDGES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
        0xFFFF_FFFFL, 64, 4096, 1L << 32, 0x8080_8080_8080_8080L};
    private static final int PAGE = 4096;

    private FileDamage()
    {
    }

    /**
     * Applies one to three damages, drawn from {@code seed}, to the files of {@code directory} (never
     * to {@code registry.lock}, which holds no data).
     *
     * @return what was done, one line per damage.
     */
    static List<String> damage(final Path directory, final long seed) throws IOException
    {
        final Random random = new Random(seed);
        final List<Path> files;
        try (Stream<Path> listing = Files.list(directory))
        {
            files = listing.filter(file -> !file.getFileName().toString().equals("registry.lock")).sorted().toList();
        }
        final List<String> done = new ArrayList<>();
        final int damages = 1 + random.nextInt(3);
        for (int i = 0; i < damages; i++)
        {
            final Path file = files.get(random.nextInt(files.size()));
            done.add(file.getFileName() + ": " + damageOne(file, random));
        }
        return done;
    }

    private static String damageOne(final Path file, final Random random) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long length = raf.length();
            final int kind = random.nextInt(10);
            if (length == 0 || kind == 9)
            {
                final long added = 1 + random.nextInt(3 * PAGE);
                raf.setLength(length + added);
                if (random.nextBoolean())
                {
                    raf.seek(length);
                    raf.write(bytes(random, (int)added));
                }
                return "extended by " + added + " bytes";
            }
            if (kind == 8)
            {
                final long to = random.nextBoolean() ? random.nextLong(length) : (random.nextLong(length) & -PAGE);
                raf.setLength(to);
                return "truncated from " + length + " to " + to + " bytes";
            }
            if (kind == 7)
            {
                final long page = position(random, length) & -PAGE;
                final int zeroed = (int)Math.min(PAGE, length - page);
                raf.seek(page);
                raf.write(new byte[zeroed]);
                return "zeroed " + zeroed + " bytes at " + page;
            }
            if (kind >= 4)
            {
                final StringBuilder words = new StringBuilder("overwrote words");
                for (int w = 1 + random.nextInt(4); w > 0; w--)
                {
                    final long at = Math.min(position(random, length) & -8, Math.max(0, length - 8));
                    final long value = random.nextBoolean() ? EDGES[random.nextInt(EDGES.length)] : random.nextLong();
                    raf.seek(at);
                    if (length - at >= 8)
                    {
                        raf.writeLong(Long.reverseBytes(value));
                    }
                    else
                    {
                        raf.write((int)value);
                    }
                    words.append(" at ").append(at).append("=0x").append(Long.toHexString(value));
                }
                return words.toString();
            }
            final StringBuilder flips = new StringBuilder("flipped bits");
            for (int f = 1 + random.nextInt(8); f > 0; f--)
            {
                final long at = position(random, length);
                final int bit = random.nextInt(8);
                raf.seek(at);
                final int old = raf.read();
                raf.seek(at);
                raf.write(old ^ (1 << bit));
                flips.append(" ").append(at).append(".").append(bit);
            }
            return flips.toString();
        }
    }

    /** Half the time in the first two pages, where every file keeps its header and most metadata; else anywhere. */
    private static long position(final Random random, final long length)
    {
        return random.nextBoolean() ? random.nextLong(Math.min(length, 2 * PAGE)) : random.nextLong(length);
    }

    private static byte[] bytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
