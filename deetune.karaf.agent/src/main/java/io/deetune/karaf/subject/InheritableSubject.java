package io.deetune.karaf.subject;

import java.security.AccessControlContext;
import java.security.DomainCombiner;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import javax.security.auth.Subject;
import javax.security.auth.SubjectDomainCombiner;

/**
 * Stands in for the static methods of {@link Subject} and {@code AccessController} that JAAS code of the
 * Security Manager era uses, once {@link io.deetune.karaf.agent.SubjectAgent} has retargeted their call sites
 * here. Every method has the name and descriptor of the method it replaces.
 *
 * <p>On JDK 24 and later, {@code Subject.getSubject(acc)} throws, {@code AccessController.doPrivileged(action,
 * acc)} ignores the subject that {@code acc} carries, and {@link Subject#current()} is a scoped value that
 * threads started inside {@code callAs} do not see. Karaf sets the shell user's subject through
 * {@code doPrivileged(action, acc)} and runs commands on threads it starts inside the session, so it loses the
 * subject three ways. Here the subject is also kept in an {@link InheritableThreadLocal}, which a thread
 * started inside a session inherits, and a subject carried by an {@code acc} (through its
 * {@link SubjectDomainCombiner}) is honoured again.
 *
 * <p>This package must be visible to every bundle: it is listed in {@code org.osgi.framework.bootdelegation}.
 */
@SuppressWarnings("removal")
public final class InheritableSubject {

    /** The subject of the innermost call made through this class, inherited by threads started inside it. */
    private static final InheritableThreadLocal<Subject> SUBJECT = new InheritableThreadLocal<>();

    private InheritableSubject() {
    }

    /**
     * The current subject: the JDK's own when some {@code Subject.callAs} (ours, or one inside the JDK, such
     * as JMX's) is running on this thread, else the one inherited from the thread that started this one.
     */
    public static Subject current() {
        Subject subject = Subject.current();
        return subject != null ? subject : SUBJECT.get();
    }

    /** Replaces {@code Subject.getSubject(acc)}: the subject {@code acc} carries, else the current subject. */
    public static Subject getSubject(AccessControlContext acc) {
        Objects.requireNonNull(acc, "Subject.getSubject: the AccessControlContext is null");
        Subject carried = carriedSubject(acc);
        return carried != null ? carried : current();
    }

    /** Replaces {@code Subject.callAs}: runs {@code action} as {@code subject}, also for threads it starts. */
    public static <T> T callAs(Subject subject, Callable<T> action) throws CompletionException {
        Objects.requireNonNull(action, "Subject.callAs: the action is null");
        Subject outer = SUBJECT.get();
        SUBJECT.set(subject);
        try {
            return Subject.callAs(subject, action);
        } finally {
            if (outer == null) {
                SUBJECT.remove();
            } else {
                SUBJECT.set(outer);
            }
        }
    }

    /** Replaces {@code Subject.doAs(subject, PrivilegedAction)}. */
    public static <T> T doAs(Subject subject, PrivilegedAction<T> action) {
        Objects.requireNonNull(action, "Subject.doAs: the action is null");
        try {
            return callAs(subject, action::run);
        } catch (CompletionException e) {
            throw uncheckedCause(e);
        }
    }

    /** Replaces {@code Subject.doAs(subject, PrivilegedExceptionAction)}. */
    public static <T> T doAs(Subject subject, PrivilegedExceptionAction<T> action)
            throws PrivilegedActionException {
        Objects.requireNonNull(action, "Subject.doAs: the action is null");
        try {
            return callAs(subject, action::run);
        } catch (CompletionException e) {
            throw checkedCause(e);
        }
    }

    /** Replaces {@code Subject.doAsPrivileged(subject, PrivilegedAction, acc)}; like the JDK, ignores acc. */
    public static <T> T doAsPrivileged(Subject subject, PrivilegedAction<T> action, AccessControlContext acc) {
        return doAs(subject, action);
    }

    /** Replaces {@code Subject.doAsPrivileged(subject, PrivilegedExceptionAction, acc)}; ignores acc. */
    public static <T> T doAsPrivileged(Subject subject, PrivilegedExceptionAction<T> action,
            AccessControlContext acc) throws PrivilegedActionException {
        return doAs(subject, action);
    }

    /**
     * Replaces {@code AccessController.doPrivileged(action, acc)}: runs {@code action} as the subject
     * {@code acc} carries, if any (this is how Karaf's JaasHelper sets the subject), else just runs it.
     */
    public static <T> T doPrivileged(PrivilegedAction<T> action, AccessControlContext acc) {
        Objects.requireNonNull(action, "AccessController.doPrivileged: the action is null");
        Subject carried = acc == null ? null : carriedSubject(acc);
        return carried == null ? action.run() : doAs(carried, action);
    }

    /** Replaces {@code AccessController.doPrivileged(PrivilegedExceptionAction, acc)}. */
    public static <T> T doPrivileged(PrivilegedExceptionAction<T> action, AccessControlContext acc)
            throws PrivilegedActionException {
        Objects.requireNonNull(action, "AccessController.doPrivileged: the action is null");
        Subject carried = acc == null ? null : carriedSubject(acc);
        if (carried != null) {
            return doAs(carried, action);
        }
        try {
            return action.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new PrivilegedActionException(e);
        }
    }

    private static Subject carriedSubject(AccessControlContext acc) {
        DomainCombiner combiner = acc.getDomainCombiner();
        return combiner instanceof SubjectDomainCombiner subjectCombiner ? subjectCombiner.getSubject() : null;
    }

    private static RuntimeException uncheckedCause(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        // A PrivilegedAction cannot throw a checked exception; keep the wrapper rather than lose it.
        return e;
    }

    private static PrivilegedActionException checkedCause(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new PrivilegedActionException(cause instanceof Exception checked ? checked : e);
    }
}
