package io.deetune.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which logins the cache answers itself and which it sends to the realm, on a clock and users file the test sets. */
class LoginCacheTest {

    private static final String ALICE = "Basic YWxpY2U6cHc="; // alice:pw
    private static final String BOB = "Basic Ym9iOnB3"; // bob:pw

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicReference<Object> users = new AtomicReference<>("v1");
    private final LoginCache cache = new LoginCache(Duration.ofSeconds(5), now::get, users::get);
    private final Map<String, JaasBasicAuth.Login> realm = new HashMap<>(Map.of(
            ALICE, new JaasBasicAuth.Login(JaasBasicAuth.Result.ALLOWED, "alice", Set.of("viewer"))));
    private int realmLogins;

    private final Function<String, JaasBasicAuth.Login> login = header -> {
        realmLogins++;
        if (header == null) {
            return new JaasBasicAuth.Login(JaasBasicAuth.Result.NO_CREDENTIALS, null);
        }
        return realm.getOrDefault(header, new JaasBasicAuth.Login(JaasBasicAuth.Result.WRONG, null));
    };

    @Test
    void aSuccessfulLoginIsReusedUntilItsTimeIsUp() {
        assertEquals("alice", cache.authenticate(ALICE, login).user());
        now.addAndGet(Duration.ofMillis(4_999).toNanos());
        assertEquals(JaasBasicAuth.Result.ALLOWED, cache.authenticate(ALICE, login).result());
        assertEquals(1, realmLogins);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        cache.authenticate(ALICE, login);
        assertEquals(2, realmLogins);
    }

    @Test
    void aChangedUsersFileCountsAtTheNextRequest() {
        cache.authenticate(ALICE, login);
        realm.put(ALICE, new JaasBasicAuth.Login(JaasBasicAuth.Result.WRONG, null)); // the password was changed
        users.set("v2");
        assertEquals(JaasBasicAuth.Result.WRONG, cache.authenticate(ALICE, login).result());
        assertEquals(JaasBasicAuth.Result.WRONG, cache.authenticate(ALICE, login).result());
        assertEquals(3, realmLogins);
    }

    @Test
    void wrongCredentialsAndMissingOnesAlwaysGoToTheRealm() {
        for (int i = 0; i < 3; i++) {
            assertEquals(JaasBasicAuth.Result.WRONG, cache.authenticate(BOB, login).result());
            assertEquals(JaasBasicAuth.Result.NO_CREDENTIALS, cache.authenticate(null, login).result());
        }
        assertEquals(6, realmLogins);
    }

    @Test
    void credentialsOfOneUserNeverAnswerForAnother() {
        cache.authenticate(ALICE, login);
        assertEquals(JaasBasicAuth.Result.WRONG, cache.authenticate(BOB, login).result());
    }

    @Test
    void theStampOfAUsersFileChangesWithItsContentAndTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.properties");
        Files.writeString(file, "admin = x,_g_:admingroup\n");
        Object before = LoginCache.stamp(file);
        assertEquals(before, LoginCache.stamp(file));
        Files.writeString(file, "admin = y,_g_:admingroup\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1_000));
        assertEquals(false, before.equals(LoginCache.stamp(file)));
        assertEquals("none", LoginCache.stamp(null));
    }
}
