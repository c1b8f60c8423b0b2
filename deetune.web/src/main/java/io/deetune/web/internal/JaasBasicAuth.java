package io.deetune.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
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

    /** What a request's credentials are worth. */
    enum Result {
        /** No {@code Authorization: Basic} header: the client has not tried yet. */
        NO_CREDENTIALS,
        /** A wrong user or password, or a header that is not valid Basic credentials: a failed login. */
        WRONG,
        /** The right password, but none of the roles that are needed. */
        NOT_PERMITTED,
        ALLOWED
    }

    /** The result of a login, and the user and the roles of {@code roles} it has if the credentials were right. */
    record Login(Result result, String user, Set<String> roles) {

        Login(Result result, String user) {
            this(result, user, Set.of());
        }
    }

    /** Checks an {@code Authorization} header against the realm and the roles. */
    Login authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new Login(Result.NO_CREDENTIALS, null);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Login(Result.WRONG, null);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Login(Result.WRONG, null);
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
            Set<String> granted = subject.getPrincipals().stream().filter(this::isAllowedRole).map(Principal::getName)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            login.logout();
            return new Login(granted.isEmpty() ? Result.NOT_PERMITTED : Result.ALLOWED, user, granted);
        } catch (LoginException e) {
            return new Login(Result.WRONG, null);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Karaf's role principals are of class RolePrincipal; match by class name to stay free of Karaf's jars. */
    private boolean isAllowedRole(Principal principal) {
        return principal.getClass().getSimpleName().equals("RolePrincipal") && roles.contains(principal.getName());
    }
}
