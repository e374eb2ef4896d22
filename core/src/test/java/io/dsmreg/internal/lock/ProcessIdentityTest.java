package io.dsmreg.internal.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessIdentityTest
{
    @TempDir
    Path directory;

    @Test
    void theCurrentProcessIsThisJvmWithAKnownStartTime()
    {
        final ProcessIdentity current = ProcessIdentity.current();
        assertEquals(ProcessHandle.current().pid(), current.pid());
        assertTrue(current.startTime() > 0, "start time " + current.startTime());
        assertTrue(current.isAlive());
        assertSame(current, ProcessIdentity.running(current.pid()));
    }

    @Test
    void aRunningChildIsFoundAndStartedNoEarlierThanItsParent() throws Exception
    {
        final Process child = Processes.sleeper();
        try
        {
            final ProcessIdentity running = ProcessIdentity.running(child.pid());
            assertNotNull(running);
            assertEquals(child.pid(), running.pid());
            assertTrue(running.startTime() >= ProcessIdentity.current().startTime(),
                running.startTime() + " is not before " + ProcessIdentity.current().startTime());
            assertEquals(running, ProcessIdentity.running(child.pid()), "every reading gives the same identity");
            assertTrue(running.isAlive());
        }
        finally
        {
            Processes.stop(child);
        }
    }

    @Test
    void anExitedProcessIsNotRunningAndItsIdentityIsDead() throws Exception
    {
        final ProcessIdentity exited = Processes.exited();
        assertNull(ProcessIdentity.running(exited.pid()));
        assertFalse(exited.isAlive());
        assertFalse(new ProcessIdentity(exited.pid(), 0).isAlive(), "not even with an unknown start time");
    }

    @Test
    void aRunningPidWithAnotherStartTimeIsAnotherProcess() throws Exception
    {
        final Process child = Processes.sleeper();
        try
        {
            final ProcessIdentity running = Processes.identityOf(child);
            assertFalse(new ProcessIdentity(running.pid(), running.startTime() + 1).isAlive(), "its pid was reused");
            assertTrue(new ProcessIdentity(running.pid(), 0).isAlive(), "an unknown start time matches any");
        }
        finally
        {
            Processes.stop(child);
        }
    }

    @Test
    void thisProcessesPidWithAnotherStartTimeIsDead()
    {
        final ProcessIdentity current = ProcessIdentity.current();
        assertFalse(new ProcessIdentity(current.pid(), current.startTime() + 1).isAlive());
    }

    @Test
    void pidsBelowOneAreNeverRunning()
    {
        assertNull(ProcessIdentity.running(0));
        assertNull(ProcessIdentity.running(-1));
        assertFalse(new ProcessIdentity(0, 0).isAlive());
        assertFalse(new ProcessIdentity(-1, 0).isAlive());
    }

    @Test
    void aZombieIsNotRunning() throws Exception
    {
        try (Processes.Zombie zombie = Processes.zombie())
        {
            assertNull(ProcessIdentity.running(zombie.pid));
            assertFalse(new ProcessIdentity(zombie.pid, zombie.startTime()).isAlive(), "it will never release anything");
        }
    }

    @Test
    void aCommandNameWithParenthesesAndSpacesDoesNotHideTheFieldsAfterIt() throws Exception
    {
        Processes.assumeProcFileSystem();
        final Path sleep = Path.of("/bin/sleep");
        assumeTrue(Files.isExecutable(sleep), "needs " + sleep);
        // The kernel names the process after the link: "(x) Z 1)" would read as a zombie to a parser that stops at
        // the first ')'.
        final Path link = Files.createSymbolicLink(directory.resolve("x) Z 1"), sleep);
        final Process child = new ProcessBuilder(link.toString(), "60").start();
        try
        {
            final ProcessIdentity running = ProcessIdentity.running(child.pid());
            assertNotNull(running, "a running process, whatever its name");
            assertTrue(running.startTime() >= ProcessIdentity.current().startTime(), "start time " + running.startTime());
        }
        finally
        {
            Processes.stop(child);
            Files.delete(link);
        }
    }
}
