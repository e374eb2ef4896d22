package io.dsmreg.it;

import io.dsmreg.DsmRegistry;
import io.dsmreg.internal.file.Directories;

/**
 * The program of {@link DefaultsIT}'s child JVMs, which differ only in their system properties and
 * environment: {@code RootChild open <registry>} opens the registry with {@code DsmRegistry.open(name)},
 * no options, creates a segment in it and prints {@code directory=}; {@code RootChild root} prints
 * {@code root=}, the default root, and creates nothing.
 */
public final class RootChild
{
    private RootChild()
    {
    }

    public static void main(final String[] args)
    {
        if (args[0].equals("root"))
        {
            System.out.println("root=" + Directories.root(null));
            return;
        }
        try (DsmRegistry registry = DsmRegistry.open(args[1]))
        {
            System.out.println("found=" + registry.segment("defaults", 64).found());
            System.out.println("directory=" + registry.directory());
        }
    }
}
