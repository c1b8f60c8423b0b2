package io.deetune.karaf.itest;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/** Runs console commands inside the container as a given JAAS user, the way Karaf's own consoles do. */
final class KarafConsole {

    /** A user with the roles of etc/users.properties' admin group. */
    static final Subject ADMIN = user("admin", "admin", "manager", "viewer", "systembundles", "ssh");

    private final SessionFactory sessions;

    KarafConsole(SessionFactory sessions) {
        this.sessions = sessions;
    }

    static Subject user(String name, String... roles) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return subject;
    }

    /**
     * Runs {@code command} as {@code subject} in a new shell session; returns what it printed, followed by its
     * result or, if it failed, by the error the user would see.
     */
    String execute(Subject subject, String command) {
        return execute(subject, command, Map.of());
    }

    /** As {@link #execute(Subject, String)}, with session variables set first (the command reads them as {@code $name}). */
    @SuppressWarnings("removal") // Subject.doAs: what Karaf's own code calls; the agent retargets it on JDK 24+
    String execute(Subject subject, String command, Map<String, Object> variables) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Session session = sessions.create(InputStream.nullInputStream(), out, out);
        variables.forEach(session::put);
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (Exception e) {
            out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            session.close();
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
