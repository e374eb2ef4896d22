package io.dsmreg.internal.layout;

/**
 * Layout of a shared lock: the lock region ({@link #LOCK_LENGTH} bytes, {@link #LOCK_ALIGNMENT}-aligned)
 * that {@code io.dsmreg.internal.lock.RobustLock} owns, wherever it lies, and the file of a named lock,
 * {@code <file id>_0.dsm}, which is a header followed by one region.
 * <pre>
 *   named lock file (the prefix is FileHeaderDescriptor's)
 *   offset  field               type   written
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |     0 | magic "dsmregLK"   | long | at creation                                       |
 *  |     8 | major version      | int  | at creation; a reader refuses another one         |
 *  |    12 | minor version      | int  | at creation                                       |
 *  |    16 | header length      | int  | at creation: 128; the region starts there         |
 *  |    24 | file id            | long | at creation: ties the file to its registry slot   |
 *  |    64 | ready              | long | LAST, after the region, with release              |
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |   128 | lock region                                                                 |
 *  +-------+-----------------------------------------------------------------------------+
 *
 *   lock region (offsets from its start; 64-aligned, so the exclusive word has its own line)
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |     0 | exclusive owner    | long | SharedMutex word (pid, start) of the exclusive    |
 *  |       |                    |      |   holder or of the writer draining readers;       |
 *  |       |                    |      |   CAS by its taker, release store of 0 to free    |
 *  |     8 | exclusive since    | long | by the exclusive holder after taking it, 0 before |
 *  |       |                    |      |   freeing it: epoch ms, for listings              |
 *  |    16 | dead owner pid     | long | volatile, by whoever frees a dead holder's word,  |
 *  |       |                    |      |   BEFORE freeing it; 0 by markConsistent          |
 *  |    24 | waiting            | long | atomic add by each waiting thread, +1 then -1:    |
 *  |       |                    |      |   for listings only, never trusted for control    |
 *  |    32 | condition sequence | long | atomic add by a signaller holding the lock        |
 *  |    40 | condition waiters  | long | atomic add by each awaiting thread: listings only |
 *  |    48 | magic "dsmregLW"   | long | LAST by initialize, with release                  |
 *  |    56 | (reserved)         | long | 0                                                 |
 *  |    64 | shared holders     | 120 x long: SharedMutex words, one per shared holder |
 *  |       |                    |      |   thread; CAS 0 to (pid, start) by the reader,    |
 *  |       |                    |      |   release store of 0 to free                      |
 *  +-------+--------------------+------+---------------------------------------------------+
 *  |  1024 | end                                                                         |
 *  +-------+-----------------------------------------------------------------------------+
 * </pre>
 */
public final class LockDescriptor
{
    /** The named lock file's magic number. */
    public static final long MAGIC = Magic.of("dsmregLK");
    /** The layout version of both the file and the region. */
    public static final int MAJOR_VERSION = 1;
    /** The compatible revision. */
    public static final int MINOR_VERSION = 0;

    /** The file id that ties a named lock's file to its slot. */
    public static final int FILE_ID_OFFSET = FileHeaderDescriptor.PREFIX_LENGTH + Integer.BYTES;
    /** The named lock file's ready word. */
    public static final int READY_OFFSET = 64;
    /** The named lock file's header length; its region starts there. */
    public static final int HEADER_LENGTH = 128;

    /** The region's exclusive owner word. */
    public static final int EXCLUSIVE_OFFSET = 0;
    /** When the exclusive holder took the lock, epoch ms. */
    public static final int EXCLUSIVE_SINCE_OFFSET = EXCLUSIVE_OFFSET + Long.BYTES;
    /** The pid of the last holder that died holding the lock, until it is marked consistent. */
    public static final int DEAD_OWNER_OFFSET = EXCLUSIVE_SINCE_OFFSET + Long.BYTES;
    /** How many threads wait for the lock. */
    public static final int WAITING_OFFSET = DEAD_OWNER_OFFSET + Long.BYTES;
    /** The condition's sequence: +1 per signal. */
    public static final int CONDITION_SEQUENCE_OFFSET = WAITING_OFFSET + Long.BYTES;
    /** How many threads await the condition. */
    public static final int CONDITION_WAITERS_OFFSET = CONDITION_SEQUENCE_OFFSET + Long.BYTES;
    /** The region's magic, written last by its initialization. */
    public static final int REGION_MAGIC_OFFSET = CONDITION_WAITERS_OFFSET + Long.BYTES;
    /** The region's magic number. */
    public static final long REGION_MAGIC = Magic.of("dsmregLW");
    /** The first shared holder word; the fields above fill one cache line. */
    public static final int SHARED_HOLDERS_OFFSET = 64;
    /** How many threads of all processes may hold the lock in shared mode at once. */
    public static final int MAX_SHARED_HOLDERS = 120;
    /** The region's length. */
    public static final int LOCK_LENGTH = SHARED_HOLDERS_OFFSET + MAX_SHARED_HOLDERS * Long.BYTES;
    /** The region's alignment: a cache line. */
    public static final int LOCK_ALIGNMENT = 64;

    /** A named lock file's length. */
    public static final int FILE_LENGTH = HEADER_LENGTH + LOCK_LENGTH;

    private LockDescriptor()
    {
    }
}
