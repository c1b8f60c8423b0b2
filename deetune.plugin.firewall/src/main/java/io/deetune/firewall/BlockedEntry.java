package io.deetune.firewall;

import java.time.Instant;
import java.util.Optional;

/**
 * An entry of the {@link Blocklist}.
 *
 * @param cidr      the blocked prefix in canonical CIDR notation
 * @param expiresAt when the entry stops applying; empty for a permanent entry
 * @param packets   packets dropped because of this entry so far
 */
public record BlockedEntry(String cidr, Optional<Instant> expiresAt, long packets) {}
