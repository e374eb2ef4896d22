package io.dsmreg.it;

import io.dsmreg.SegmentInitializer;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

/** Classes whose {@code @SharedNamed} fields cannot be filled, one reason each, for {@link AgentIT}. */
final class Misconfigured
{
    private Misconfigured()
    {
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
}
