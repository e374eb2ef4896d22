package io.dsmreg;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module exports the API and nothing of the engine, and the API exposes no engine type. */
class ModuleDescriptorTest
{
    private static final Set<String> EXPORTED = Set.of("io.dsmreg", "io.dsmreg.jmx", "io.dsmreg.inject");

    @Test
    void theModuleExportsTheApiAndNoInternalPackage() throws Exception
    {
        final ModuleDescriptor descriptor = descriptor();
        assertEquals("io.dsmreg", descriptor.name());
        final Set<String> exported = descriptor.exports().stream()
            .filter(export -> !export.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(EXPORTED), exported);
        assertTrue(descriptor.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), descriptor.exports().toString());
        assertTrue(descriptor.requires().stream().anyMatch(requires -> requires.name().equals("org.agrona") &&
            requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)), descriptor.requires().toString());
    }

    @Test
    void noPublicMemberOfAnExportedTypeMentionsAnEngineType() throws Exception
    {
        final List<String> leaks = new ArrayList<>();
        for (final Class<?> type : exportedTypes())
        {
            if (!Modifier.isPublic(type.getModifiers()))
            {
                continue;
            }
            for (final var method : type.getMethods())
            {
                final List<Class<?>> mentioned = new ArrayList<>(List.of(method.getParameterTypes()));
                mentioned.add(method.getReturnType());
                mentioned.addAll(List.of(method.getExceptionTypes()));
                mentioned.stream().filter(ModuleDescriptorTest::isEngine)
                    .forEach(engine -> leaks.add(type.getName() + "." + method.getName() + " mentions " + engine.getName()));
            }
            for (final var constructor : type.getConstructors())
            {
                Stream.of(constructor.getParameterTypes()).filter(ModuleDescriptorTest::isEngine)
                    .forEach(engine -> leaks.add(type.getName() + "'s constructor mentions " + engine.getName()));
            }
            for (final var field : type.getFields())
            {
                if (isEngine(field.getType()))
                {
                    leaks.add(type.getName() + "." + field.getName() + " is of " + field.getType().getName());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static boolean isEngine(final Class<?> type)
    {
        final Class<?> element = type.isArray() ? type.getComponentType() : type;
        return element.getPackageName().startsWith("io.dsmreg.internal");
    }

    private static ModuleDescriptor descriptor() throws IOException, URISyntaxException
    {
        final Path file = classes().resolve("module-info.class");
        assertTrue(Files.exists(file), "module-info.class is missing from " + classes());
        try (InputStream in = Files.newInputStream(file))
        {
            return ModuleDescriptor.read(in);
        }
    }

    private static Path classes() throws URISyntaxException
    {
        return Path.of(DsmRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<Class<?>> exportedTypes() throws IOException, URISyntaxException, ClassNotFoundException
    {
        final Path classes = classes();
        final List<Class<?>> types = new ArrayList<>();
        for (final String exported : EXPORTED)
        {
            try (Stream<Path> files = Files.list(classes.resolve(exported.replace('.', '/'))))
            {
                for (final Path file : (Iterable<Path>)files::iterator)
                {
                    final String name = file.getFileName().toString();
                    if (name.endsWith(".class") && !name.equals("package-info.class"))
                    {
                        types.add(Class.forName(exported + "." + name.substring(0, name.length() - ".class".length())));
                    }
                }
            }
        }
        assertTrue(types.size() > 20, types.toString());
        return types;
    }
}
