package io.dsmreg.it;

import io.dsmreg.RegistryOptions;
import io.dsmreg.RegistryView;
import io.dsmreg.internal.file.EntryFiles;
import io.dsmreg.internal.layout.RegistryDescriptor;
import io.dsmreg.internal.layout.SegmentDescriptor;
import io.dsmreg.internal.registry.OpenRegistry;
import io.dsmreg.internal.registry.RegistryTable;
import io.dsmreg.internal.registry.SlotView;
import io.dsmreg.internal.segment.SegmentFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_EMPTY;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_INITIALIZING;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_READY;
import static io.dsmreg.internal.layout.RegistryDescriptor.STATE_REMOVED;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The rows of docs/internals.md's table "What a crash at each step leaves" that need a kill at an exact step of
 * the registry's protocols, one test each: a child JVM runs the operation ({@link Child} {@code get} or
 * {@code remove}) and {@link CrashPointAgent} stops it at a method boundary inside the row's window; the test
 * reads the shared state from here (the table through {@link RegistryTable}'s read-only attach, the entry lock
 * through a try-lock on {@code registry.lock}, the files on disk) to prove the child stands where the row says,
 * kills it with SIGKILL ({@link Process#destroyForcibly}), and checks what the row's last column says happens next.
 * <p>
 * Every test first creates the entry "before" (so the registry exists and holds a ready entry beside the one
 * the child dies on), and the point's call count is 1: in a child that opens an existing registry, the first
 * call of each hooked method is the one of the operation under test. The row "inside the init callback" is
 * {@code SegmentProcessesIT.initializerKilledMidwayIsCompletedByTheNextCaller}'s; the row "while creating
 * registry.dat" is the core unit tests' (a table whose ready word is 0 needs no process to die).
 */
class CrashPointsIT
{
    /** The registry {@link Child} uses. */
    private static final String REGISTRY = "crash";
    private static final String VICTIM = "victim";
    /** The exit code of a JVM killed by SIGKILL. */
    private static final int KILLED = 128 + 9;

    @TempDir
    Path work;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException
    {
        for (final Process process : started)
        {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Row "while holding the table lock, mid slot write", at the first boundary inside it: the claim's
     * {@code beginWrite} has made the slot's generation odd and written nothing else. The next table-lock holder
     * (here one that only attaches another entry) makes it even, and the slot is as it was: empty.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void killedAfterASlotWriteBeganLeavesAnOddGenerationThatTheNextLockHolderMakesEven(final Path jdk) throws Exception
    {
        final SlotView repaired = killMidSlotWrite(jdk, "io.dsmreg.internal.registry.RegistryTable#beginWrite#exit#1");
        assertEquals(STATE_EMPTY, repaired.state(), "nothing of the claim was written: " + repaired);
    }

    /**
     * Row "while holding the table lock, mid slot write", at the last boundary inside it: the claim wrote every
     * field and its state word, and {@code endWrite} has not yet made the generation even. Made even by the next
     * table-lock holder, the slot is an initializing claim whose owner is dead: the next row's state.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void killedBeforeASlotWriteEndedLeavesAnOddGenerationThatTheNextLockHolderMakesEven(final Path jdk) throws Exception
    {
        final SlotView repaired = killMidSlotWrite(jdk, "io.dsmreg.internal.registry.RegistryTable#endWrite#entry#1");
        assertEquals(STATE_INITIALIZING, repaired.state(), "the whole claim was written: " + repaired);
        assertEquals(VICTIM, repaired.name());
    }

    /**
     * Row "after claiming, before taking the entry lock": stopped on entering {@code initializeOrAttach}, whose
     * first act is to take the entry lock; the claim's table lock is already released. The next caller
     * initializes the entry: found is false and its initializer runs, once.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void killedAfterClaimingLeavesAnInitializingSlotThatTheNextCallerInitializes(final Path jdk) throws Exception
    {
        final Process stopped = stopCreatingVictim(jdk, "io.dsmreg.internal.registry.OpenRegistry#initializeOrAttach#entry#1");

        final RegistryTable table = table();
        final SlotView claimed = initializingSlotOf(table, stopped);
        assertTrue(isEntryLockFree(claimed.index()), "the stopped child has not taken the entry lock yet");
        assertEquals(List.of(), filesOf(claimed.fileId()), "no file was created yet");

        kill(stopped);
        assertEquals(claimed, table.read(claimed.index()), "the kill changed nothing in the table");

        assertInitializedOnceByTheNextCaller(jdk, claimed.index());
        assertEquals(List.of(), verify());
    }

    /**
     * Row "after publishing the file, before the slot": stopped on leaving {@code HeaderedFile.publish}, which the
     * segment's creation calls after the initializer; the child holds the entry lock, the file is complete and
     * published, and its slot is still initializing. The next caller initializes afresh: found is false, the
     * initializer runs again, and what the first run wrote is never seen.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void killedAfterPublishingTheFileLeavesAnInitializingSlotThatTheNextCallerInitializesAfresh(final Path jdk)
        throws Exception
    {
        final Process stopped = stopCreatingVictim(jdk, "io.dsmreg.internal.file.HeaderedFile#publish#exit#1");

        final RegistryTable table = table();
        final SlotView initializing = initializingSlotOf(table, stopped);
        assertFalse(isEntryLockFree(initializing.index()), "the stopped child holds the entry lock");
        final Path file = EntryFiles.path(directory(), initializing.fileId(), 0);
        // Throws unless the file's header is complete and its ready word published.
        SegmentFiles.verify(file, VICTIM, initializing.fileId(), 4096);
        assertEquals(7, firstWord(file), "the first initializer ran to its end");

        kill(stopped);
        assertEquals(initializing, table.read(initializing.index()), "the kill changed nothing in the table");

        assertInitializedOnceByTheNextCaller(jdk, initializing.index());
        assertEquals(42, firstWord(file), "the entry's file was made afresh under the same id");
        assertEquals(List.of(), verify());
    }

    /**
     * Row "while removing, after the slot, before the files": stopped on entering {@code EntryFiles.deleteAll},
     * which the removal calls after the slot became REMOVED and the table lock was released. The files are
     * garbage: nothing refers to them, the next claim of the name takes a new file id, and {@code verify} names
     * them until someone deletes them; then the registry is healthy.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("io.dsmreg.it.Jvm#homes")
    void killedWhileRemovingLeavesARemovedSlotAndStrayFilesThatNoClaimReuses(final Path jdk) throws Exception
    {
        create(jdk, "before", 1);
        create(jdk, VICTIM, 7);
        final RegistryTable table = table();
        final SlotView ready = slotOf(table, VICTIM);
        assertEquals(STATE_READY, ready.state());
        final List<Path> files = filesOf(ready.fileId());
        assertEquals(1, files.size(), "a segment has one file: " + files);
        final Process stopped = startStopped(jdk, "io.dsmreg.internal.file.EntryFiles#deleteAll#entry#1", "remove", VICTIM);

        final SlotView removed = table.read(ready.index());
        assertEquals(STATE_REMOVED, removed.state(), "the slot was removed: " + removed);
        assertEquals(-1, table.find(VICTIM.getBytes(StandardCharsets.UTF_8), RegistryTable.hash(VICTIM.getBytes(StandardCharsets.UTF_8))));
        assertFalse(isEntryLockFree(ready.index()), "the stopped child holds the entry lock");
        assertEquals(files, filesOf(ready.fileId()), "no file was deleted yet");

        kill(stopped);
        assertEquals(removed, table.read(ready.index()), "the kill changed nothing in the table");

        final Jvm.Result next = get(jdk, VICTIM, 42);
        assertEquals("false", next.value("found"), "the name was free again");
        assertEquals("42", next.value("word0"));
        final SlotView reclaimed = slotOf(table, VICTIM);
        assertEquals(STATE_READY, reclaimed.state());
        assertNotEquals(ready.fileId(), reclaimed.fileId(), "the next claim takes a new file id");
        assertEquals(files, filesOf(ready.fileId()), "the stray files are left as they were");
        final List<String> problems = verify();
        assertEquals(files.size(), problems.size(), "verify names each stray file: " + problems);
        for (int i = 0; i < files.size(); i++)
        {
            assertTrue(problems.get(i).contains(files.get(i).getFileName().toString()) &&
                problems.get(i).contains("belongs to no entry"), problems.get(i));
        }

        for (final Path file : files)
        {
            Files.delete(file);
        }
        assertEquals(List.of(), verify(), "without the stray files the registry is healthy");
        assertEquals("42", get(jdk, VICTIM, 43).value("word0"), "the new entry is intact");
    }

    /**
     * Creates the ready entry "before", then starts a child that creates {@link #VICTIM} (a 4096-byte segment whose
     * initializer writes 7) and is stopped at {@code point}.
     */
    private Process stopCreatingVictim(final Path jdk, final String point) throws Exception
    {
        create(jdk, "before", 1);
        return startStopped(jdk, point, "get", VICTIM, "4096", "value:7", "30000");
    }

    /** {@link #VICTIM}'s slot, which must be initializing and owned by the {@code stopped} child. */
    private static SlotView initializingSlotOf(final RegistryTable table, final Process stopped)
    {
        final SlotView slot = slotOf(table, VICTIM);
        assertEquals(STATE_INITIALIZING, slot.state(), "claimed, not published in the table: " + slot);
        assertEquals(stopped.pid(), slot.ownerPid(), "claimed by the stopped child: " + slot);
        return slot;
    }

    /**
     * Kills a child creating {@link #VICTIM} at {@code point}, inside the claim's slot write, and checks the
     * row "mid slot write": one slot with an odd generation, which the next table-lock holder makes even.
     *
     * @return the slot, as the next table-lock holder left it.
     */
    private SlotView killMidSlotWrite(final Path jdk, final String point) throws Exception
    {
        final Process stopped = stopCreatingVictim(jdk, point);

        final RegistryTable table = table();
        final List<Integer> odd = oddSlots(table);
        assertEquals(1, odd.size(), "one slot mid-write: " + odd);
        final int slot = odd.get(0);
        final long generation = table.generation(slot);
        assertNull(table.read(slot), "a reader gives up on the slot");
        assertTrue(verify().stream().anyMatch(problem -> problem.startsWith("slot " + slot + " ") && problem.contains("mid-write")),
            "verify reports the slot: " + verify());

        kill(stopped);
        assertEquals(generation, table.generation(slot), "the dead writer's generation stays odd until a lock holder comes");

        // Attaching "before" opens the registry, which takes the table lock and repairs: no write to this slot is asked for.
        final Jvm.Result holder = get(jdk, "before", 2);
        assertEquals("true", holder.value("found"));
        assertEquals(generation + 1, table.generation(slot), "the next table-lock holder made the generation even");
        final SlotView repaired = table.read(slot);
        assertNotNull(repaired, "the slot is readable again");
        assertEquals(List.of(), verify());

        assertInitializedOnceByTheNextCaller(jdk, -1);
        return repaired;
    }

    /**
     * The next caller of {@link #VICTIM} initializes it (found false, the initializer's value), and the one after
     * attaches to what it initialized (found true, the same value, not its own): the initializer ran once more.
     *
     * @param slot where the entry must be ready now, or -1 for wherever it was claimed.
     */
    private void assertInitializedOnceByTheNextCaller(final Path jdk, final int slot) throws Exception
    {
        final Jvm.Result next = get(jdk, VICTIM, 42);
        assertEquals("false", next.value("found"), "the next caller initializes");
        assertEquals("42", next.value("word0"));
        final Jvm.Result after = get(jdk, VICTIM, 43);
        assertEquals("true", after.value("found"), "initialized once");
        assertEquals("42", after.value("word0"));
        final SlotView ready = slotOf(table(), VICTIM);
        assertEquals(STATE_READY, ready.state());
        if (slot >= 0)
        {
            assertEquals(slot, ready.index(), "the entry was initialized in the slot the dead child claimed");
        }
    }

    private void create(final Path jdk, final String name, final long value) throws Exception
    {
        final Jvm.Result result = get(jdk, name, value);
        assertEquals("false", result.value("found"), "created " + name);
    }

    /** {@link Child} {@code get}: creates or attaches the segment {@code name}, initialized to {@code value}, in a child. */
    private Jvm.Result get(final Path jdk, final String name, final long value) throws Exception
    {
        final Jvm.Result result = Jvm.run(jdk, work, root().toString(), "get", name, "4096", "value:" + value, "30000");
        assertEquals(0, result.exitCode(), result.output());
        return result;
    }

    /** Starts a {@link Child} running {@code args} and returns once it stands at {@code point} (bounded). */
    private Process startStopped(final Path jdk, final String point, final String... args) throws Exception
    {
        final Path output = work.resolve("stopped.out");
        final List<String> all = new ArrayList<>(List.of(root().toString()));
        all.addAll(List.of(args));
        // The Byte Buddy of the test class path may predate the JDK the child runs on; the agent only adds advice.
        final List<String> options = List.of(Jvm.AGRONA_FLAG, "-Dnet.bytebuddy.experimental=true",
            CrashPointAgent.option(work.resolve("crash-point.jar"), point));
        final Process process = Jvm.start(jdk, output, options, Child.class, all.toArray(String[]::new));
        started.add(process);
        Children.awaitLine(output, "crash-point=", process);
        final String[] parts = point.split("#");
        final String label = parts[0].substring(parts[0].lastIndexOf('.') + 1) + "." + parts[1] + " " + parts[2] + " " + parts[3];
        assertTrue(Files.readString(output).contains("crash-point=" + label + " pid=" + process.pid()),
            "stopped at " + label + ":\n" + Files.readString(output));
        return process;
    }

    /** SIGKILL, and proof that the child died of it, not of anything of its own. */
    private static void kill(final Process process) throws InterruptedException
    {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "child " + process.pid() + " outlived SIGKILL");
        assertEquals(KILLED, process.exitValue(), "child " + process.pid() + " died of the kill");
    }

    private Path root()
    {
        return work.resolve("root");
    }

    private Path directory()
    {
        return RegistryView.open(REGISTRY, RegistryOptions.defaults().root(root())).orElseThrow().directory();
    }

    /** The registry's table, mapped read-only: the reads below take no lock and write nothing. */
    private RegistryTable table()
    {
        return RegistryTable.attach(directory().resolve(OpenRegistry.TABLE_FILE), true);
    }

    private List<String> verify()
    {
        return RegistryView.open(REGISTRY, RegistryOptions.defaults().root(root())).orElseThrow().verify();
    }

    private static SlotView slotOf(final RegistryTable table, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final int slot = table.find(bytes, RegistryTable.hash(bytes));
        assertTrue(slot >= 0, "no slot holds " + name);
        final SlotView view = table.read(slot);
        assertNotNull(view, "slot " + slot + " of " + name + " is readable");
        return view;
    }

    private static List<Integer> oddSlots(final RegistryTable table)
    {
        final List<Integer> odd = new ArrayList<>();
        for (int slot = 0; slot < table.slotCapacity(); slot++)
        {
            if ((table.generation(slot) & 1) != 0)
            {
                odd.add(slot);
            }
        }
        return odd;
    }

    /**
     * Whether no process holds the entry lock of {@code slot}: a POSIX record lock on its byte of
     * {@code registry.lock}, which this JVM can take only if no other process holds it.
     */
    private boolean isEntryLockFree(final int slot) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory().resolve(OpenRegistry.LOCK_FILE),
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock(RegistryDescriptor.entryLockPosition(slot), 1, false);
            if (lock == null)
            {
                return false;
            }
            lock.release();
            return true;
        }
    }

    /** The files of the entry with {@code fileId}, sorted. */
    private List<Path> filesOf(final long fileId) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory(), EntryFiles.glob(fileId)))
        {
            stream.forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    /** Word 0 of a segment file's data, read from the file on disk. */
    private static long firstWord(final Path file) throws IOException
    {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder()).getLong(SegmentDescriptor.HEADER_LENGTH);
    }
}
