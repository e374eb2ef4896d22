package io.dsmreg.agent;

import io.dsmreg.SharedFields;
import io.dsmreg.SharedNamed;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * Rewrites a class that declares {@code SharedNamed} fields, in one ClassReader to ClassWriter
 * pass over its bytes with the ASM that Byte Buddy carries (relocated with it): see
 * {@link FieldFillingVisitor} for the code it inserts. Loaded only when a class that mentions the
 * annotation appears.
 * <p>
 * The class and the annotation are never loaded to decide: the annotation is matched by its
 * descriptor, and what a field means is decided at run time by {@link io.dsmreg.inject.Injection},
 * in one place for the agent and for SharedFields. The inserted code is straight-line and only
 * pushes on the operand stack, so the class's own stack map frames stay valid and
 * {@link ClassWriter#COMPUTE_MAXS} suffices; {@code COMPUTE_FRAMES} would load classes to find
 * common superclasses.
 */
final class FieldInjector
{
    private static final String INJECTION_CLASS_FILE = FieldFillingVisitor.INJECTION + ".class";

    private FieldInjector()
    {
    }

    /** The instrumented class file, or null to leave the class as it is. */
    static byte[] transform(final ClassLoader loader, final String internalName, final byte[] bytes)
    {
        final long started = System.nanoTime();
        final ClassReader reader = new ClassReader(bytes);
        // Given the reader, the writer copies the constant pool and every method left alone verbatim.
        final ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        final FieldFillingVisitor visitor = new FieldFillingVisitor(writer);
        reader.accept(visitor, 0);
        if (visitor.fieldCount() == 0 || !seesCore(loader, internalName))
        {
            return null;
        }
        final byte[] instrumented = writer.toByteArray();
        if (AgentLog.debugging())
        {
            AgentLog.AGENT.debug("instrumented " + internalName.replace('/', '.') + " to fill " + visitor.fieldCount() +
                " @SharedNamed field(s) in " + (System.nanoTime() - started) / 1_000 + " us");
        }
        return instrumented;
    }

    /**
     * Instrumented code calls {@code io.dsmreg.inject.Injection} through the class's own loader;
     * if that loader cannot see dsmreg, the class would fail with NoClassDefFoundError, so it is
     * left alone instead.
     */
    private static boolean seesCore(final ClassLoader loader, final String internalName)
    {
        if (loader.getResource(INJECTION_CLASS_FILE) != null)
        {
            return true;
        }
        AgentLog.AGENT.warning(internalName.replace('/', '.') + " declares @SharedNamed fields but its class loader " + loader +
            " cannot see dsmreg (" + INJECTION_CLASS_FILE + "); its fields stay unset. Let that loader delegate to the " +
            "application class loader, or put dsmreg-core on its class path");
        return false;
    }
}
