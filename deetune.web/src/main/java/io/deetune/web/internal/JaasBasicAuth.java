package io.deetune.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * HTTP Basic authentication against a JAAS realm: Karaf's {@code karaf} realm, so the API knows the same users,
 * passwords and roles as the console and the web console ({@code etc/users.properties}).
 */
final class JaasBasicAuth {

    private final String realm;
    private final Set<String> roles;

    /**
     * @param realm the JAAS realm ({@code karaf})
     * @param roles a caller needs one of these roles
     */
    JaasBasicAuth(String realm, Set<String> roles) {
        this.realm = realm;
        this.roles = Set.copyOf(roles);
    }

    String realm() {
        return realm;
    }

    /** The user of a valid {@code Authorization: Basic} header whose roles allow access; empty otherwise. */
    Optional<String> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Karaf's login modules live on the system class path (lib/boot); JAAS looks them up through the TCCL.
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            LoginContext login = new LoginContext(realm, subject, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(user);
                    } else if (callback instanceof PasswordCallback pass) {
                        pass.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            boolean allowed = subject.getPrincipals().stream().anyMatch(this::isAllowedRole);
            login.logout();
            return allowed ? Optional.of(user) : Optional.empty();
        } catch (LoginException e) {
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Karaf's role principals are of class RolePrincipal; match by class name to stay free of Karaf's jars. */
    private boolean isAllowedRole(Principal principal) {
        return principal.getClass().getSimpleName().equals("RolePrincipal") && roles.contains(principal.getName());
    }
}
