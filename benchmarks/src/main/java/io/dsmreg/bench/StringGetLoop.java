package io.dsmreg.bench;

import io.dsmreg.Codec;
import io.dsmreg.DsmRegistry;
import io.dsmreg.SharedMap;

import java.nio.file.Path;

/**
 * One {@code SharedMap<String, Long>.get} in a loop and nothing else, for a profiler or to compare two
 * builds run back to back: {@code StringInterleaved} gives the figures against the anchors, this shows
 * where one get's time goes. Prints one rate per round of 1,000,000 gets over random keys; with a list of
 * operations (get, addAndGet, merge, put), a rate for each, one after the other in every round: with few
 * entries (in cache) what their instructions cost, with many what their misses add.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *   io.dsmreg.bench.StringGetLoop 5 500000 20    # rounds, entries[, key length: else 8 to 40 (0), non-ASCII (-1)[, operations]]
 * java ... -Xms3g -Xmx3g -XX:+AlwaysPreTouch ... io.dsmreg.bench.StringGetLoop 8 2000 0 get,addAndGet,merge,put
 * </pre>
 * With operations that allocate (merge, put), give the heap its size up front and touched: else they pay for its growth.
 */
public final class StringGetLoop
{
    private static final int GETS_PER_ROUND = 1_000_000;

    private StringGetLoop()
    {
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int entries = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        final int keyLength = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        final String[] keys = keyLength > 0 ?
            StringData.keysOfLength(entries, keyLength, 42) : StringData.keys(entries, keyLength < 0, 42);
        final String[] operations = args.length > 3 ? args[3].split(",") : new String[] {"get"};
        final Path shared = HashData.sharedDirectory("dsmreg-string-get");
        try (DsmRegistry registry = HashData.registry(shared))
        {
            final SharedMap<String, Long> map = registry.map("sl", Codec.STRING, Codec.LONG);
            for (int i = 0; i < entries; i++)
            {
                map.put(keys[i], (long)i);
            }
            System.out.printf("%d entries, keys of %.1f bytes on average, %d bytes of files%n",
                entries, StringData.averageLength(keys), map.reservedBytes());
            final int[] state = {12345};
            long sum = 0;
            for (int round = 0; round < rounds; round++)
            {
                final StringBuilder line = new StringBuilder("round " + round + ":");
                for (final String operation : operations)
                {
                    final long started = System.nanoTime();
                    for (int i = 0; i < GETS_PER_ROUND; i++)
                    {
                        final String key = keys[StringData.next(state, entries)];
                        sum += switch (operation)
                        {
                            case "get" -> map.get(key);
                            case "addAndGet" -> map.addAndGet(key, 1);
                            case "merge" -> map.merge(key, 1L, Long::sum);
                            case "put" -> map.put(key, (long)i);
                            default -> throw new IllegalArgumentException("unknown operation " + operation +
                                "; give get, addAndGet, merge or put");
                        };
                    }
                    final double nanos = (System.nanoTime() - started) / (double)GETS_PER_ROUND;
                    line.append(String.format("  %s %.3f ops/us (%.1f ns)", operation, 1_000.0 / nanos, nanos));
                }
                System.out.println(line);
            }
            System.out.println("(sum " + sum + ")");
        }
        finally
        {
            HashData.delete(shared);
        }
    }
}
