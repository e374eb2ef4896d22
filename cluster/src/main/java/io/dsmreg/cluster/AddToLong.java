package io.dsmreg.cluster;

import io.dsmreg.Codec;
import io.dsmreg.CodecException;
import com.hazelcast.map.EntryProcessor;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;

/**
 * {@link ClusterMap#addAndGet}: runs on the member that owns the key, under its partition's
 * ordering, and again on the backup (the default backup processor is this one, and the change is
 * deterministic). The value's bytes are {@link Codec#LONG}'s, as in a host-local map.
 */
final class AddToLong implements EntryProcessor<byte[], byte[], Long>
{
    private static final long serialVersionUID = 1L;
    private static final int LONG_SIZE = 8;

    private final String structureName;
    private final long delta;

    AddToLong(final String structureName, final long delta)
    {
        this.structureName = structureName;
        this.delta = delta;
    }

    @Override
    public Long process(final Map.Entry<byte[], byte[]> entry)
    {
        final byte[] old = entry.getValue();
        if (old != null && old.length != LONG_SIZE)
        {
            // Bytes from the cluster are untrusted: another writer may have used another codec.
            throw new CodecException("cannot add to a value of the cluster map " + structureName + ": it has " + old.length +
                " bytes, but " + Codec.LONG.id() + " values have " + LONG_SIZE + "; every writer of the map must use Codec.LONG", null);
        }
        final long sum = (old == null ? 0 : Codec.LONG.decode(new UnsafeBuffer(old), 0, LONG_SIZE)) + delta;
        final byte[] updated = new byte[LONG_SIZE];
        Codec.LONG.encode(sum, new UnsafeBuffer(updated), 0);
        entry.setValue(updated);
        return sum;
    }
}
