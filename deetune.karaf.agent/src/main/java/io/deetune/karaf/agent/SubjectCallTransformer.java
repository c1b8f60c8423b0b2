package io.deetune.karaf.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * Applies {@link SubjectCallRewriter} to the classes of applications (Karaf, its bundles), never to the JDK's
 * own classes (which are built for the new behaviour) nor to the agent's (the helper calls the real methods).
 */
final class SubjectCallTransformer implements ClassFileTransformer {

    private static final String AGENT_PACKAGE = "io/deetune/karaf/agent/";
    private static final String HELPER_PACKAGE = "io/deetune/karaf/subject/";

    private final boolean verbose;

    SubjectCallTransformer(boolean verbose) {
        this.verbose = verbose;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        if (!appliesTo(module, loader, className)) {
            return null;
        }
        try {
            byte[] rewritten = SubjectCallRewriter.rewrite(classFile);
            if (rewritten != null && verbose) {
                System.err.println("[deetune.karaf.agent] rewrote " + String.valueOf(className).replace('/', '.'));
            }
            return rewritten;
        } catch (RuntimeException e) {
            // An exception thrown here would be swallowed by the JVM; say which class keeps its original code.
            System.err.println("[deetune.karaf.agent] left " + className + " unchanged: " + e);
            return null;
        }
    }

    /** Whether a class defined by {@code loader} in {@code module} is application code that may be rewritten. */
    static boolean appliesTo(Module module, ClassLoader loader, String className) {
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return false;
        }
        if (module != null && module.isNamed() && module.getLayer() == ModuleLayer.boot()) {
            return false; // a JDK module defined to the application class loader (jdk.compiler, ...)
        }
        return className == null
                || !(className.startsWith(AGENT_PACKAGE) || className.startsWith(HELPER_PACKAGE));
    }
}
