package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;

/**
 * {@code struct fw_key4} or {@code fw_key6}: a key of a family's rule table, the head and the masked addresses
 * (network order; 4 or 16 bytes each, zero where the tuple matches no address).
 */
record RuleKey(RuleKeyHead head, byte[] source, byte[] destination) {

    static final Codec<RuleKey> IPV4 = codec(4);
    static final Codec<RuleKey> IPV6 = codec(16);

    /** The codec of the IPv4 or the IPv6 rule table's keys. */
    static Codec<RuleKey> of(boolean ipv6) {
        return ipv6 ? IPV6 : IPV4;
    }

    private static Codec<RuleKey> codec(int addressBytes) {
        return new HeadAndAddresses<>(RuleKeyHead.CODEC, addressBytes, RuleKey::head, RuleKey::source, RuleKey::destination,
                RuleKey::new);
    }
}
