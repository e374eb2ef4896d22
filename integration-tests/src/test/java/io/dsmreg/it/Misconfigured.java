package io.dsmreg.it;

import io.dsmreg.Codec;
import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedNamed;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import java.math.BigDecimal;

/** Classes whose {@code @SharedNamed} fields cannot be filled, one reason each, for {@link AgentIT}. */
final class Misconfigured
{
    private Misconfigured()
    {
    }

    /** A field of the registry that the settings choose: AgentIT gives the agent unusable ones. */
    static final class SettingsRegistry
    {
        @SharedNamed(value = "settings.check", size = 8)
        static AtomicBuffer buffer;
    }

    static final class UnsupportedType
    {
        @SharedNamed(value = "bad.type", size = 8)
        static String text;
    }

    static final class PrimitiveType
    {
        @SharedNamed(value = "bad.primitive", size = 8)
        static long word;
    }

    static final class MissingSize
    {
        @SharedNamed("bad.size")
        static AtomicBuffer buffer;
    }

    static final class NeedsArgument implements SegmentInitializer<String>
    {
        NeedsArgument(final int unused)
        {
        }

        @Override
        public void initialize(final AtomicBuffer buffer, final String arg)
        {
        }
    }

    static final class InitWithoutNoArgumentConstructor
    {
        @SharedNamed(value = "bad.init", size = 8, init = NeedsArgument.class)
        static AtomicBuffer buffer;
    }

    /** AgentIT creates "bad.mismatch" with 128 bytes first. */
    static final class Mismatch
    {
        @SharedNamed(value = "bad.mismatch", size = 64)
        static AtomicBuffer buffer;
    }

    static final class InstanceMissingSize
    {
        @SharedNamed("bad.instance")
        AtomicBuffer buffer;
    }

    static final class HashWithoutSizes
    {
        @SharedNamed("bad.hash")
        static SharedHash hash;
    }

    static final class RawMap
    {
        @SharedNamed("bad.raw")
        @SuppressWarnings("rawtypes")
        static SharedMap map;
    }

    static final class WildcardMap
    {
        @SharedNamed("bad.wildcard")
        static SharedMap<?, Long> map;
    }

    static final class UnsupportedMapType
    {
        @SharedNamed("bad.decimal")
        static SharedMap<String, BigDecimal> map;
    }

    /** A codec of Strings that dsmreg cannot create. */
    static final class TextCodec implements Codec<String>
    {
        TextCodec(final int unused)
        {
        }

        @Override
        public String id()
        {
            return "bad.text";
        }

        @Override
        public int fixedSize()
        {
            return 8;
        }

        @Override
        public void encode(final String value, final MutableDirectBuffer buffer, final int offset)
        {
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return "";
        }
    }

    static final class CodecWithoutNoArgumentConstructor
    {
        @SharedNamed(value = "bad.codec", valueCodec = TextCodec.class)
        static SharedMap<String, String> map;
    }

    static final class CodecOfAnotherType
    {
        @SharedNamed(value = "bad.codec.type", keyCodec = TextCodec.class)
        SharedMap<Long, Long> map;
    }
}
