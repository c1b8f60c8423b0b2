package io.deetune.karaf.agent;

import io.deetune.karaf.subject.InheritableSubject;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Retargets, in one class file, the {@code invokestatic} calls of the JAAS methods that JDK 24 changed
 * ({@code Subject.getSubject/current/callAs/doAs/doAsPrivileged} and
 * {@code AccessController.doPrivileged(action, acc)}) to {@link InheritableSubject}, which has methods of the
 * same names and descriptors.
 *
 * <p>Only the owner of each call changes: the instruction keeps its length (three bytes), so every branch
 * offset and the method's original stack map frames stay valid and are kept as they are. Computing new frames
 * would need the class hierarchy, that is loading other classes in the middle of loading this one.
 */
public final class SubjectCallRewriter {

    static final String SUBJECT = "javax/security/auth/Subject";
    static final String ACCESS_CONTROLLER = "java/security/AccessController";
    static final ClassDesc HELPER = ClassDesc.of(InheritableSubject.class.getName());

    /** A static method whose call sites move to the helper, as owner, name and descriptor. */
    record Target(String owner, String name, String descriptor) {
    }

    /** Every method retargeted; {@code InheritableSubject} declares each with the same name and descriptor. */
    static final Set<Target> TARGETS = Set.of(
            new Target(SUBJECT, "getSubject", "(Ljava/security/AccessControlContext;)Ljavax/security/auth/Subject;"),
            new Target(SUBJECT, "current", "()Ljavax/security/auth/Subject;"),
            new Target(SUBJECT, "callAs",
                    "(Ljavax/security/auth/Subject;Ljava/util/concurrent/Callable;)Ljava/lang/Object;"),
            new Target(SUBJECT, "doAs",
                    "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;)Ljava/lang/Object;"),
            new Target(SUBJECT, "doAs",
                    "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedExceptionAction;)Ljava/lang/Object;"),
            new Target(SUBJECT, "doAsPrivileged", "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;"
                    + "Ljava/security/AccessControlContext;)Ljava/lang/Object;"),
            new Target(SUBJECT, "doAsPrivileged", "(Ljavax/security/auth/Subject;"
                    + "Ljava/security/PrivilegedExceptionAction;Ljava/security/AccessControlContext;)Ljava/lang/Object;"),
            new Target(ACCESS_CONTROLLER, "doPrivileged",
                    "(Ljava/security/PrivilegedAction;Ljava/security/AccessControlContext;)Ljava/lang/Object;"),
            new Target(ACCESS_CONTROLLER, "doPrivileged",
                    "(Ljava/security/PrivilegedExceptionAction;Ljava/security/AccessControlContext;)Ljava/lang/Object;"));

    private static final byte[][] OWNER_NAMES = {
            SUBJECT.getBytes(StandardCharsets.UTF_8), ACCESS_CONTROLLER.getBytes(StandardCharsets.UTF_8)};

    /** Frames are copied from the original method, never computed (see the class comment). */
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    /** Each method body gets its own {@link Retarget}, which needs that body's stack map. */
    private static final MethodTransform RETARGET_CALLS = (method, element) -> {
        if (element instanceof CodeModel code) {
            method.transformCode(code, new Retarget(code));
        } else {
            method.with(element);
        }
    };

    private SubjectCallRewriter() {
    }

    /**
     * Returns {@code classFile} with its calls of the target methods retargeted to the helper, or {@code null}
     * when it calls none of them (the common case, decided from the constant pool alone).
     *
     * @throws IllegalArgumentException if {@code classFile} is not a class file the JDK can parse
     */
    public static byte[] rewrite(byte[] classFile) {
        if (!mentionsAnOwner(classFile)) {
            return null;
        }
        ClassModel model = CLASS_FILE.parse(classFile);
        if (!callsATarget(model)) {
            return null;
        }
        return CLASS_FILE.transformClass(model, ClassTransform.transformingMethods(
                SubjectCallRewriter::callsATarget, RETARGET_CALLS));
    }

    static boolean isTarget(MemberRefEntry call) {
        return TARGETS.contains(new Target(call.owner().asInternalName(), call.name().stringValue(),
                call.type().stringValue()));
    }

    /** A cheap first test on the raw bytes: class names sit in the constant pool as UTF-8. */
    private static boolean mentionsAnOwner(byte[] classFile) {
        for (byte[] name : OWNER_NAMES) {
            if (indexOf(classFile, name) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean callsATarget(ClassModel model) {
        for (PoolEntry entry : model.constantPool()) {
            if (entry instanceof MethodRefEntry call && isTarget(call)) {
                return true;
            }
        }
        return false;
    }

    private static boolean callsATarget(MethodModel method) {
        return method.code().map(code -> code.elementStream().anyMatch(
                e -> e instanceof InvokeInstruction call && call.opcode() == Opcode.INVOKESTATIC
                        && isTarget(call.method()))).orElse(false);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Swaps the owner of target calls and keeps the method's original stack map frames. */
    private static final class Retarget implements CodeTransform {

        private final CodeModel original;

        Retarget(CodeModel original) {
            this.original = original;
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            if (element instanceof InvokeInstruction call && call.opcode() == Opcode.INVOKESTATIC
                    && isTarget(call.method())) {
                builder.invokestatic(HELPER, call.name().stringValue(), call.typeSymbol(), false);
            } else {
                builder.with(element);
            }
        }

        @Override
        public void atEnd(CodeBuilder builder) {
            original.findAttribute(Attributes.stackMapTable()).ifPresent(builder::with);
        }
    }
}
