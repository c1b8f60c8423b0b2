/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Packet classification by tuple-space search (Srinivasan, Suri, Varghese 1999; the Open vSwitch classifier).
 *
 * Why not per-field bit vectors (pcn-iptables): every lookup ANDs one bitmap of N bits per field, so a packet
 * costs O(N/64) word operations (about 1,600 words per field at 100k rules), and the bitmaps take O(N) bytes per
 * distinct field value (gigabytes at 100k distinct prefixes). Both grow with the rules.
 *
 * Tuple-space search groups rules by their shape (the tuple: source and destination prefix lengths, protocol given
 * or not, how each port matches, which TCP flags matter). Within a tuple every rule is one exact-match hash entry
 * of the packet's masked fields, so a packet costs one hash lookup per tuple whatever the number of rules, and the
 * tables take O(rules) memory. Port ranges do not expand into prefixes: a range is part of the tuple (checked
 * once per tuple, no lookup when the port is outside), so rules sharing a range share a tuple. Tuples are sorted
 * by the best rank they hold, and the search stops as soon as no remaining tuple can beat the match found
 * (priority sorting, as in Open vSwitch): a packet that hits a high-priority rule probes few tuples.
 */
#ifndef FIREWALL_CLASSIFY_H
#define FIREWALL_CLASSIFY_H

#include "firewall_maps.h"
#include "firewall_packet.h"

#define FW_NO_RULE 0xffffffffu

struct fw_verdict {
	__u32 rank;   /* the matching rule, or FW_NO_RULE */
	__u32 action; /* enum fw_action */
};

static __always_inline __be16 fw_key_port(__u8 mode, __be16 port)
{
	return mode == FW_PORT_EXACT ? port : 0;
}

/* Whether a packet can belong to a tuple at all, before any lookup. */
static __always_inline int fw_tuple_admits(const struct fw_tuple *t, const struct fw_packet *p)
{
	if (!p->l4_known && (t->sport_mode != FW_PORT_ANY || t->dport_mode != FW_PORT_ANY || t->flags_mask))
		return 0;
	if (t->sport_mode == FW_PORT_RANGE && (p->sport_host < t->sport_lo || p->sport_host > t->sport_hi))
		return 0;
	if (t->dport_mode == FW_PORT_RANGE && (p->dport_host < t->dport_lo || p->dport_host > t->dport_hi))
		return 0;
	return 1;
}

static __always_inline void fw_classify(const struct fw_packet *p, const struct fw_rule_set *set, void *rules,
					struct fw_verdict *verdict)
{
	const struct fw_tuple_list *list = p->ipv6 ? &set->v6 : &set->v4;
	__u32 count = list->count;
	struct fw_rule_key key;

	verdict->rank = FW_NO_RULE;
	verdict->action = set->default_action;
	if (!rules)
		return;

	for (__u32 i = 0; i < FW_MAX_TUPLES; i++) {
		const struct fw_tuple *t;
		struct fw_rule_value *rule;

		if (i >= count)
			break;
		t = &list->tuples[i];
		/* Sorted by best_rank: no tuple from here on holds a rule that beats the match found. */
		if (t->best_rank >= verdict->rank)
			break;
		if (!fw_tuple_admits(t, p))
			continue;

		/* IPv6 tuples are numbered after the IPv4 ones: the families never share a key. */
		key.tuple = p->ipv6 ? i + FW_MAX_TUPLES : i;
		key.proto = p->proto & t->proto_mask;
		key.tcp_flags = p->tcp_flags & t->flags_mask;
		key.sport = fw_key_port(t->sport_mode, p->sport);
		key.dport = fw_key_port(t->dport_mode, p->dport);
#pragma unroll
		for (int w = 0; w < 4; w++) {
			key.src[w] = p->src[w] & t->src_mask[w];
			key.dst[w] = p->dst[w] & t->dst_mask[w];
		}
		rule = bpf_map_lookup_elem(rules, &key);
		if (rule && rule->rank < verdict->rank) {
			verdict->rank = rule->rank;
			verdict->action = rule->action;
		}
	}
}

#endif /* FIREWALL_CLASSIFY_H */
