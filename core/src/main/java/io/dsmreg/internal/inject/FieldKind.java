package io.dsmreg.internal.inject;

import io.dsmreg.NamedSegment;
import io.dsmreg.SharedArea;
import io.dsmreg.SharedHash;
import io.dsmreg.SharedLock;
import io.dsmreg.SharedMap;
import io.dsmreg.SharedQueue;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The declared types of {@link io.dsmreg.SharedNamed} fields that dsmreg fills: {@link FieldResolver}
 * picks one by the field's type and fills it. An enum rather than lambdas: each lambda costs a
 * LambdaMetafactory spin in a cold JVM, on the way to a class's first field.
 */
enum FieldKind
{
    BUFFER(AtomicBuffer.class),
    SEGMENT(NamedSegment.class),
    AREA(SharedArea.class),
    HASH(SharedHash.class),
    MAP(SharedMap.class),
    LOCK(SharedLock.class),
    QUEUE(SharedQueue.class);

    final Class<?> type;

    FieldKind(final Class<?> type)
    {
        this.type = type;
    }
}
