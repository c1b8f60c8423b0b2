/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Structs shared with Java (io.deetune.firewall.internal.BpfLayout encodes them; a test checks sizes and offsets
 * against this object's BTF). Addresses, ports in keys: network byte order; everything else: host order.
 */
#ifndef FIREWALL_STRUCTS_H
#define FIREWALL_STRUCTS_H

#include <linux/types.h>
#include "firewall_consts.h"

/*
 * Key of the rule table: a packet's fields masked by one tuple, prefixed by the tuple's number (IPv4 tuples
 * 0..FW_MAX_TUPLES-1, IPv6 tuples FW_MAX_TUPLES + index). An IPv4 address fills the first 4 bytes of its 16.
 */
struct fw_rule_key {
	__u16 tuple;
	__u8 proto;
	__u8 tcp_flags;
	__be16 sport;
	__be16 dport;
	__be32 src[4];
	__be32 dst[4];
};

/* The rule a key leads to: its rank (position in priority order, lower wins; also its counter index). */
struct fw_rule_value {
	__u32 rank;
	__u32 action; /* enum fw_action */
};

/*
 * A tuple: one shape of match (prefix lengths as masks, protocol given or not, how each port matches, which TCP
 * flags matter). Every rule of a tuple is one exact-match entry of the rule table.
 */
struct fw_tuple {
	__be32 src_mask[4];
	__be32 dst_mask[4];
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

struct fw_tuple_list {
	__u32 count;
	__u32 pad;
	struct fw_tuple tuples[FW_MAX_TUPLES];
};

/* One compiled rule set (one bank): its tuples per family and what happens when no rule matches. */
struct fw_rule_set {
	__u32 rule_count;     /* ranks are 0..rule_count-1; the default policy counts at index rule_count */
	__u32 default_action; /* enum fw_action */
	__u64 generation;     /* increases with every rule set the control plane installs */
	struct fw_tuple_list v4;
	struct fw_tuple_list v6;
};

/* Per-rule counters of one CPU. */
struct fw_rule_counter {
	__u64 packets;
	__u64 bytes;
	__u64 last_hit_ns; /* bpf_ktime_get_coarse_ns (CLOCK_MONOTONIC, tick resolution) of the last hit */
};

/* Blocklist key: an IPv6 prefix; IPv4 addresses are IPv4-mapped (::ffff:a.b.c.d, prefix length + 96). */
struct fw_block_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct fw_block_entry {
	__u64 expires_ns; /* CLOCK_MONOTONIC; 0 = never */
	__u64 packets;    /* packets dropped by this entry */
};

#endif /* FIREWALL_STRUCTS_H */
