/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Structs shared with Java: each is mirrored by one codec in io.deetune.firewall.internal (the record whose Javadoc
 * names the struct), and FirewallStructsTest checks each codec's size and offsets against the BTF. Addresses, ports in
 * keys: network byte order; everything else: host order.
 */
#ifndef FIREWALL_STRUCTS_H
#define FIREWALL_STRUCTS_H

#include <linux/types.h>
#include "firewall_consts.h"

/*
 * Keys of the rule tables: a packet's fields masked by one tuple, prefixed by the tuple's number in its family.
 * Each family has its own table, so an IPv4 key is 16 bytes (less to hash and to compare than IPv6's 40).
 */
struct fw_key_head {
	__u8 tuple;
	__u8 proto;
	__u8 tcp_flags;
	__u8 pad;
	__be16 sport;
	__be16 dport;
};

struct fw_key4 {
	struct fw_key_head head;
	__be32 src;
	__be32 dst;
};

struct fw_key6 {
	struct fw_key_head head;
	__be32 src[4];
	__be32 dst[4];
};

/* Hit counters of one CPU (of a rule, or of the default policy). */
struct fw_rule_counter {
	__u64 packets;
	__u64 bytes;
	__u64 last_hit_ns; /* bpf_ktime_get_coarse_ns (CLOCK_MONOTONIC, tick resolution) of the last hit */
};

/*
 * What a key leads to, one copy per CPU (the rule tables are per-CPU hashes): the rule's rank (position in priority
 * order, lower wins) and action, the same on every CPU, and this CPU's hits of the key. The match itself finds the
 * counters: no second lookup. A rule with keys in both families counts in both; the control plane sums them.
 */
struct fw_rule_value {
	__u32 rank;
	__u32 action; /* enum fw_action */
	struct fw_rule_counter counter;
};

/*
 * What a tuple matches besides addresses (protocol given or not, how each port matches, which TCP flags matter),
 * and the best rank it holds. Every rule of a tuple is one exact-match entry of its family's rule table.
 */
struct fw_tuple_shape {
	__u16 sport_lo;
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
	__u32 best_rank; /* the lowest rank among the tuple's rules: tuples are sorted by it */
	__u8 proto_mask; /* 0xff: protocol matched, 0: any */
	__u8 flags_mask; /* TCP flags that must equal the key's tcp_flags */
	__u8 sport_mode; /* enum fw_port_mode */
	__u8 dport_mode;
};

/* A tuple: a shape and the prefix lengths, as masks. */
struct fw_tuple4 {
	struct fw_tuple_shape shape;
	__be32 src_mask;
	__be32 dst_mask;
};

struct fw_tuple6 {
	struct fw_tuple_shape shape;
	__be32 src_mask[4];
	__be32 dst_mask[4];
};

/*
 * One compiled rule set (one bank): what happens when no rule matches and the tuples per family. The header and
 * the first IPv4 tuples share a cache line.
 */
struct fw_rule_set {
	__u32 rule_count;     /* ranks are 0..rule_count-1 */
	__u32 default_action; /* enum fw_action */
	__u64 generation;     /* increases with every rule set the control plane installs */
	__u32 v4_count;
	__u32 v6_count;
	struct fw_tuple4 v4[FW_MAX_TUPLES];
	struct fw_tuple6 v6[FW_MAX_TUPLES];
};

/* Blocklist key: an IPv6 prefix; IPv4 addresses are IPv4-mapped (::ffff:a.b.c.d, prefix length + 96). */
struct fw_block_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct fw_block_entry {
	__u64 expires_ns; /* CLOCK_MONOTONIC; 0 = never */
	__u64 packets;    /* packets dropped by this entry */
	/*
	 * The prefix length of this entry's key. An LPM lookup does not say which prefix matched; the stage needs it
	 * to look for the covering prefix when this entry has expired (see fw_blocked).
	 */
	__u32 prefixlen;
	__u32 pad;
};

#endif /* FIREWALL_STRUCTS_H */
