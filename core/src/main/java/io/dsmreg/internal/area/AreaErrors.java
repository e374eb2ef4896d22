package io.dsmreg.internal.area;

import io.dsmreg.CorruptFileException;
import io.dsmreg.InvalidPointerException;
import io.dsmreg.internal.file.HeaderedFile;

/**
 * The errors of one area that its units raise while they follow pointers and metadata, each in one
 * wording: a pointer a caller passed that is not valid, and metadata found inconsistent. (A file
 * whose header cannot be used is worded by {@link io.dsmreg.internal.file.HeaderedFile}.) Immutable.
 */
final class AreaErrors
{
    private final String name;

    AreaErrors(final String name)
    {
        this.name = name;
    }

    /** The invalid pointer 0, passed where a block's pointer is needed. */
    InvalidPointerException zeroPointer()
    {
        return new InvalidPointerException("pointer 0 is the invalid pointer (allocate returns it with NO_OOM when " +
            "area \"" + name + "\" is out of space); pass a pointer that allocate returned");
    }

    /** A pointer that names no block: {@code problem} says what was found instead. */
    InvalidPointerException invalidPointer(final long pointer, final String problem)
    {
        return new InvalidPointerException(
            "pointer 0x" + Long.toHexString(pointer) + " is not valid in area \"" + name + "\": " + problem);
    }

    /** A pointer to where a block may start, but none is allocated there. */
    InvalidPointerException notAllocated(final long pointer)
    {
        return invalidPointer(pointer, "it is not an allocated block (freed already, a double free, or never allocated)");
    }

    /** Metadata that contradicts itself: nothing was changed, and the area cannot be repaired. */
    CorruptFileException corrupt(final String problem)
    {
        return new CorruptFileException(
            "area \"" + name + "\" is corrupt: " + problem + ". " + HeaderedFile.REMOVE_ENTRY);
    }
}
