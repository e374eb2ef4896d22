package io.dsmreg.internal.registry;

import io.dsmreg.CheckedThread;
import io.dsmreg.CorruptFileException;
import io.dsmreg.internal.file.MappedFiles;
import io.dsmreg.internal.layout.RegistryDescriptor;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.Processes;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.dsmreg.internal.layout.RegistryDescriptor.DEFAULT_PROCESS_CAPACITY;
import static io.dsmreg.internal.layout.RegistryDescriptor.DIRTY_SLOT_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.HEADER_LENGTH;
import static io.dsmreg.internal.layout.RegistryDescriptor.READY_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_CAPACITY_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_GENERATION_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_HASH_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_LENGTH_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_NAME_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_SIZE_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.SLOT_STATE_OFFSET;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_INITIALIZING;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_READY;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_REMOVED;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_AREA;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_HASH;
import static io.dsmreg.internal.layout.RegistryDescriptor.TYPE_SEGMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryTableTest
{
    private static final int CAPACITY = 16;
    private static final ProcessIdentity SELF = ProcessIdentity.current();
    /** This process's pid with another start time: a process that had our pid and is gone. */
    private static final ProcessIdentity DEAD = new ProcessIdentity(SELF.pid(), SELF.startTime() + 1);

    @TempDir
    Path directory;
    private Path file;
    private RegistryTable table;
    /** Another mapping of the file, as another process has it, to write what a crashed writer left. */
    private UnsafeBuffer raw;

    @BeforeEach
    void createTable()
    {
        file = directory.resolve("registry.dat");
        table = RegistryTable.create(file, CAPACITY, SELF);
        raw = new UnsafeBuffer(MappedFiles.mapExisting(file, HEADER_LENGTH, "test"));
    }

    @Test
    void aNewTableIsPublishedWholeAndAttachesWithItsCapacity() throws Exception
    {
        assertEquals(RegistryDescriptor.fileLength(CAPACITY, DEFAULT_PROCESS_CAPACITY), Files.size(file));
        assertEquals(RegistryDescriptor.READY_VALUE, raw.getLong(READY_OFFSET));
        final RegistryTable attached = RegistryTable.attach(file, false);
        assertNotNull(attached);
        assertEquals(CAPACITY, attached.slotCapacity());
        assertEquals(table.createdAtMs(), attached.createdAtMs());
        assertEquals(CAPACITY, RegistryTable.attach(file, true).slotCapacity());
    }

    @Test
    void aTableWhoseCreatorDiedBeforePublishingItAttachesAsNullButAForeignFileIsCorrupt()
    {
        raw.putLong(READY_OFFSET, 0);
        assertNull(RegistryTable.attach(file, false), "the caller holding the table lock recreates it");
        raw.putLong(0, 0);
        assertNull(RegistryTable.attach(file, false), "not even the magic was written");
        raw.putLong(0, 0x4242);
        assertThrows(CorruptFileException.class, () -> RegistryTable.attach(file, false));
    }

    @Test
    void aHeaderWhoseCapacitiesDisagreeWithTheFileIsRefused()
    {
        raw.putInt(SLOT_CAPACITY_OFFSET, 12);
        final CorruptFileException notAPowerOfTwo = assertThrows(CorruptFileException.class, () -> RegistryTable.attach(file, false));
        assertTrue(notAPowerOfTwo.getMessage().contains("its header lengths are inconsistent (slot capacity 12, process capacity 1024)"),
            notAPowerOfTwo.getMessage());
        raw.putInt(SLOT_CAPACITY_OFFSET, 2 * CAPACITY);
        final CorruptFileException tooShort = assertThrows(CorruptFileException.class, () -> RegistryTable.attach(file, false));
        assertTrue(tooShort.getMessage().contains("but its capacities need " + RegistryDescriptor.fileLength(2 * CAPACITY,
            DEFAULT_PROCESS_CAPACITY) + ": it was truncated or damaged"), tooShort.getMessage());
    }

    @Test
    void fileIdsIncreaseFromOneAndLiveInTheFile()
    {
        assertEquals(1, table.takeFileId());
        assertEquals(2, table.takeFileId());
        assertEquals(3, RegistryTable.attach(file, false).takeFileId(), "every process takes from the same counter");
        assertEquals(4, table.takeFileId());
    }

    @Test
    void aClaimIsAnInitializingEntryWithAnEvenGeneration()
    {
        final int slot = claim("orders.state", TYPE_SEGMENT, 4096, 7);
        assertEquals(2, table.generation(slot), "odd while written, even after");
        assertEquals(-1, raw.getLong(DIRTY_SLOT_OFFSET), "no write in progress");
        assertEquals(slot, find("orders.state"));
        assertEquals(new SlotView(slot, 2, STATE_INITIALIZING, TYPE_SEGMENT, 4096, 7, SELF.pid(), SELF.startTime(), 0,
            "orders.state"), table.read(slot));
        assertEquals(List.of(table.read(slot)), table.entries());
    }

    @Test
    void publishMakesTheEntryReadyWithItsPublicationTime()
    {
        final int slot = claim("a", TYPE_AREA, 0, 1);
        final long before = System.currentTimeMillis();
        table.publish(slot);
        final long after = System.currentTimeMillis();
        final SlotView view = table.read(slot);
        assertEquals(STATE_READY, view.state());
        assertEquals(4, view.generation());
        assertTrue(before <= view.createdAtMs() && view.createdAtMs() <= after, "published at " + view.createdAtMs());
        assertEquals(slot, find("a"), "a ready entry is found");
    }

    @Test
    void takeOverHandsAnEntryToAnotherInitializerKeepingItsNameAndFiles()
    {
        final int slot = claim("h", TYPE_SEGMENT, 64, 9);
        final ProcessIdentity next = new ProcessIdentity(SELF.pid() + 1, 5);
        table.takeOver(slot, TYPE_HASH, 0, next);
        assertEquals(new SlotView(slot, 4, STATE_INITIALIZING, TYPE_HASH, 0, 9, next.pid(), 5, 0, "h"), table.read(slot));
    }

    @Test
    void removeLeavesATombstoneThatProbesForOtherNamesContinuePast()
    {
        final int first = claim("first", 99);
        final int second = claim("second", 99);
        assertEquals((first + 1) % CAPACITY, second, "the same hash probes the next slot");
        table.publish(first);
        table.publish(second);
        final long epoch = table.removalEpoch();
        table.remove(first);
        assertEquals(epoch + 1, table.removalEpoch(), "a published entry was removed");
        assertEquals(6, table.generation(first));
        assertEquals(-1, table.find(bytes("first"), 99));
        assertEquals(second, table.find(bytes("second"), 99), "found past the tombstone");
        assertEquals(first, table.findFree(99), "a tombstone is reused");
        assertEquals(List.of("second"), table.entries().stream().map(SlotView::name).toList());
    }

    @Test
    void removingAnEntryNobodyPublishedLeavesTheRemovalEpoch()
    {
        final int slot = claim("unpublished", TYPE_SEGMENT, 8, 1);
        final long epoch = table.removalEpoch();
        table.remove(slot);
        assertEquals(epoch, table.removalEpoch(), "no process can hold a handle to it");
        assertEquals(4, table.generation(slot));
        assertEquals(-1, find("unpublished"));
    }

    @Test
    void probesWrapAroundTheEndOfTheTable()
    {
        assertEquals(CAPACITY - 1, claim("last", CAPACITY - 1));
        assertEquals(0, claim("wrapped", CAPACITY - 1));
        assertEquals(0, table.find(bytes("wrapped"), CAPACITY - 1));
    }

    @Test
    void aFullTableHasNoFreeSlotAndStillAnswersAMissingName()
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            assertEquals(i, claim("entry-" + i, i));
        }
        assertEquals(-1, table.findFree(3));
        assertEquals(-1, find("missing"), "the probe ends after one lap");
        assertEquals(CAPACITY, table.entries().size());
    }

    @Test
    void theModificationCountChangesWithEveryWrite()
    {
        final long empty = table.modificationCount();
        final int slot = claim("m", TYPE_SEGMENT, 8, 1);
        final long claimed = table.modificationCount();
        table.publish(slot);
        final long published = table.modificationCount();
        table.remove(slot);
        assertEquals(List.of(empty + 2, claimed + 2, published + 2), List.of(claimed, published, table.modificationCount()));
    }

    @Test
    void aSlotLeftOddByADeadWriterIsUnreadableUntilTheNextLockHolderRepairsIt()
    {
        final int slot = claim("crash", TYPE_SEGMENT, 100, 1);
        table.publish(slot);
        // The writer died in the middle of a write: dirty slot recorded, generation odd, a field half changed.
        raw.putLong(DIRTY_SLOT_OFFSET, slot);
        raw.putLong(slotOffset(slot) + SLOT_GENERATION_OFFSET, 5);
        raw.putLong(slotOffset(slot) + SLOT_SIZE_OFFSET, 100);
        assertNull(table.read(slot), "a reader gives up instead of copying a slot being written");
        assertTrue(table.entries().isEmpty());
        final long epoch = table.removalEpoch();
        table.repairAfterCrash();
        assertEquals(epoch + 1, table.removalEpoch(), "the write may have been a removal: cached handles are checked again");
        assertEquals(6, table.generation(slot));
        assertEquals(-1, raw.getLong(DIRTY_SLOT_OFFSET));
        final SlotView view = table.read(slot);
        assertNotNull(view);
        assertEquals(STATE_READY, view.state());
    }

    @Test
    void aRemovalCutShortBeforeTheEpochMovedMovesItInTheRepair()
    {
        final int slot = claim("removed", TYPE_SEGMENT, 8, 1);
        table.publish(slot);
        final long epoch = table.removalEpoch();
        // The remover died after storing the state, before the epoch: slot dirty and odd.
        raw.putLong(DIRTY_SLOT_OFFSET, slot);
        raw.putLong(slotOffset(slot) + SLOT_GENERATION_OFFSET, table.generation(slot) + 1);
        raw.putInt(slotOffset(slot) + SLOT_STATE_OFFSET, STATE_REMOVED);
        assertEquals(epoch, table.removalEpoch());
        assertEquals(slot, table.repairAfterCrash());
        assertEquals(epoch + 1, table.removalEpoch(), "a handle cached before the removal is checked again");
        assertEquals(-1, find("removed"));
    }

    @Test
    void aClaimCutShortBeforeItsStateWordStillReadsAsFreeAfterRepair()
    {
        final int slot = table.findFree(RegistryTable.hash(bytes("half")));
        final byte[] name = bytes("half");
        raw.putLong(DIRTY_SLOT_OFFSET, slot);
        raw.putLong(slotOffset(slot) + SLOT_GENERATION_OFFSET, 1);
        raw.putInt(slotOffset(slot) + SLOT_NAME_LENGTH_OFFSET, name.length);
        raw.putInt(slotOffset(slot) + SLOT_NAME_HASH_OFFSET, RegistryTable.hash(name));
        raw.putBytes(slotOffset(slot) + SLOT_NAME_OFFSET, name);
        table.repairAfterCrash();
        assertEquals(2, table.generation(slot));
        assertEquals(-1, find("half"));
        assertEquals(slot, table.findFree(RegistryTable.hash(name)));
        assertTrue(table.entries().isEmpty());
    }

    @Test
    void repairLeavesAnEvenGenerationAndAnImpossibleDirtySlotAlone()
    {
        final int slot = claim("done", TYPE_SEGMENT, 8, 1);
        raw.putLong(DIRTY_SLOT_OFFSET, slot);
        table.repairAfterCrash();
        assertEquals(2, table.generation(slot), "the write had finished");
        raw.putLong(DIRTY_SLOT_OFFSET, CAPACITY);
        assertEquals(-1, table.repairAfterCrash());
        assertEquals(-1, raw.getLong(DIRTY_SLOT_OFFSET));
    }

    @Test
    void aDirtySlotOnePastATableThatEndsAtAPageBoundaryIsNotRead()
    {
        // 32 slots end the file at a page boundary: the generation of slot 32 would lie past the mapping.
        final Path pageAligned = directory.resolve("aligned.dat");
        final RegistryTable aligned = RegistryTable.create(pageAligned, 32, SELF);
        assertEquals(0, RegistryDescriptor.fileLength(32, DEFAULT_PROCESS_CAPACITY) % 4096, "the test needs a page-aligned end");
        final UnsafeBuffer alignedRaw = new UnsafeBuffer(MappedFiles.mapExisting(pageAligned, HEADER_LENGTH, "test"));
        alignedRaw.putLong(DIRTY_SLOT_OFFSET, 32);
        assertEquals(-1, aligned.repairAfterCrash());
        assertEquals(-1, alignedRaw.getLong(DIRTY_SLOT_OFFSET));
    }

    @Test
    void theFirstSlotLeftOddIsRepairedLikeAnyOther()
    {
        raw.putLong(DIRTY_SLOT_OFFSET, 0);
        raw.putLong(slotOffset(0) + SLOT_GENERATION_OFFSET, 1);
        assertNull(table.read(0));
        assertEquals(0, table.repairAfterCrash());
        assertEquals(2, table.generation(0));
        assertNotNull(table.read(0));
    }

    @Test
    void aReaderRacingAWriterOnlyEverCopiesAWholeSlot() throws InterruptedException
    {
        final int slot = claim("raced", TYPE_SEGMENT, 8, 1);
        final int hash = RegistryTable.hash(bytes("raced"));
        final AtomicBoolean stop = new AtomicBoolean();
        // Every claim k writes type k, size 3 k, owner pid k, owner start 7 k and name "k": a mixed copy breaks that.
        table.remove(slot);
        table.claim(slot, bytes("1"), hash, 1, 3, 1, new ProcessIdentity(1, 7));
        final CheckedThread writer = CheckedThread.start("writer", () ->
        {
            for (int k = 1; !stop.get(); k++)
            {
                table.remove(slot);
                table.claim(slot, bytes(Integer.toString(k)), hash, k, 3L * k, k, new ProcessIdentity(k, 7L * k));
            }
        });
        String torn = null;
        try
        {
            for (int copy = 0; copy < 200_000 && torn == null; copy++)
            {
                final SlotView view = table.read(slot);
                final int k = view == null ? 0 : view.type();
                if (view != null && ((view.generation() & 1) != 0 || view.size() != 3L * k || view.ownerPid() != k ||
                    view.ownerStart() != 7L * k || !view.name().equals(Integer.toString(k))))
                {
                    torn = view.toString();
                }
            }
        }
        finally
        {
            stop.set(true);
            writer.join();
        }
        assertNull(torn);
    }

    @Test
    void processRecordsListTheLivingAndAreReusedOnceTheirProcessDied()
    {
        assertEquals(0, table.registerProcess(SELF));
        assertEquals(1, table.registerProcess(DEAD), "record 0 holds a live process");
        assertEquals(List.of(SELF), table.attachedProcesses().stream().map(AttachedProcess::identity).toList());
        assertTrue(table.attachedProcesses().get(0).attachedAtMs() > 0);
        assertEquals(1, table.registerProcess(DEAD), "a dead process's record is reused");
        table.pruneDeadProcesses();
        assertEquals(0, raw.getLong(RegistryDescriptor.processOffset(1) + RegistryDescriptor.PROCESS_PID_OFFSET));
        assertEquals(SELF.pid(), raw.getLong(RegistryDescriptor.processOffset(0) + RegistryDescriptor.PROCESS_PID_OFFSET));
        table.deregisterProcess(0, DEAD);
        assertEquals(1, table.attachedProcesses().size(), "a record naming another process is left alone");
        table.deregisterProcess(0, SELF);
        assertTrue(table.attachedProcesses().isEmpty());
    }

    @Test
    void theRecordsOfAReusedPidAndOfAZombieAreNotAttachedProcessesAndAreReused() throws Exception
    {
        final Process reuser = Processes.sleeper();
        try (Processes.Zombie zombie = Processes.zombie())
        {
            final ProcessIdentity running = Processes.identityOf(reuser);
            assertEquals(0, table.registerProcess(new ProcessIdentity(running.pid(), running.startTime() + 1)));
            assertTrue(table.attachedProcesses().isEmpty(), "a running pid with another start time: the recorded process " +
                "died and its pid was reused");
            assertEquals(0, table.registerProcess(new ProcessIdentity(zombie.pid, zombie.startTime())), "its record is free");
            assertTrue(table.attachedProcesses().isEmpty(), "a zombie has exited");
            assertEquals(0, table.registerProcess(running), "so is a zombie's");
            assertEquals(List.of(running), table.attachedProcesses().stream().map(AttachedProcess::identity).toList());
        }
        finally
        {
            Processes.stop(reuser);
        }
    }

    private int claim(final String name, final int type, final long size, final long fileId)
    {
        final byte[] bytes = bytes(name);
        final int hash = RegistryTable.hash(bytes);
        final int slot = table.findFree(hash);
        table.claim(slot, bytes, hash, type, size, fileId, SELF);
        return slot;
    }

    /** Claims {@code name} with a chosen hash, to place it on a chosen probe path. */
    private int claim(final String name, final int hash)
    {
        final int slot = table.findFree(hash);
        table.claim(slot, bytes(name), hash, TYPE_SEGMENT, 8, table.takeFileId(), SELF);
        return slot;
    }

    private int find(final String name)
    {
        final byte[] bytes = bytes(name);
        return table.find(bytes, RegistryTable.hash(bytes));
    }

    private static int slotOffset(final int slot)
    {
        return RegistryDescriptor.slotTableOffset(DEFAULT_PROCESS_CAPACITY) + slot * RegistryDescriptor.SLOT_LENGTH;
    }

    private static byte[] bytes(final String name)
    {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
