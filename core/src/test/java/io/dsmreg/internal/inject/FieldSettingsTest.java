package io.dsmreg.internal.inject;

import io.dsmreg.DsmRegistry;
import io.dsmreg.DsmRegistryException;
import io.dsmreg.internal.file.Directories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@link FieldValues#checkSettings}: what premain reports, and what the fields are told afterwards. */
class FieldSettingsTest
{
    private static final String NAME_FIX = ". Give it a name of letters, digits, '.', '_' and '-', or leave it out to use \"default\"";

    @TempDir
    Path root;

    @AfterEach
    void forgetTheSettings()
    {
        FieldValues.configure(null, null, null);
        System.clearProperty(Directories.ROOT_PROPERTY);
    }

    @Test
    void usableSettingsAreNoProblem()
    {
        FieldValues.configure("orders", root.toString(), null);
        assertEquals(List.of(), FieldValues.checkSettings());
        assertFalse(Files.exists(root.resolve("dsmreg-" + System.getProperty("user.name"))), "nothing was created");
    }

    @Test
    void anInvalidRegistryNameFailsTheFieldsThatNameNoneAndOnlyThose()
    {
        FieldValues.configure("bad/name", root.toString(), null);
        final String expected = "the agent argument registry=bad/name cannot be used: registry name \"bad/name\" has the " +
            "character '/' at index 3; use only letters, digits, '.', '_' and '-' (it names a directory)" + NAME_FIX;
        assertEquals(List.of(expected), FieldValues.checkSettings());
        assertEquals(expected, assertThrows(DsmRegistryException.class, () -> FieldValues.registry(null)).getMessage());
        final DsmRegistry own = FieldValues.registry("settings-own");
        assertEquals("settings-own", own.name(), "a field naming its own registry is not affected");
    }

    @Test
    void anEmptyRegistryIsRefusedRatherThanReplacedByTheDefault()
    {
        FieldValues.configure("", root.toString(), null);
        assertEquals(List.of("the agent argument registry= cannot be used: registry name cannot be empty" + NAME_FIX),
            FieldValues.checkSettings());
        assertThrows(DsmRegistryException.class, FieldValues::defaultRegistry);
    }

    @Test
    void anUnusableDirectoryFailsEveryFieldNamingTheSettingThatGaveIt() throws IOException
    {
        final Path file = Files.writeString(root.resolve("file"), "x");
        FieldValues.configure(null, file.toString(), null);
        final String expected = "the agent argument dir=" + file + " cannot be used: " + file + " is not a directory. Give dir= " +
            "a writable directory on tmpfs, such as /dev/shm, or leave it out to use the default";
        assertEquals(List.of(expected), FieldValues.checkSettings());
        assertEquals(expected, assertThrows(DsmRegistryException.class, () -> FieldValues.registry("explicit")).getMessage());

        FieldValues.configure(null, null, null);
        System.setProperty(Directories.ROOT_PROPERTY, file.toString());
        assertEquals(List.of("-Ddsmreg.dir=" + file + " cannot be used: " + file + " is not a directory. Give -Ddsmreg.dir= " +
            "a writable directory on tmpfs, such as /dev/shm, or leave it out to use the default"), FieldValues.checkSettings());

        FieldValues.configure(null, "", null);
        assertEquals(List.of("the agent argument dir= cannot be used: it has no value. Give dir= a writable directory on tmpfs, " +
            "such as /dev/shm, or leave it out to use the default"), FieldValues.checkSettings(), "not the property: no fallback");
    }

    @Test
    void configuringAgainForgetsTheProblemsFound()
    {
        FieldValues.configure("bad/name", root.toString(), null);
        assertEquals(1, FieldValues.checkSettings().size());
        FieldValues.configure("settings-good", root.toString(), null);
        assertEquals("settings-good", FieldValues.defaultRegistry().name());
    }
}
