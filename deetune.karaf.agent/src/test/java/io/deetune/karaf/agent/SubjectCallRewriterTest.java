package io.deetune.karaf.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.karaf.agent.fixture.JaasCalls;
import io.deetune.karaf.agent.fixture.NoJaasCalls;
import io.deetune.karaf.subject.InheritableSubject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.PrivilegedActionException;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.Subject;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class SubjectCallRewriterTest {

    private final Subject alice = new Subject();

    SubjectCallRewriterTest() {
        alice.getPrincipals().add(new X500Principal("CN=alice"));
    }

    @Test
    void originalCodeLosesTheSubjectOnThisJdk() throws Exception {
        // The problem the agent solves, shown on the unchanged fixture: if this ever passes, the JDK changed.
        Class<?> original = FixtureLoader.original().fixture();
        assertInstanceOf(UnsupportedOperationException.class,
                assertThrows(InvocationTargetException.class, () -> call(original, "subjectInsideDoAs")).getCause());
        assertNull(call(original, "subjectThroughDoPrivileged"));
        assertNull(call(original, "subjectOfThreadStartedInside"));
    }

    @Test
    void subjectIsVisibleToGetSubjectInsideDoAs() throws Exception {
        assertSame(alice, call(FixtureLoader.rewritten().fixture(), "subjectInsideDoAs"));
    }

    @Test
    void subjectCarriedByTheAccessControlContextIsHonoured() throws Exception {
        assertSame(alice, call(FixtureLoader.rewritten().fixture(), "subjectThroughDoPrivileged"));
    }

    @Test
    void threadStartedInsideTheCallInheritsTheSubject() throws Exception {
        assertSame(alice, call(FixtureLoader.rewritten().fixture(), "subjectOfThreadStartedInside"));
    }

    @Test
    void subjectDoesNotLeakOutOfTheCall() throws Exception {
        call(FixtureLoader.rewritten().fixture(), "subjectInsideDoAs");
        assertNull(InheritableSubject.current());
    }

    @Test
    void branchyCodePassesTheVerifierAndSeesTheSubjectEveryRound() throws Exception {
        Method count = FixtureLoader.rewritten().fixture()
                .getMethod("countSubjectSightings", Subject.class, int.class);
        assertEquals(10, count.invoke(null, alice, 10));
    }

    @Test
    void checkedExceptionOfAnExceptionActionArrivesWrapped() {
        Throwable thrown = assertThrows(InvocationTargetException.class,
                () -> call(FixtureLoader.rewritten().fixture(), "failingExceptionAction")).getCause();
        assertInstanceOf(PrivilegedActionException.class, thrown);
        assertInstanceOf(IOException.class, thrown.getCause());
    }

    @Test
    void onlyTheOwnerOfTargetCallsChangesAndFramesAreKept() {
        ClassFile classFile = ClassFile.of();
        byte[] before = classBytes(JaasCalls.class);
        ClassModel original = classFile.parse(before);
        ClassModel rewritten = classFile.parse(SubjectCallRewriter.rewrite(before));
        int retargeted = 0;
        for (MethodModel method : original.methods()) {
            MethodModel after = rewritten.methods().stream()
                    .filter(m -> m.methodName().equalsString(method.methodName().stringValue())
                            && m.methodType().equalsString(method.methodType().stringValue()))
                    .findFirst().orElseThrow();
            CodeModel codeBefore = method.code().orElseThrow();
            CodeModel codeAfter = after.code().orElseThrow();
            assertEquals(codeBefore.findAttribute(Attributes.stackMapTable()).map(a -> a.entries().size()),
                    codeAfter.findAttribute(Attributes.stackMapTable()).map(a -> a.entries().size()),
                    "stack map frames of " + method.methodName());
            List<InvokeInstruction> callsBefore = invokes(codeBefore);
            List<InvokeInstruction> callsAfter = invokes(codeAfter);
            assertEquals(callsBefore.size(), callsAfter.size());
            for (int i = 0; i < callsBefore.size(); i++) {
                InvokeInstruction b = callsBefore.get(i);
                InvokeInstruction a = callsAfter.get(i);
                assertEquals(b.name().stringValue(), a.name().stringValue());
                assertEquals(b.type().stringValue(), a.type().stringValue());
                if (b.opcode() == Opcode.INVOKESTATIC && SubjectCallRewriter.isTarget(b.method())) {
                    assertEquals(SubjectCallRewriter.HELPER, a.owner().asSymbol());
                    retargeted++;
                } else {
                    assertEquals(b.owner().asInternalName(), a.owner().asInternalName());
                }
            }
        }
        // doAs x3, callAs, getSubject x2, current x3, doPrivileged: the fixture's calls, lambdas included.
        assertEquals(10, retargeted);
    }

    @Test
    void classWithoutTargetCallsIsLeftAlone() {
        assertNull(SubjectCallRewriter.rewrite(classBytes(NoJaasCalls.class)), "mentions Subject, calls no target");
        assertNull(SubjectCallRewriter.rewrite(classBytes(SubjectCallRewriterTest.class)), "never mentions them");
    }

    @Test
    void helperDeclaresEveryTargetWithTheSameDescriptorAsTheJdk() throws Exception {
        for (SubjectCallRewriter.Target target : SubjectCallRewriter.TARGETS) {
            Method jdk = findStatic(Class.forName(target.owner().replace('/', '.')), target.name(), target.descriptor());
            assertNotNull(jdk, "the JDK has no " + target);
            Method helper = findStatic(InheritableSubject.class, target.name(), target.descriptor());
            assertNotNull(helper, "InheritableSubject has no " + target);
            assertTrue(Modifier.isPublic(helper.getModifiers()), target + " must be public");
            assertArrayEquals(jdk.getExceptionTypes(), helper.getExceptionTypes(), "throws of " + target);
        }
    }

    @Test
    void transformerSkipsTheJdkAndTheAgentItself() {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        Module unnamed = app.getUnnamedModule();
        assertFalse(SubjectCallTransformer.appliesTo(Object.class.getModule(), null, "java/lang/Object"));
        assertFalse(SubjectCallTransformer.appliesTo(unnamed, ClassLoader.getPlatformClassLoader(), "java/sql/Date"));
        assertFalse(SubjectCallTransformer.appliesTo(
                ModuleLayer.boot().findModule("jdk.compiler").orElse(Object.class.getModule()), app, "com/sun/X"));
        assertFalse(SubjectCallTransformer.appliesTo(unnamed, app, "io/deetune/karaf/subject/InheritableSubject"));
        assertFalse(SubjectCallTransformer.appliesTo(unnamed, app, "io/deetune/karaf/agent/SubjectAgent"));
        assertTrue(SubjectCallTransformer.appliesTo(unnamed, app, "org/apache/karaf/util/jaas/JaasHelper"));
    }

    @Test
    void transformerLeavesAnUnparsableClassAloneInsteadOfFailing() {
        byte[] garbage = "not a class, though it names javax/security/auth/Subject".getBytes();
        assertThrows(IllegalArgumentException.class, () -> SubjectCallRewriter.rewrite(garbage));
        ClassLoader app = ClassLoader.getSystemClassLoader();
        assertNull(new SubjectCallTransformer(false).transform(app.getUnnamedModule(), app, "x/Garbage", null, null,
                garbage));
    }

    private Object call(Class<?> fixture, String method) throws Exception {
        return fixture.getMethod(method, Subject.class).invoke(null, alice);
    }

    private static List<InvokeInstruction> invokes(CodeModel code) {
        return code.elementStream().filter(InvokeInstruction.class::isInstance).map(InvokeInstruction.class::cast)
                .toList();
    }

    private static Method findStatic(Class<?> owner, String name, String descriptor) {
        return Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getName().equals(name)
                        && MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                                .toMethodDescriptorString().equals(descriptor))
                .findFirst().orElse(null);
    }

    static byte[] classBytes(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    /** Defines the fixture classes itself (as they are, or rewritten), everything else comes from the test's loader. */
    private static final class FixtureLoader extends ClassLoader {

        private static final String FIXTURES = JaasCalls.class.getPackageName() + ".";

        private final boolean rewrite;

        private FixtureLoader(boolean rewrite) {
            super("fixtures-" + (rewrite ? "rewritten" : "original"), SubjectCallRewriterTest.class.getClassLoader());
            this.rewrite = rewrite;
        }

        static FixtureLoader original() {
            return new FixtureLoader(false);
        }

        static FixtureLoader rewritten() {
            return new FixtureLoader(true);
        }

        Class<?> fixture() throws ClassNotFoundException {
            return loadClass(JaasCalls.class.getName());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(FIXTURES)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] bytes;
                    try {
                        bytes = classBytes(getParent().loadClass(name));
                    } catch (UncheckedIOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    byte[] rewritten = rewrite ? SubjectCallRewriter.rewrite(bytes) : null;
                    byte[] definition = rewritten != null ? rewritten : bytes;
                    loaded = defineClass(name, definition, 0, definition.length);
                }
                return loaded;
            }
        }
    }
}
