package io.dsmreg.internal.segment;

import io.dsmreg.NamedSegment;
import io.dsmreg.internal.registry.CachedHandle;
import io.dsmreg.internal.registry.EntryGeneration;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/** A {@link NamedSegment} of this host: one mapped file, with the slot and generation the registry cache checks. */
public final class SegmentHandle extends CachedHandle implements NamedSegment
{
    private final long size;
    private final boolean found;
    private final UnsafeBuffer buffer;
    private final Path file;

    SegmentHandle(
        final String name, final long size, final boolean found, final UnsafeBuffer buffer, final Path file, final EntryGeneration entry)
    {
        super(name, entry);
        this.size = size;
        this.found = found;
        this.buffer = buffer;
        this.file = file;
    }

    /** The same mapping, as seen by a later request that found it initialized. */
    SegmentHandle asFound()
    {
        return found ? this : new SegmentHandle(entryName, size, true, buffer, file, entry());
    }

    @Override
    public String name()
    {
        return entryName;
    }

    /** The segment's file, for errors about what lies in it. */
    public Path file()
    {
        return file;
    }

    @Override
    public long size()
    {
        return size;
    }

    @Override
    public boolean found()
    {
        return found;
    }

    @Override
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    @Override
    public String toString()
    {
        return "NamedSegment{name=\"" + entryName + "\", size=" + size + ", found=" + found + '}';
    }
}
