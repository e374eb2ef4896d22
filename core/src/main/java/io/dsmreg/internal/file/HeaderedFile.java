package io.dsmreg.internal.file;

import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.layout.Magic;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import static io.dsmreg.internal.layout.FileHeaderDescriptor.HEADER_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAGIC_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MAJOR_VERSION_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.MINOR_VERSION_OFFSET;
import static io.dsmreg.internal.layout.FileHeaderDescriptor.READY_VALUE;

/**
 * One kind of dsmreg file (registry table, segment, area control file, area segment, hash header):
 * its create, publish and attach, and the one wording of its corrupt-file errors:
 * {@code file <path> of <owner> cannot be used: <problem>. <remedy>}.
 * <p>
 * Every kind begins with the prefix of {@link io.dsmreg.internal.layout.FileHeaderDescriptor}
 * (magic, major and minor layout version, header length) and has a ready word, at an offset of its
 * own, that is written LAST with release semantics.
 * <p>
 * Protocols:
 * <ol>
 *   <li>Create: {@link #create} reserves and maps the file (a full file system is an exception,
 *       never a SIGBUS) and writes the prefix; the caller writes its own fields, then
 *       {@link #publish}es. Until then the ready word is 0 and no reader accepts the file.</li>
 *   <li>Attach: {@link #attach} maps an existing file of at least the length the caller needs and
 *       checks the prefix and the ready word; the caller then checks its own fields, and reports
 *       what it finds wrong through {@link #corrupt}. Nothing is ever written to a file that fails
 *       a check.</li>
 * </ol>
 * Instances are immutable constants, one per kind, held by the kind's descriptor user.
 */
public final class HeaderedFile
{
    private final String kind;
    private final long magic;
    private final int majorVersion;
    private final int minorVersion;
    private final int headerLength;
    private final int readyOffset;
    /**
     * The advice that ends every error about an entry's damaged files: how to start it afresh, from a
     * shell and from code.
     */
    public static final String REMOVE_ENTRY =
        "Remove the entry to start it afresh: dsmreg remove <registry> <name> from a shell, or DsmRegistry.remove(name)";

    private final String remedy;

    /**
     * @param kind         the file kind in messages: "registry table", "area control file".
     * @param magic        the kind's magic number.
     * @param majorVersion the layout version this code writes and the only one it reads.
     * @param minorVersion the compatible revision it writes.
     * @param headerLength the header's length, recorded in the file and checked on attach.
     * @param readyOffset  the offset of the ready word, 8-aligned, inside the header.
     * @param remedy       what the user should do about a file that cannot be used: the last sentence of every error.
     */
    public HeaderedFile(
        final String kind, final long magic, final int majorVersion, final int minorVersion, final int headerLength,
        final int readyOffset, final String remedy)
    {
        if ((readyOffset & 7) != 0 || readyOffset + Long.BYTES > headerLength || headerLength <= HEADER_LENGTH_OFFSET)
        {
            throw new IllegalArgumentException("a ready word at " + readyOffset + " does not fit a header of " + headerLength + " bytes");
        }
        this.kind = kind;
        this.magic = magic;
        this.majorVersion = majorVersion;
        this.minorVersion = minorVersion;
        this.headerLength = headerLength;
        this.readyOffset = readyOffset;
        this.remedy = remedy;
    }

    /**
     * Creates {@code file} of {@code length} zeroed bytes (it must not exist), maps it whole and
     * writes the prefix. The file is not ready until {@link #publish}.
     *
     * @param owner what the file belongs to, for messages: {@code area "blobs"}.
     * @throws io.dsmreg.OutOfSpaceException if the file system has no room for it.
     */
    public UnsafeBuffer create(final Path file, final long length, final String owner)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(MappedFiles.createAndMap(file, length, owner));
        buffer.putLong(MAGIC_OFFSET, magic);
        buffer.putInt(MAJOR_VERSION_OFFSET, majorVersion);
        buffer.putInt(MINOR_VERSION_OFFSET, minorVersion);
        buffer.putInt(HEADER_LENGTH_OFFSET, headerLength);
        return buffer;
    }

    /** Publishes a created file: every field written before is visible to whoever sees it ready. */
    public void publish(final UnsafeBuffer header)
    {
        // Release: a reader that sees the ready word sees the whole header, and what was written before it.
        header.putLongRelease(readyOffset, READY_VALUE);
    }

    /**
     * Maps an existing, published file and checks its prefix and ready word.
     *
     * @param minimumLength the bytes the caller will read: a shorter file is refused, never mapped past its end.
     * @param owner         what the file belongs to, for messages.
     * @throws CorruptFileException naming the file, what is wrong and what to do.
     */
    public UnsafeBuffer attach(final Path file, final long minimumLength, final String owner, final boolean readOnly)
    {
        final UnsafeBuffer buffer = map(file, minimumLength, owner, readOnly);
        checkPrefix(file, owner, buffer);
        checkPublished(file, owner, buffer);
        return buffer;
    }

    /**
     * Maps an existing file and checks its prefix only if it was ever published: for the one kind
     * (the registry table) whose creator may die before publishing, which only a caller holding the
     * creation lock may conclude and repair.
     *
     * @return the checked mapping, or null if the file was never published (a ready word of 0 over a
     *         zero or matching magic, or a regular file of no bytes: its creator died between creating
     *         and sizing it, {@link MappedFiles#createAndMap}).
     */
    public UnsafeBuffer attachIfPublished(final Path file, final long minimumLength, final String owner, final boolean readOnly)
    {
        if (MappedFiles.isEmptyRegularFile(file))
        {
            return null;
        }
        final UnsafeBuffer buffer = map(file, minimumLength, owner, readOnly);
        final long found = buffer.getLong(MAGIC_OFFSET);
        if (buffer.getLongVolatile(readyOffset) == 0 && (found == 0 || found == magic))
        {
            return null;
        }
        checkPrefix(file, owner, buffer);
        checkPublished(file, owner, buffer);
        return buffer;
    }

    /**
     * Whether a mapped (or copied) header carries this kind's magic, its major version and the ready
     * word: for readers that must not throw, such as listings, which skip a file that fails.
     */
    public boolean isPublished(final UnsafeBuffer header)
    {
        return header.getLong(MAGIC_OFFSET) == magic && header.getInt(MAJOR_VERSION_OFFSET) == majorVersion &&
            header.getLongVolatile(readyOffset) == READY_VALUE;
    }

    /** The header length of this kind. */
    public int headerLength()
    {
        return headerLength;
    }

    /**
     * The one error for a file of this kind that cannot be used:
     * {@code file <path> of <owner> cannot be used: <problem>. <remedy>}.
     */
    public CorruptFileException corrupt(final Path file, final String owner, final String problem)
    {
        return new CorruptFileException("file " + file + " of " + owner + " cannot be used: " + problem + ". " + remedy);
    }

    private UnsafeBuffer map(final Path file, final long minimumLength, final String owner, final boolean readOnly)
    {
        final long length = Math.max(minimumLength, headerLength);
        final MappedByteBuffer mapping = readOnly ?
            MappedFiles.mapExistingReadOnly(file, length, owner) : MappedFiles.mapExisting(file, length, owner);
        return new UnsafeBuffer(mapping);
    }

    private void checkPrefix(final Path file, final String owner, final UnsafeBuffer buffer)
    {
        final long found = buffer.getLong(MAGIC_OFFSET);
        if (found != magic)
        {
            throw corrupt(file, owner, "its magic number is " + Magic.describe(found) + ", not " + Magic.describe(magic) +
                ": it is not a dsmreg " + kind);
        }
        final int major = buffer.getInt(MAJOR_VERSION_OFFSET);
        if (major != majorVersion)
        {
            throw corrupt(file, owner, "it has layout version " + major + "." + buffer.getInt(MINOR_VERSION_OFFSET) +
                " but this dsmreg reads version " + majorVersion + ".x: use the dsmreg version that created it");
        }
        final int recordedHeaderLength = buffer.getInt(HEADER_LENGTH_OFFSET);
        if (recordedHeaderLength != headerLength)
        {
            throw corrupt(file, owner, "its header length is " + recordedHeaderLength + ", not " + headerLength);
        }
    }

    private void checkPublished(final Path file, final String owner, final UnsafeBuffer buffer)
    {
        final long ready = buffer.getLongVolatile(readyOffset);
        if (ready != READY_VALUE)
        {
            throw corrupt(file, owner, ready == 0 ?
                "its header was never published (its creator did not finish)" :
                "its ready word is " + ready + ", not " + READY_VALUE);
        }
    }
}
