package io.deetune.firewall;

/**
 * Packets the firewall dropped before or instead of judging them by the rules, summed over the CPUs.
 *
 * @param malformed     IPv4/IPv6/TCP/UDP/ICMP header cut short, or an IPv6 extension chain longer than the stage walks
 * @param blocked       sources on the {@link Blocklist}
 * @param tinyFragments first fragments without their whole L4 header, and IPv4 TCP fragments at offset 8 (RFC 1858)
 */
public record Drops(long malformed, long blocked, long tinyFragments) {}
