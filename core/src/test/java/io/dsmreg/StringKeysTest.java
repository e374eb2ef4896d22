package io.dsmreg;

import io.dsmreg.internal.hash.Hashing;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fast paths of maps with {@link Codec#STRING} keys (an ASCII key copied into the thread's scratch
 * without the codec, the stored key compared by its block's length first) and {@code addAndGet(K, long)},
 * each against the generic codec paths on the same operations.
 */
class StringKeysTest extends RegistryTestBase
{
    /** Codec.STRING's encoding under another codec, so that a map of it takes the generic (codec) paths. */
    private static final Codec<String> GENERIC_STRING = new StringCodecUnder("test.string-utf8");

    /** Every key in a block (0), keys of up to 12 bytes in the slot, and the default 28: keys() crosses each bound. */
    @ParameterizedTest
    @ValueSource(ints = {0, 12, MapOptions.DEFAULT_INLINE_KEY_LENGTH})
    void theStringPathsAgreeWithTheCodecPathsOnRandomOperations(final int inlineKeyLength)
    {
        // One partition: many growths, tombstones, probes past full groups and wrapping around.
        final MapOptions options = MapOptions.defaults().partitions(1).inlineKeyLength(inlineKeyLength);
        final SharedMap<String, Long> fast = registry.map("fast", Codec.STRING, Codec.LONG, options);
        final SharedMap<String, Long> generic = registry.map("generic", GENERIC_STRING, Codec.LONG, options);
        final SharedMap<String, String> fastStrings = registry.map("fast-strings", Codec.STRING, Codec.STRING, options);
        final SharedMap<String, String> genericStrings = registry.map("generic-strings", GENERIC_STRING, Codec.STRING, options);
        // Values read by address from blocks (of 0 to 2,400 bytes: the reader's scratch grows) and inline (4 bytes).
        final SharedMap<String, byte[]> fastBytes = registry.map("fast-bytes", Codec.STRING, Codec.BYTES, options);
        final SharedMap<String, byte[]> genericBytes = registry.map("generic-bytes", GENERIC_STRING, Codec.BYTES, options);
        final SharedMap<String, Integer> fastInts = registry.map("fast-ints", Codec.STRING, Codec.INTEGER, options);
        final Map<String, byte[]> bytesModel = new HashMap<>();
        final List<String> keys = keys();
        final Map<String, Long> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 40_000; i++)
        {
            final String key = keys.get(random.nextInt(keys.size()));
            final long value = random.nextLong(-1_000, 1_000);
            switch (random.nextInt(7))
            {
                case 0, 1 ->
                {
                    assertEquals(model.put(key, value), fast.put(key, value), "put " + key);
                    generic.put(key, value);
                    assertEquals(genericStrings.put(key, key + value), fastStrings.put(key, key + value), "put " + key);
                    final byte[] bytes = bytesOf(value);
                    assertArrayEquals(bytesModel.put(key, bytes), fastBytes.put(key, bytes), "put " + key);
                    genericBytes.put(key, bytes);
                    fastInts.put(key, (int)value);
                }
                case 2 ->
                {
                    assertEquals(model.remove(key), fast.remove(key), "remove " + key);
                    generic.remove(key);
                    assertEquals(genericStrings.remove(key), fastStrings.remove(key), "remove " + key);
                    assertArrayEquals(bytesModel.remove(key), fastBytes.remove(key), "remove " + key);
                    genericBytes.remove(key);
                    fastInts.remove(key);
                }
                case 3 ->
                {
                    // Every read-modify-write of the String -> Long map, one removing (compute to null).
                    final BiFunction<String, Long, Long> addOrDrop = (k, v) -> v != null && (v + value) % 5 == 0 ? null : (v == null ? 0 : v) + value;
                    final int remap = random.nextInt(5);
                    final Long expected = switch (remap)
                    {
                        case 3 -> model.compute(key, addOrDrop);
                        case 4 -> model.computeIfPresent(key, (k, v) -> v + value);
                        default -> model.merge(key, value, Long::sum);
                    };
                    final Long actual = switch (remap)
                    {
                        case 0 -> fast.addAndGet(key, value);
                        case 1 -> fast.merge(key, value, Long::sum);
                        case 2 -> fast.compute(key, (k, v) -> v == null ? value : v + value);
                        case 3 -> fast.compute(key, addOrDrop);
                        default -> fast.computeIfPresent(key, (k, v) -> v + value);
                    };
                    assertEquals(expected, actual, "read-modify-write " + remap + " of " + key);
                    assertEquals(expected, switch (remap)
                    {
                        case 3 -> generic.compute(key, addOrDrop);
                        case 4 -> generic.computeIfPresent(key, (k, v) -> v + value);
                        default -> generic.merge(key, value, Long::sum);
                    }, "generic read-modify-write " + remap + " of " + key);
                    // The remap loop reading by address (fast) and through the codec's path (generic), removal included.
                    final BiFunction<String, String, String> append = (k, v) -> v == null ? k : v.length() > k.length() + 8 ? null : v + "+";
                    assertEquals(genericStrings.compute(key, append), fastStrings.compute(key, append), "compute " + key);
                    final byte[] bytes = bytesOf(value);
                    final BiFunction<byte[], byte[], byte[]> keepOrDrop = (old, given) -> old.length % 3 == 0 ? null : given;
                    assertArrayEquals(bytesModel.merge(key, bytes, keepOrDrop), fastBytes.merge(key, bytes, keepOrDrop), "merge " + key);
                    genericBytes.merge(key, bytes, keepOrDrop);
                    fastInts.compute(key, (k, v) -> bytesModel.containsKey(k) ? (int)valueOfBytes(bytesModel.get(k)) : null);
                }
                case 4 ->
                {
                    assertEquals(model.putIfAbsent(key, value), fast.putIfAbsent(key, value), "putIfAbsent " + key);
                    generic.putIfAbsent(key, value);
                }
                default ->
                {
                    final Long expected = model.get(key);
                    assertEquals(expected, fast.get(key), "get " + key);
                    assertEquals(expected, generic.get(key), "generic get " + key);
                    assertEquals(expected != null, fast.containsKey(key), "containsKey " + key);
                    assertEquals(genericStrings.containsKey(key), fastStrings.containsKey(key), "containsKey " + key);
                    assertEquals(bytesModel.containsKey(key), fastBytes.containsKey(key), "containsKey " + key);
                    assertEquals(bytesModel.containsKey(key), genericBytes.containsKey(key), "generic containsKey " + key);
                    assertEquals(bytesModel.containsKey(key), fastInts.containsKey(key), "containsKey " + key);
                    assertEquals(genericStrings.get(key), fastStrings.get(key), "get " + key);
                    assertArrayEquals(bytesModel.get(key), fastBytes.get(key), "get " + key);
                    assertArrayEquals(bytesModel.get(key), genericBytes.get(key), "generic get " + key);
                    final byte[] bytes = bytesModel.get(key);
                    assertEquals(bytes == null ? null : (int)valueOfBytes(bytes), fastInts.get(key), "get " + key);
                }
            }
        }
        assertEquals(model, new HashMap<>(fast));
        assertEquals(model, new HashMap<>(generic));
        assertEquals(new HashMap<>(genericStrings), new HashMap<>(fastStrings));
        assertEquals(bytesModel.keySet(), fastBytes.keySet());
        assertEquals(bytesModel.keySet(), fastInts.keySet());
        fast.verify();
        fastStrings.verify();
        fastBytes.verify();
        fastInts.verify();
    }

    /** The bytes put for {@code value}: 8 to 2,400 of them (every 50th value past 1,000), the value in the first 8. */
    private static byte[] bytesOf(final long value)
    {
        final int length = Math.floorMod(value, 50) == 7 ? 1_000 + (int)Math.floorMod(value, 1_400) : (int)Math.floorMod(value * 7, 120);
        final byte[] bytes = new byte[Math.max(length, Long.BYTES)];
        new UnsafeBuffer(bytes).putLong(0, value);
        Arrays.fill(bytes, Long.BYTES, bytes.length, (byte)value);
        return bytes;
    }

    private static long valueOfBytes(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes).getLong(0);
    }

    /**
     * Keys that probe every case of the fast paths: the empty string, ASCII keys of every length around the
     * 8-byte words the hash and the comparison read (0 to 41 characters), Latin-1 characters that are not
     * ASCII (one byte in the String, two in UTF-8), other BMP characters, surrogate pairs, DEL (0x7F, the
     * last ASCII character), and keys that share their hash, so that every lookup among them compares whole
     * keys: in the maps of Codec.STRING (hashed from String.hashCode) whole sets of one 64-bit hash, ASCII
     * and not, of 24 bytes, of 28 (the default inline bound) and of 29 and 27 bytes of UTF-8 on either side
     * of it; in the generic maps (hashed from the bytes) keys of one stored tag.
     */
    private static List<String> keys()
    {
        final List<String> keys = new ArrayList<>();
        keys.add("");
        final SplittableRandom random = new SplittableRandom(3);
        for (int length = 1; length <= 41; length++)
        {
            for (int variant = 0; variant < 3; variant++)
            {
                final StringBuilder key = new StringBuilder();
                for (int c = 0; c < length; c++)
                {
                    key.append((char)('a' + random.nextInt(26)));
                }
                keys.add(key.toString());
                keys.add(key.substring(0, length - 1) + "\u007F");
                keys.add(key.substring(0, length - 1) + "é");
                keys.add(key.substring(0, length - 1) + "中");
                keys.add(key + "\uD83D\uDE00");
            }
        }
        keys.addAll(sameHash(60, 12, false));
        keys.addAll(sameHash(60, 14, false));
        keys.addAll(sameHash(60, 14, true));
        keys.addAll(sameHash(30, 13, true));
        keys.addAll(sameTag(200, 24));
        return keys;
    }

    /**
     * {@code count} keys of {@code blocks} two-char blocks with one String hash, hence one 64-bit hash in a map
     * of Codec.STRING keys: every block "Aa" or "BB" (equal hashes), the first one "éa" or "êB" (equal hashes
     * too, three bytes of UTF-8) when {@code nonAscii}.
     */
    private static List<String> sameHash(final int count, final int blocks, final boolean nonAscii)
    {
        final List<String> keys = new ArrayList<>();
        for (int bits = 0; keys.size() < count; bits++)
        {
            final StringBuilder key = new StringBuilder();
            for (int b = 0; b < blocks; b++)
            {
                final boolean one = (bits >>> b & 1) != 0;
                key.append(b == 0 && nonAscii ? (one ? "éa" : "êB") : one ? "Aa" : "BB");
            }
            keys.add(key.toString());
        }
        assertEquals(1, keys.stream().mapToInt(String::hashCode).distinct().count(), "keys of one String hash");
        return keys;
    }

    /** {@code count} keys of {@code length} ASCII characters whose hashes of their bytes (the generic maps') share the low 7 bits (the tag). */
    private static List<String> sameTag(final int count, final int length)
    {
        final List<String> keys = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        for (int i = 0; keys.size() < count; i++)
        {
            final String key = String.format("%0" + length + "d", i);
            buffer.putBytes(0, key.getBytes(StandardCharsets.UTF_8));
            if ((Hashing.hashBytes(buffer, 0, length) & 0x7F) == 0x2A)
            {
                keys.add(key);
            }
        }
        return keys;
    }

    @Test
    void shortKeysAreKeptInTheSlotAndLongerOnesInBlocksOfTheirOwn()
    {
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1));
        map.put("first", 1L);
        final long table = map.bytesInUse();
        final String longest = "k".repeat(MapOptions.DEFAULT_INLINE_KEY_LENGTH);
        final String latin = "\u00e9".repeat(MapOptions.DEFAULT_INLINE_KEY_LENGTH / 2);
        map.put(longest, 2L);
        map.put(latin, 3L);
        map.put("", 4L);
        assertEquals(table, map.bytesInUse(), "28 bytes of UTF-8 or fewer take no block");
        map.put(longest + "k", 5L);
        final long oneBlock = map.bytesInUse();
        assertTrue(oneBlock > table, "a key of 29 bytes has a block: " + oneBlock + " > " + table);
        map.put(latin + "\u00e9", 6L);
        assertEquals(2 * oneBlock - table, map.bytesInUse(), "a key of 30 bytes of UTF-8 has one too");
        assertEquals(Map.of("first", 1L, longest, 2L, latin, 3L, "", 4L, longest + "k", 5L, latin + "\u00e9", 6L), new HashMap<>(map));
        map.verify();
        assertEquals(5L, map.remove(longest + "k"));
        assertEquals(6L, map.remove(latin + "\u00e9"));
        assertEquals(table, map.bytesInUse(), "a removed key's block is freed");
        assertEquals(2L, map.remove(longest));
        assertEquals(table, map.bytesInUse());
        assertEquals(Map.of("first", 1L, latin, 3L, "", 4L), new HashMap<>(map));
        map.verify();

        final EntryMismatchException mismatch = assertThrows(EntryMismatchException.class,
            () -> registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1).inlineKeyLength(12)));
        assertTrue(mismatch.getMessage().contains("1 partitions, no size limit, keys of up to 12 bytes in the slot but the existing " +
            "map has key codec \"dsmreg.string-utf8\" (variable size) and value codec \"dsmreg.long\" (8 bytes), 1 partitions, " +
            "no size limit, keys of up to 28 bytes in the slot"), mismatch.getMessage());
        // Rounded alike: 27 bytes give the slot of 28.
        assertSame(map, registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1).inlineKeyLength(27)));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> MapOptions.defaults().inlineKeyLength(MapOptions.MAX_INLINE_KEY_LENGTH + 1));
        assertEquals("inline key length 253 is out of range: a map keeps keys of 0 to 252 bytes in its slots (0: every key in a block)",
            ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MapOptions.defaults().inlineKeyLength(-1));
        assertEquals(252, MapOptions.defaults().inlineKeyLength(252).inlineKeyLength());
    }

    @Test
    void aStringsCachedHashIsTheHashOfItsEncodingUnlessTheEncodingChangesIt()
    {
        // Lookups hash a String by its cached hash, growth and verify by the stored bytes: the two must agree.
        for (final String key : List.of("", "a", "route/orders/42", "\u00e9t\u00e9", "\u4e2d\u6587", "\ud83d\ude00 smile", "\u007f"))
        {
            final UnsafeBuffer encoded = new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
            assertEquals(Hashing.hashString(key.hashCode()), Hashing.hashUtf8(encoded, 0, encoded.capacity()), key);
        }
        // Bytes that are not UTF-8 (damage) hash as their decoding, U+FFFD each.
        final UnsafeBuffer damaged = new UnsafeBuffer(new byte[] {'x', (byte)0xFF});
        assertEquals(Hashing.hashString("x\ufffd".hashCode()), Hashing.hashUtf8(damaged, 0, 2));
    }

    @Test
    void keysOfOneHashAreToldApartByEveryByte()
    {
        // "Aa" and "BB" have one String hash, so keys that differ only in such a pair share hash, home group, tag
        // and preferred slot: every lookup compares them in full, whatever their length in the slot's 8-byte words.
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1));
        final Map<String, Long> model = new HashMap<>();
        for (int length = 3; length <= MapOptions.DEFAULT_INLINE_KEY_LENGTH + 4; length++)
        {
            final String prefix = "p".repeat(length - 2);
            final String first = prefix + "Aa";
            final String second = prefix + "BB";
            final String inFront = "Aa" + prefix;
            final String inFrontToo = "BB" + prefix;
            assertEquals(first.hashCode(), second.hashCode());
            assertEquals(inFront.hashCode(), inFrontToo.hashCode());
            map.put(first, (long)length);
            map.put(inFront, -(long)length);
            model.put(first, (long)length);
            model.put(inFront, -(long)length);
            assertNull(map.get(second), second);
            assertNull(map.get(inFrontToo), inFrontToo);
            assertEquals(length, map.get(first));
            map.put(second, 1000L + length);
            model.put(second, 1000L + length);
            assertEquals(1000L + length, map.get(second));
            assertEquals(length, map.get(first));
            assertEquals(-length, map.get(inFront));
        }
        assertEquals(model, new HashMap<>(map));
        map.verify();
    }

    @Test
    void aKeyIsStoredAsStringGetBytesEncodesIt()
    {
        final List<String> keys = List.of("\u007f", "\u0080", "\u07ff", "\u0800", "\uffff", "\ud800\udc00", "\udbff\udfff",
            "\ud7ff", "\ue000", "?", "\u00e9\u4e2d\ud83d\ude00 mixed");
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG);
        final Map<String, Long> expected = new HashMap<>();
        long value = 0;
        for (final String key : keys)
        {
            map.put(key, ++value);
            // What the map holds is what getBytes writes: read back by decoding it, the same String.
            assertEquals(key, new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            expected.put(key, value);
        }
        assertEquals(expected, new HashMap<>(map));
        for (final Map.Entry<String, Long> e : expected.entrySet())
        {
            assertEquals(e.getValue(), map.get(e.getKey()), e.getKey());
        }
        map.verify();
    }

    /**
     * A String with an unpaired surrogate has no UTF-8 encoding: refused by every operation, keys and values, on the
     * read by address and on the general path, leaving the map as it was; never stored as '?', where it would be
     * one key with "?" and a value that reads back changed.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, MapOptions.DEFAULT_INLINE_KEY_LENGTH})
    void aStringWithAnUnpairedSurrogateIsRefusedAndChangesNothing(final int inlineKeyLength)
    {
        final MapOptions options = MapOptions.defaults().inlineKeyLength(inlineKeyLength);
        final SharedMap<String, Long> longs = registry.map("l", Codec.STRING, Codec.LONG, options);
        final SharedMap<String, String> strings = registry.map("s", Codec.STRING, Codec.STRING, options);
        longs.put("a?", 7L);
        strings.put("a?", "seven");
        final Map<String, Long> longsBefore = new HashMap<>(longs);
        final Map<String, String> stringsBefore = new HashMap<>(strings);
        // The last: more chars than a key may have bytes, refused before it is encoded, by the codec's size.
        final List<String> unpaired = List.of("a\ud800", "\udc00", "\udc00\ud800", "\ud800\ud800\udc00", "x\udbffy",
            "a long key past the slot's inline bytes \ud800", "\ud800" + "k".repeat(70_000));
        for (final String key : unpaired)
        {
            final int index = firstUnpaired(key);
            final String where = String.format("U+%04X, at index %d", (int)key.charAt(index), index);
            final List<org.junit.jupiter.api.function.Executable> operations = List.of(
                () -> longs.put(key, 1L), () -> longs.get(key), () -> longs.containsKey(key), () -> longs.remove(key),
                () -> longs.merge(key, 1L, Long::sum), () -> longs.compute(key, (k, v) -> 1L), () -> longs.addAndGet(key, 1),
                () -> longs.putIfAbsent(key, 1L), () -> longs.replace(key, 1L), () -> longs.replace(key, 7L, 1L),
                () -> longs.remove(key, 7L), () -> longs.computeIfAbsent(key, k -> 1L), () -> longs.computeIfPresent(key, (k, v) -> 1L),
                () -> strings.put(key, "v"), () -> strings.get(key), () -> strings.put("a?", key),
                () -> strings.replace("a?", "seven", key), () -> strings.merge("a?", key, (a, b) -> b),
                () -> strings.entrySet().iterator().next().setValue(key));
            for (final org.junit.jupiter.api.function.Executable operation : operations)
            {
                final CodecException refused = assertThrows(CodecException.class, operation, key);
                assertTrue(refused.getMessage().contains("unpaired surrogate, " + where), refused.getMessage());
                assertTrue(refused.getMessage().contains("the map is unchanged"), refused.getMessage());
                // The char is shown as an escape, not as itself, which a console prints as '?': "a?" is another String.
                assertTrue(refused.getMessage().contains(String.format("\\u%04X", (int)key.charAt(index))), refused.getMessage());
                assertFalse(refused.getMessage().chars().anyMatch(c -> Character.isSurrogate((char)c) &&
                    key.indexOf("\ud800\udc00") < 0), refused.getMessage());
            }
            final IllegalArgumentException bySize = assertThrows(IllegalArgumentException.class, () -> Codec.STRING.size(key));
            assertTrue(bySize.getMessage().contains(where), bySize.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Codec.STRING.encode(key, new UnsafeBuffer(new byte[256]), 0));
        }
        assertEquals(longsBefore, new HashMap<>(longs));
        assertEquals(stringsBefore, new HashMap<>(strings));
        assertEquals(7L, longs.get("a?"));
        // An entry whose new value the map refused still shows the old one, as the map does.
        final Map.Entry<String, String> entry = strings.entrySet().iterator().next();
        assertThrows(CodecException.class, () -> entry.setValue("v\ud800"));
        assertEquals("seven", entry.getValue());
        // A codec whose id UTF-8 cannot encode could not be told apart from one whose id has '?' there.
        final IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
            () -> registry.map("ids", new StringCodecUnder("id\ud800"), Codec.LONG));
        assertTrue(badId.getMessage().contains("no unpaired surrogate"), badId.getMessage());
        longs.verify();
        strings.verify();
    }

    private static int firstUnpaired(final String key)
    {
        for (int i = 0; i < key.length(); i++)
        {
            if (Character.isHighSurrogate(key.charAt(i)) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1)))
            {
                i++;
            }
            else if (Character.isSurrogate(key.charAt(i)))
            {
                return i;
            }
        }
        throw new IllegalArgumentException(key + " has no unpaired surrogate");
    }

    @Test
    void addAndGetNeedsLongValuesAndKeepsTheLongPath()
    {
        final SharedMap<String, String> strings = registry.map("strings", Codec.STRING, Codec.STRING);
        final UnsupportedOperationException ex = assertThrows(UnsupportedOperationException.class, () -> strings.addAndGet("a", 1));
        assertEquals("addAndGet needs a map of Codec.LONG values, but map \"strings\" has value codec \"dsmreg.string-utf8\"",
            ex.getMessage());
        assertTrue(strings.isEmpty());
        assertThrows(NullPointerException.class, () -> registry.map("sl", Codec.STRING, Codec.LONG).addAndGet(null, 1));

        final SharedMap<Long, Long> longs = registry.map("longs", Codec.LONG, Codec.LONG);
        final Long boxed = 7L;
        assertEquals(5, longs.addAndGet(boxed, 5));
        assertEquals(8, longs.addAndGet(7, 3));
        assertEquals(8, longs.getLong(7, 0));

        final SharedMap<Integer, Long> integers = registry.map("integers", Codec.INTEGER, Codec.LONG);
        // A boxed key: an int literal would pick addAndGet(long, long), which needs Codec.LONG keys.
        final Integer one = 1;
        assertEquals(-4, integers.addAndGet(one, -4));
        assertEquals(Long.MIN_VALUE, integers.addAndGet(one, Long.MIN_VALUE + 4));
        assertEquals(Long.MIN_VALUE, integers.get(1));
    }

    @Test
    void getRefusesAnOversizedKeyWhateverTheTableHolds()
    {
        // One partition with a table, and keys whose home groups hold no match: a lookup could answer "absent"
        // without reading a byte, but an oversized key is refused by every operation.
        final SharedMap<String, Long> map = registry.map("m", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(1));
        for (int k = 0; k < 100; k++)
        {
            map.put("key " + k, (long)k);
        }
        for (final char c : new char[] {'k', 'x', 'y', 'z'})
        {
            final String key = String.valueOf(c).repeat(SharedMap.MAX_KEY_SIZE + 1);
            assertThrows(InvalidSizeException.class, () -> map.get(key), "get of " + c);
            assertThrows(InvalidSizeException.class, () -> map.containsKey(key), "containsKey of " + c);
        }
        assertEquals(100, map.size());
    }

    @Test
    void anOversizedAsciiKeyIsRefusedAsByTheCodec()
    {
        final SharedMap<String, Long> fast = registry.map("fast", Codec.STRING, Codec.LONG);
        final String key = "k".repeat(SharedMap.MAX_KEY_SIZE + 1);
        final InvalidSizeException ex = assertThrows(InvalidSizeException.class, () -> fast.put(key, 1L));
        assertEquals("a key of " + (SharedMap.MAX_KEY_SIZE + 1) + " bytes is larger than the largest key of map \"fast\", " +
            SharedMap.MAX_KEY_SIZE + " bytes", ex.getMessage());
        assertThrows(InvalidSizeException.class, () -> fast.addAndGet(key, 1));
        assertTrue(fast.isEmpty());
        final String largest = "k".repeat(SharedMap.MAX_KEY_SIZE);
        assertEquals(3, fast.addAndGet(largest, 3));
        assertEquals(3L, fast.get(largest));
    }

    @Test
    void lockFreeStringReadsDuringGrowthSeeOnlyWrittenValues() throws Exception
    {
        readsDuringGrowthSeeOnlyWrittenValues(registry.map("growing", Codec.STRING, Codec.LONG, MapOptions.defaults().partitions(2)),
            k -> k * 3L, Long::equals);
    }

    /** The same with values in blocks, copied by address: a torn copy would show as bytes of another value. */
    @Test
    void lockFreeReadsOfValueBlocksDuringGrowthSeeOnlyWrittenValues() throws Exception
    {
        readsDuringGrowthSeeOnlyWrittenValues(registry.map("growing-bytes", Codec.STRING, Codec.BYTES,
            MapOptions.defaults().partitions(2)), k -> bytesOf(k * 3L), Arrays::equals);
    }

    /**
     * Readers compare keys in blocks while a writer grows tables, deletes keys and frees their blocks (and, for
     * values in blocks, the blocks of values): every value read must be the one written for that key.
     */
    private <V> void readsDuringGrowthSeeOnlyWrittenValues(
        final SharedMap<String, V> map, final IntFunction<V> valueFor, final BiPredicate<V, V> same) throws Exception
    {
        final int keys = 30_000;
        // Keys the writer never touches, in the slot and in blocks: containsKey must find each of them throughout.
        final List<String> anchors = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            anchors.add("anchor " + i);
            anchors.add("an anchor long enough for a key block " + i);
        }
        for (final String anchor : anchors)
        {
            map.put(anchor, valueFor.apply(0));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        final CountDownLatch readersStarted = new CountDownLatch(2);
        try
        {
            final Future<?> writer = pool.submit(() ->
            {
                assertTrue(readersStarted.await(30, TimeUnit.SECONDS));
                for (int k = 0; k < keys; k++)
                {
                    map.put(key(k), valueFor.apply(k));
                    if (k % 3 == 0)
                    {
                        map.remove(key(k / 2));
                    }
                }
                return null;
            });
            final List<Future<long[]>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                final int seed = r;
                readers.add(pool.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    long reads = 0;
                    long hits = 0;
                    readersStarted.countDown();
                    while (!writer.isDone())
                    {
                        final int k = random.nextInt(keys);
                        final V value = map.get(key(k));
                        if (value != null && !same.test(value, valueFor.apply(k)))
                        {
                            throw new AssertionError("key " + key(k) + " read " + value);
                        }
                        final String anchor = anchors.get(random.nextInt(anchors.size()));
                        if (!map.containsKey(anchor) || map.containsKey("never " + anchor))
                        {
                            throw new AssertionError("containsKey got " + anchor + " or its absent twin wrong");
                        }
                        reads++;
                        hits += value == null ? 0 : 1;
                    }
                    return new long[] {reads, hits};
                }));
            }
            writer.get();
            long hits = 0;
            for (final Future<long[]> reader : readers)
            {
                hits += reader.get()[1];
            }
            // The race happened: the readers found keys the writer was still adding to (and growing).
            assertTrue(hits > 0, "no reader found a key while the writer ran");
        }
        finally
        {
            pool.shutdownNow();
        }
        for (int k = keys / 2; k < keys; k++)
        {
            assertTrue(same.test(valueFor.apply(k), map.get(key(k))), "key " + key(k));
        }
        map.verify();
    }

    /** ASCII keys of 8 to 36 characters, and every seventh with a character outside ASCII. */
    private static String key(final int k)
    {
        return (k % 7 == 0 ? "rücksendung/" : "route/") + k + "/" + "x".repeat(k % 20);
    }
}
