package io.deetune.karaf.agent;

import io.deetune.karaf.firststart.AdminPassword;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

/**
 * Entry point of the agent ({@code -javaagent:lib/deetune.karaf.agent.jar}, option {@code verbose} to list the
 * classes it rewrites). In Karaf's own JVM it first gives the admin user a password at the first start
 * ({@link AdminPassword}): the agent is what runs before Karaf in every way Karaf is started (bin/karaf, bin/start,
 * Pax Exam). On JDK 24 and later it installs {@link SubjectCallTransformer}; on older JDKs, where the Security
 * Manager era JAAS calls still work, it does nothing more.
 *
 * <p>This class is compiled for Java 11 so that an older JVM can load it and go on; the transformer is
 * compiled for the current JDK and only loaded here, by name, once the JDK is known to be new enough.
 */
public final class SubjectAgent {

    /** The first JDK on which {@code Subject.getSubject(AccessControlContext)} always throws (JEP 486). */
    static final int FIRST_JDK_WITHOUT_SECURITY_MANAGER = 24;

    /** Karaf's own main class (bin/karaf, Pax Exam); bin/client and bin/shell run other mains. */
    static final String KARAF_MAIN = "org.apache.karaf.main.Main";

    private SubjectAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        if (System.getProperty("sun.java.command", "").startsWith(KARAF_MAIN)) {
            AdminPassword.atKarafStart();
        }
        if (Runtime.version().feature() < FIRST_JDK_WITHOUT_SECURITY_MANAGER) {
            return;
        }
        boolean verbose = "verbose".equals(options);
        try {
            Class<?> transformer = Class.forName(SubjectAgent.class.getPackageName() + ".SubjectCallTransformer");
            instrumentation.addTransformer((ClassFileTransformer) transformer
                    .getDeclaredConstructor(boolean.class).newInstance(verbose));
        } catch (ReflectiveOperationException | LinkageError e) {
            // The JVM must still start: without the agent only JAAS features (console login) break.
            System.err.println("[deetune.karaf.agent] not installed, JAAS subjects will not work on JDK "
                    + Runtime.version().feature() + ": " + e);
        }
    }
}
