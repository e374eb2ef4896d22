package io.dsmreg.agent;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * The Byte Buddy side, loaded only when a class that mentions the annotation appears. Each
 * {@code SharedNamed} field gets one piece of advice bound to it: static ones are chained into one
 * interception of the type initializer (created if the class has none), which runs them after the
 * class's own initializer; instance ones are added to every constructor's exit.
 * <p>
 * The annotation is matched by name and never loaded here: what a field means is decided at run
 * time by {@link io.dsmreg.inject.Injection}, in one place for the agent and for SharedFields.
 * Plain {@link ByteBuddy} over a {@link TypePool} of the class's own bytes and loader, not an
 * {@code AgentBuilder}: it loads a fraction of the classes, and start-up time is what users pay.
 */
final class FieldInjector
{
    private static final String SHARED_NAMED = "io.dsmreg.SharedNamed";
    private static final String INJECTION_CLASS_FILE = "io/dsmreg/inject/Injection.class";
    // Relocated together with Byte Buddy's own reading of it, so it keeps meaning what it says.
    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private final ElementMatcher.Junction<FieldDescription> annotated = isAnnotatedWith(named(SHARED_NAMED));
    private final ByteBuddy byteBuddy;
    private final Advice.WithCustomMapping mapping = Advice.withCustomMapping();

    private FieldInjector(final ByteBuddy byteBuddy)
    {
        this.byteBuddy = byteBuddy;
    }

    static FieldInjector create()
    {
        // Nothing here needs the Nexus (LoadedTypeInitializer), and touching it warns about Unsafe on JDK 24+.
        final String nexus = System.getProperty(NEXUS_DISABLED);
        System.setProperty(NEXUS_DISABLED, "true");
        try
        {
            // Only the type initializer is intercepted, so the superclasses' methods never matter: not resolving
            // them keeps the class's hierarchy unread.
            return new FieldInjector(new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE));
        }
        finally
        {
            if (nexus == null)
            {
                System.clearProperty(NEXUS_DISABLED);
            }
            else
            {
                System.setProperty(NEXUS_DISABLED, nexus);
            }
        }
    }

    /** The instrumented class file, or null to leave the class as it is. */
    byte[] transform(final ClassLoader loader, final String internalName, final byte[] bytes)
    {
        final long started = System.nanoTime();
        final String name = internalName.replace('/', '.');
        if (!seesCore(loader, name))
        {
            return null;
        }
        final ClassFileLocator locator = new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader));
        final TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
        final TypeDescription type = pool.describe(name).resolve();
        final FieldList<FieldDescription.InDefinedShape> fields = type.getDeclaredFields().filter(annotated);
        if (fields.isEmpty())
        {
            return null;
        }
        DynamicType.Builder<?> builder = byteBuddy.rebase(type, locator);
        Implementation statics = null;
        for (final FieldDescription.InDefinedShape field : fields)
        {
            final Advice advice = mapping
                .bind(new Advice.OffsetMapping.ForField.Resolved.Factory<>(InjectedField.class, field, false, Assigner.Typing.DYNAMIC))
                .bind(FieldName.class, field.getName())
                .to(field.isStatic() ? StaticFieldAdvice.class : InstanceFieldAdvice.class);
            if (field.isStatic())
            {
                statics = advice.wrap(statics == null ? StubMethod.INSTANCE : statics);
            }
            else
            {
                builder = builder.visit(advice.on(isConstructor()));
            }
        }
        if (statics != null)
        {
            // Only the last intercept() of a method counts, hence one chained interception for all static fields.
            builder = builder.invokable(isTypeInitializer()).intercept(statics);
        }
        final byte[] instrumented = builder.make(pool).getBytes();
        if (AgentLog.debugging())
        {
            AgentLog.debug("instrumented " + name + " to fill " + fields.size() + " @SharedNamed field(s) in " +
                (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        return instrumented;
    }

    /**
     * Instrumented code calls {@code io.dsmreg.inject.Injection} through the class's own loader;
     * if that loader cannot see dsmreg, the class would fail with NoClassDefFoundError, so it is
     * left alone instead. (Byte Buddy, like reflection, would not even list an annotation whose
     * type it cannot find: without this check such fields would stay unset without a word.)
     */
    private static boolean seesCore(final ClassLoader loader, final String name)
    {
        if (loader.getResource(INJECTION_CLASS_FILE) != null)
        {
            return true;
        }
        AgentLog.warning(name + " declares @SharedNamed fields but its class loader " + loader + " cannot see dsmreg (" +
            INJECTION_CLASS_FILE + "); its fields stay unset. Let that loader delegate to the application class loader, " +
            "or put dsmreg-core on its class path");
        return false;
    }
}
