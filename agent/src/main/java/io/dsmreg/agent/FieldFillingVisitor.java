package io.dsmreg.agent;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the class's {@code SharedNamed} fields and fills them: ASM visits every field (with its
 * annotations) before any method, so they are all known when the initializer and the constructors
 * pass through. For each field, before every {@code return} of {@code <clinit>} (static fields;
 * a {@code <clinit>} is added when the class has none) or of every constructor that calls
 * {@code super(...)} rather than {@code this(...)} (instance fields):
 * <pre>
 * [aload_0]  ldc Owner.class  ldc "field"  ldc value  ldc2_w size  ldc init ... ldc valueCodec
 * invokestatic Injection.resolve(Class, String, String, long, String, ...) Object
 * checkcast FieldType  putstatic|putfield Owner.field
 * </pre>
 * The annotation's values are passed as constants, read here from the class file, so that the
 * field's resolution never reads the annotation through the JDK's proxy (15 to 20 ms in a cold JVM).
 * {@code putstatic}/{@code putfield} there is legal for {@code final} fields too. A primitive field
 * gets {@code pop} instead: resolve throws for it, naming the field, and that is all that can happen.
 */
final class FieldFillingVisitor extends ClassVisitor
{
    static final String INJECTION = "io/dsmreg/inject/Injection";
    private static final String SHARED_NAMED = "Lio/dsmreg/SharedNamed;";
    private static final String RESOLVE = "resolve";
    /**
     * The attributes of {@code SharedNamed} in the order {@code Injection.resolve} takes them after
     * the owner and the field's name, each with its descriptor in the annotation; a left-out attribute is passed as its
     * type's zero value ({@code ""} for strings), a class value as its binary name.
     */
    static final String[][] ATTRIBUTES = {
        {"value", "Ljava/lang/String;"}, {"size", "J"}, {"init", "Ljava/lang/Class;"}, {"arg", "Ljava/lang/String;"},
        {"registry", "Ljava/lang/String;"}, {"keySize", "I"}, {"entrySize", "I"}, {"stringKeys", "Z"},
        {"keyCodec", "Ljava/lang/Class;"}, {"valueCodec", "Ljava/lang/Class;"}};
    static final String RESOLVE_DESCRIPTOR = "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;JLjava/lang/String;" +
        "Ljava/lang/String;Ljava/lang/String;IIZLjava/lang/String;Ljava/lang/String;)Ljava/lang/Object;";
    private static final String CLASS_INITIALIZER = "<clinit>";
    private static final String CONSTRUCTOR = "<init>";

    private final List<Field> statics = new ArrayList<>();
    private final List<Field> instances = new ArrayList<>();
    private String owner;
    private boolean hasClassInitializer;

    FieldFillingVisitor(final ClassVisitor writer)
    {
        super(Opcodes.ASM9, writer);
    }

    int fieldCount()
    {
        return statics.size() + instances.size();
    }

    @Override
    public void visit(
        final int version, final int access, final String name, final String signature, final String superName,
        final String[] interfaces)
    {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(
        final int access, final String name, final String descriptor, final String signature, final Object value)
    {
        final Field field = new Field(name, descriptor, new Object[ATTRIBUTES.length]);
        final List<Field> kind = (access & Opcodes.ACC_STATIC) != 0 ? statics : instances;
        return new FieldVisitor(Opcodes.ASM9, super.visitField(access, name, descriptor, signature, value))
        {
            @Override
            public AnnotationVisitor visitAnnotation(final String annotation, final boolean visible)
            {
                final AnnotationVisitor copy = super.visitAnnotation(annotation, visible);
                if (!SHARED_NAMED.equals(annotation))
                {
                    return copy;
                }
                kind.add(field);
                return new AnnotationVisitor(Opcodes.ASM9, copy)
                {
                    @Override
                    public void visit(final String attribute, final Object attributeValue)
                    {
                        for (int i = 0; i < ATTRIBUTES.length; i++)
                        {
                            if (ATTRIBUTES[i][0].equals(attribute))
                            {
                                field.values[i] = attributeValue;
                            }
                        }
                        super.visit(attribute, attributeValue);
                    }
                };
            }
        };
    }

    @Override
    public MethodVisitor visitMethod(
        final int access, final String name, final String descriptor, final String signature, final String[] exceptions)
    {
        final MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (CLASS_INITIALIZER.equals(name))
        {
            hasClassInitializer = true;
            return statics.isEmpty() ? method : new BeforeReturn(method, statics, true);
        }
        if (CONSTRUCTOR.equals(name) && !instances.isEmpty())
        {
            return new BeforeReturn(method, instances, false);
        }
        return method;
    }

    @Override
    public void visitEnd()
    {
        if (!hasClassInitializer && !statics.isEmpty())
        {
            final MethodVisitor method = new BeforeReturn(
                super.visitMethod(Opcodes.ACC_STATIC, CLASS_INITIALIZER, "()V", null, null), statics, true);
            method.visitCode();
            method.visitInsn(Opcodes.RETURN);
            // Recomputed by the writer (COMPUTE_MAXS).
            method.visitMaxs(0, 0);
            method.visitEnd();
        }
        super.visitEnd();
    }

    /** An annotated field and its annotation's values by {@link #ATTRIBUTES} index, null where left out. */
    private record Field(String name, String descriptor, Object[] values)
    {
    }

    /**
     * Inserts the filling code before every {@code return}; in a constructor only once it is known
     * to call {@code super(...)}. Its first {@code invokespecial <init>} that does not construct an
     * object of a preceding {@code new} initializes {@code this}: a delegating constructor calls
     * one of its own class, and the constructor it calls fills the fields.
     */
    private final class BeforeReturn extends MethodVisitor
    {
        private final List<Field> fields;
        private final boolean isStatic;
        private boolean fills;
        private boolean thisInitialized;
        private int pendingNew;

        BeforeReturn(final MethodVisitor method, final List<Field> fields, final boolean isStatic)
        {
            super(Opcodes.ASM9, method);
            this.fields = fields;
            this.isStatic = isStatic;
            this.fills = isStatic;
        }

        @Override
        public void visitTypeInsn(final int opcode, final String type)
        {
            if (opcode == Opcodes.NEW)
            {
                pendingNew++;
            }
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitMethodInsn(
            final int opcode, final String owner, final String name, final String descriptor, final boolean isInterface)
        {
            if (opcode == Opcodes.INVOKESPECIAL && CONSTRUCTOR.equals(name) && !isStatic && !thisInitialized)
            {
                if (pendingNew > 0)
                {
                    pendingNew--;
                }
                else
                {
                    thisInitialized = true;
                    fills = !owner.equals(FieldFillingVisitor.this.owner);
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInsn(final int opcode)
        {
            if (opcode == Opcodes.RETURN && fills)
            {
                for (final Field field : fields)
                {
                    fill(field);
                }
            }
            super.visitInsn(opcode);
        }

        private void fill(final Field field)
        {
            final Type type = Type.getType(field.descriptor);
            final boolean reference = type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
            if (reference && !isStatic)
            {
                super.visitVarInsn(Opcodes.ALOAD, 0);
            }
            super.visitLdcInsn(Type.getObjectType(owner));
            super.visitLdcInsn(field.name);
            for (int i = 0; i < ATTRIBUTES.length; i++)
            {
                pushAttribute(ATTRIBUTES[i][1], field.values[i]);
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, INJECTION, RESOLVE, RESOLVE_DESCRIPTOR, false);
            if (!reference)
            {
                super.visitInsn(Opcodes.POP);
                return;
            }
            super.visitTypeInsn(Opcodes.CHECKCAST, type.getInternalName());
            super.visitFieldInsn(isStatic ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD, owner, field.name, field.descriptor);
        }

        /** Pushes one annotation value as {@code Injection.resolve} takes it. */
        private void pushAttribute(final String descriptor, final Object value)
        {
            switch (descriptor)
            {
                case "J" -> super.visitLdcInsn(value == null ? 0L : value);
                case "I" -> super.visitLdcInsn(value == null ? 0 : value);
                case "Z" -> super.visitInsn(Boolean.TRUE.equals(value) ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
                case "Ljava/lang/Class;" -> super.visitLdcInsn(value == null ? "" : ((Type)value).getClassName());
                default -> super.visitLdcInsn(value == null ? "" : value);
            }
        }
    }
}
