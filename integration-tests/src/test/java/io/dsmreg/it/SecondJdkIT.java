package io.dsmreg.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The second JDK the multi-process tests run on. The tests that spread the children of one run over
 * both JDKs (counters, growth, area stress and kills) run on this one alone when it is missing: this
 * test is then reported as skipped, with the reason, so that the report says so.
 */
class SecondJdkIT
{
    @TempDir
    Path work;

    @Test
    void theSecondJdkIsInstalledForTheTestsThatSpreadTheirChildrenOverBothJdks() throws Exception
    {
        final Path second = Jvm.second();
        assumeTrue(Jvm.isInstalled(second), () -> Jvm.notInstalled(second));
        assertTrue(Jvm.installed().stream().anyMatch(home -> home.normalize().equals(second.normalize())), Jvm.installed().toString());
        final Jvm.Result version = Jvm.runJava(second, work, "java -version", List.of("-version"));
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().contains(" version \"25"), "the second JDK is a JDK 25: " + version.output());
    }
}
