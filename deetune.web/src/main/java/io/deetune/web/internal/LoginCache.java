package io.deetune.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Successful logins, kept for a short time: a client that sends the same Basic credentials with every request (a
 * script, a dashboard, a Prometheus scraper) then does not run a JAAS login each time, which was about a third of
 * an API request's CPU (Karaf's login modules and their audit events; BENCHMARKS.md, REST API). An entry is keyed
 * by a SHA-256 of the {@code Authorization} header (no password is kept in clear) and holds for at most
 * {@code ttl}, and only while the realm's users file (etc/users.properties) is unchanged (size and modification
 * time): an edited user, password or role counts at the next request, as without the cache. Wrong credentials are
 * never kept (the throttle counts each one).
 */
final class LoginCache {

    private record Entry(JaasBasicAuth.Login login, long expiresNanos, Object usersStamp) {}

    /** At most this many credentials are kept: a flood of distinct headers cannot grow the table without end. */
    static final int MAX_ENTRIES = 1_000;

    private final Duration ttl;
    private final LongSupplier nanoTime;
    private final Supplier<Object> usersStamp;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    LoginCache(Duration ttl, LongSupplier nanoTime, Supplier<Object> usersStamp) {
        this.ttl = ttl;
        this.nanoTime = nanoTime;
        this.usersStamp = usersStamp;
    }

    /** Karaf's: 5 s at most, and no longer than {@code users} stays as it is. */
    static LoginCache standard(Path users) {
        return new LoginCache(Duration.ofSeconds(5), System::nanoTime, () -> stamp(users));
    }

    /** The login of {@code authorization}, from the cache or from {@code login} (kept if it let the caller in). */
    JaasBasicAuth.Login authenticate(String authorization, Function<String, JaasBasicAuth.Login> login) {
        if (authorization == null) {
            return login.apply(null);
        }
        String key = digest(authorization);
        long now = nanoTime.getAsLong();
        Object stamp = usersStamp.get();
        Entry cached = entries.get(key);
        if (cached != null && now - cached.expiresNanos() < 0 && cached.usersStamp().equals(stamp)) {
            return cached.login();
        }
        JaasBasicAuth.Login result = login.apply(authorization);
        if (result.result() == JaasBasicAuth.Result.ALLOWED) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry(result, now + ttl.toNanos(), stamp));
        } else {
            entries.remove(key);
        }
        return result;
    }

    /** Size and modification time of the users file; a constant when there is none (no Karaf: the ttl alone). */
    static Object stamp(Path users) {
        if (users == null) {
            return "none";
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(users, BasicFileAttributes.class);
            return attributes.size() + "@" + attributes.lastModifiedTime().toMillis() + "/" + attributes.fileKey();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static String digest(String authorization) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
