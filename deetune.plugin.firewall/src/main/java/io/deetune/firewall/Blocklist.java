package io.deetune.firewall;

import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sources whose packets the firewall drops before any rule is looked at. A lookup costs one longest-prefix match
 * in the kernel, whatever the number of entries. Addresses and prefixes are IPv4 or IPv6 in CIDR notation
 * ({@code 203.0.113.7}, {@code 198.51.100.0/24}, {@code 2001:db8::/48}); a bare address is a full-length prefix.
 */
@ProviderType
public interface Blocklist {

    /** Blocks a source address or prefix until {@link #unblock}; blocking it again replaces the expiry. */
    void block(String cidr);

    /**
     * Blocks a source address or prefix for {@code duration}; afterwards its packets are judged by the rules again.
     *
     * @throws IllegalArgumentException for a malformed prefix or a duration that is not positive
     */
    void block(String cidr, Duration duration);

    /**
     * Returns the prefix as the blocklist writes it ({@code 203.0.113.7/32}) if it is one, changing nothing: the
     * dry run of a block.
     *
     * @throws IllegalArgumentException for a malformed prefix
     * @since 1.2
     */
    String check(String cidr);

    /** Removes a prefix (exactly as blocked); false if it was not on the list. */
    boolean unblock(String cidr);

    /** The entries in force now (expired ones are left out). */
    List<BlockedEntry> entries();
}
