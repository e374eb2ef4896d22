package io.dsmreg.internal.area;

import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.lock.ProcessIdentity;
import io.dsmreg.internal.lock.SharedMutex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_CAPACITY;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_CLASSES;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_OWNER_OFFSET;
import static io.dsmreg.internal.layout.AreaDescriptor.MAGAZINE_SLOTS;
import static io.dsmreg.internal.layout.AreaDescriptor.magazineCountOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.magazineOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerOffset;
import static io.dsmreg.internal.layout.AreaDescriptor.pointerSegment;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The magazines alone: per-thread stacks, slots passed between threads and reclaimed from dead
 * processes. The objects are 64-byte pieces of one large block, and shedding is recorded instead of
 * done (the coordinator's shed is AreaMagazineTest's business).
 */
class MagazinesTest
{
    private static final int SIZE_CLASS = 7;
    private static final long SELF = SharedMutex.ownerWord(ProcessIdentity.current());

    @TempDir
    Path directory;
    private AreaAllocator allocator;
    private UnsafeBuffer control;
    private Magazines magazines;
    private long block;
    private final List<String> sheds = new ArrayList<>();

    @BeforeEach
    void createTheMagazines()
    {
        allocator = TestAreas.create(directory);
        block = allocator.allocate(100_000, 0);
        control = TestAreas.control(directory);
        magazines = new Magazines("a", control, allocator.segments(), new AreaErrors("a", EntryFiles.path(directory, TestAreas.FILE_ID, 0)), this::shed);
    }

    @Test
    void aThreadsStackIsLastInFirstOutAndItsObjectsCarryTheTag()
    {
        final int slot = magazines.current().slot;
        assertTrue(slot >= 0);
        assertEquals(0, magazines.pop(slot, SIZE_CLASS), "empty");
        push(slot, object(0));
        push(slot, object(1));
        assertTrue(isCached(object(1)));
        assertEquals(object(1), magazines.pop(slot, SIZE_CLASS));
        assertEquals(0, memory(object(1)).getLong(0), "a popped object's tag is cleared");
        assertFalse(isCached(object(1)));
        assertTrue(isCached(object(0)));
        assertEquals(object(0), magazines.pop(slot, SIZE_CLASS));
        assertEquals(0, magazines.pop(slot, SIZE_CLASS));
        assertEquals(List.of(), sheds);
    }

    @Test
    void aFullStackShedsHalfOfItselfBeforeThePush()
    {
        final int slot = magazines.current().slot;
        for (int i = 0; i < MAGAZINE_CAPACITY; i++)
        {
            push(slot, object(i));
        }
        assertEquals(List.of(), sheds);
        push(slot, object(MAGAZINE_CAPACITY));
        assertEquals(List.of(slot + "/" + SIZE_CLASS + "/" + MAGAZINE_CAPACITY / 2), sheds);
        assertEquals(MAGAZINE_CAPACITY / 2 + 1, control.getInt(magazineCountOffset(slot, SIZE_CLASS)));
        assertEquals(object(MAGAZINE_CAPACITY), magazines.pop(slot, SIZE_CLASS));
    }

    @Test
    void eachThreadHasASlotOfItsOwnAndAnEndedThreadsSlotPassesToTheNextWithItsObjects() throws Exception
    {
        final int mine = magazines.current().slot;
        final int ended = TestAreas.inThread(() ->
        {
            final int slot = magazines.current().slot;
            push(slot, object(5));
            return slot;
        });
        assertTrue(ended >= 0);
        assertNotEquals(mine, ended);
        assertEquals(List.of(ended, object(5)), TestAreas.inThread(() ->
        {
            final int slot = magazines.current().slot;
            return List.of(slot, magazines.pop(slot, SIZE_CLASS));
        }));
    }

    @Test
    void theSlotOfADeadProcessIsShedClassByClassAndFreed() throws Exception
    {
        final int mine = magazines.current().slot;
        push(mine, object(2));
        final int dead = TestAreas.inThread(() ->
        {
            final int slot = magazines.current().slot;
            push(slot, object(3));
            return slot;
        });
        control.putLong(dead + MAGAZINE_OWNER_OFFSET, TestAreas.deadOwner());

        magazines.reclaimDead();
        final List<String> expected = new ArrayList<>();
        for (int sizeClass = 0; sizeClass < MAGAZINE_CLASSES; sizeClass++)
        {
            expected.add(dead + "/" + sizeClass + "/" + MAGAZINE_CAPACITY);
        }
        assertEquals(expected, sheds, "every class of the dead slot, and nothing of a live one");
        assertEquals(0, control.getInt(magazineCountOffset(dead, SIZE_CLASS)));
        assertEquals(0, control.getLong(dead + MAGAZINE_OWNER_OFFSET), "free again");
        assertEquals(SELF, control.getLong(mine + MAGAZINE_OWNER_OFFSET));
        assertEquals(object(2), magazines.pop(mine, SIZE_CLASS));
    }

    @Test
    void aThreadsFirstClaimReclaimsTheSlotsOfDeadProcesses() throws Exception
    {
        final int dead = magazineOffset(3);
        control.putLong(dead + MAGAZINE_OWNER_OFFSET, TestAreas.deadOwner());
        TestAreas.inThread(() -> magazines.current().slot);
        assertEquals(MAGAZINE_CLASSES, sheds.stream().filter(shed -> shed.startsWith(dead + "/")).count());
    }

    @Test
    void aThreadFindsNoSlotWhileAllAreTakenAndAsksAgainLater() throws Exception
    {
        for (int s = 0; s < MAGAZINE_SLOTS; s++)
        {
            // Owned by this process, but by no thread of these magazines.
            control.putLong(magazineOffset(s) + MAGAZINE_OWNER_OFFSET, SELF);
        }
        final int asked = TestAreas.inThread(() ->
        {
            assertEquals(-1, magazines.current().slot);
            assertEquals(-1, magazines.current().slot, "it does not ask at every operation");
            control.putLong(magazineOffset(9) + MAGAZINE_OWNER_OFFSET, 0);
            int operations = 2;
            while (magazines.current().slot < 0)
            {
                operations++;
            }
            assertTrue(operations <= 4096, "asked again after " + operations + " operations");
            return magazines.current().slot;
        });
        assertEquals(magazineOffset(9), asked);
    }

    /** The fake shed: records the call and takes up to {@code objects} objects off the stack. */
    private int shed(final int slot, final int sizeClass, final int objects)
    {
        sheds.add(slot + "/" + sizeClass + "/" + objects);
        final int countOffset = magazineCountOffset(slot, sizeClass);
        final int moved = Math.min(objects, control.getInt(countOffset));
        control.putInt(countOffset, control.getInt(countOffset) - moved);
        return moved;
    }

    private long object(final int index)
    {
        return block + index * 64L;
    }

    private UnsafeBuffer memory(final long pointer)
    {
        return new UnsafeBuffer(allocator.mapping(pointer, 64), (int)pointerOffset(pointer), 64);
    }

    private void push(final int slot, final long pointer)
    {
        magazines.push(slot, SIZE_CLASS, allocator.segments().segment(pointerSegment(pointer)).buffer, (int)pointerOffset(pointer), pointer);
    }

    private boolean isCached(final long pointer)
    {
        return magazines.isCached(
            allocator.segments().segment(pointerSegment(pointer)).buffer, (int)pointerOffset(pointer), pointer, SIZE_CLASS);
    }
}
