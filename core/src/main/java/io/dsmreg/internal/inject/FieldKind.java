package io.dsmreg.internal.inject;

import io.dsmreg.NamedSegment;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedLock;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedQueue;
import org.agrona.concurrent.AtomicBuffer;

import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * The declared types of {@link io.dsmreg.SharedNamed} fields that dsmreg fills: {@link FieldResolver}
 * picks one by the field's type and fills it. An enum rather than lambdas: each lambda costs a
 * LambdaMetafactory spin in a cold JVM, on the way to a class's first field.
 * <p>
 * A field declared {@link ConcurrentMap} or {@link Map} promises only the map interface, so it is
 * cluster-capable: a {@link SharedMap} on one host, a cluster map when its registry is on a cluster.
 * Every other kind is host-local shared memory by its type.
 */
enum FieldKind
{
    BUFFER(AtomicBuffer.class, false),
    SEGMENT(NamedSegment.class, false),
    AREA(SharedArea.class, false),
    HASH(SharedHash.class, false),
    SHARED_MAP(SharedMap.class, false),
    CONCURRENT_MAP(ConcurrentMap.class, true),
    MAP(Map.class, true),
    LOCK(SharedLock.class, false),
    QUEUE(SharedQueue.class, false);

    final Class<?> type;
    final boolean clusterCapable;

    FieldKind(final Class<?> type, final boolean clusterCapable)
    {
        this.type = type;
        this.clusterCapable = clusterCapable;
    }

    boolean isMap()
    {
        return this == SHARED_MAP || clusterCapable;
    }
}
