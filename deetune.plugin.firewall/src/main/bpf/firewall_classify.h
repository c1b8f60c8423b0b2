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
	__u32 rank;                   /* the matching rule, or FW_NO_RULE */
	__u32 action;                 /* enum fw_action */
	struct fw_rule_value *value;  /* this CPU's copy of the matching key's value, or NULL */
};

static __always_inline __be16 fw_key_port(__u8 mode, __be16 port)
{
	return mode == FW_PORT_EXACT ? port : 0;
}

/* Whether a packet can belong to a tuple at all, before any lookup. */
static __always_inline int fw_tuple_admits(const struct fw_tuple_shape *t, const struct fw_packet *p)
{
	if (!p->l4_known && (t->sport_mode != FW_PORT_ANY || t->dport_mode != FW_PORT_ANY || t->flags_mask))
		return 0;
	if (t->sport_mode == FW_PORT_RANGE && (p->sport_host < t->sport_lo || p->sport_host > t->sport_hi))
		return 0;
	if (t->dport_mode == FW_PORT_RANGE && (p->dport_host < t->dport_lo || p->dport_host > t->dport_hi))
		return 0;
	return 1;
}

/* The part of the key both families share. */
static __always_inline void fw_key_head(struct fw_key_head *h, const struct fw_tuple_shape *t, __u32 index,
					const struct fw_packet *p)
{
	h->tuple = index;
	h->proto = p->proto & t->proto_mask;
	h->tcp_flags = p->tcp_flags & t->flags_mask;
	h->pad = 0;
	h->sport = fw_key_port(t->sport_mode, p->sport);
	h->dport = fw_key_port(t->dport_mode, p->dport);
}

static __always_inline struct fw_rule_value *fw_lookup4(void *rules, const struct fw_tuple4 *t, __u32 index,
							const struct fw_packet *p)
{
	struct fw_key4 key;

	fw_key_head(&key.head, &t->shape, index, p);
	key.src = p->src[0] & t->src_mask;
	key.dst = p->dst[0] & t->dst_mask;
	return bpf_map_lookup_elem(rules, &key);
}

static __always_inline struct fw_rule_value *fw_lookup6(void *rules, const struct fw_tuple6 *t, __u32 index,
							const struct fw_packet *p)
{
	struct fw_key6 key;

	fw_key_head(&key.head, &t->shape, index, p);
#pragma unroll
	for (int w = 0; w < 4; w++) {
		key.src[w] = p->src[w] & t->src_mask[w];
		key.dst[w] = p->dst[w] & t->dst_mask[w];
	}
	return bpf_map_lookup_elem(rules, &key);
}

/* The state of one search, shared with the bpf_loop callback. */
struct fw_search {
	const struct fw_packet *p;
	const struct fw_rule_set *set;
	void *rules; /* the family's rule table of the active bank */
	__u32 count; /* the family's tuples */
	struct fw_verdict verdict;
};

/*
 * One tuple of the search (ipv6 is a constant at both call sites, so each family gets its own step); 1 ends the
 * search. The tuples are walked by bpf_loop rather than by a bounded loop: the verifier checks a bounded loop once
 * per possible iteration (64 of them, each with its branches: half a million instructions, seconds of load time),
 * a bpf_loop callback until its states converge.
 */
static __always_inline long fw_search_step(__u32 i, struct fw_search *s, const int ipv6)
{
	const struct fw_rule_set *set = s->set;
	const struct fw_tuple_shape *shape;
	struct fw_rule_value *rule;

	if (i >= s->count)
		return 1;
	/* i < count <= FW_MAX_TUPLES already; the mask (which the compiler must keep) shows the verifier the bound. */
	asm volatile("" : "+r"(i));
	i &= FW_MAX_TUPLES - 1;
	shape = ipv6 ? &set->v6[i].shape : &set->v4[i].shape;
	/* Sorted by best_rank: no tuple from here on holds a rule that beats the match found. */
	if (shape->best_rank >= s->verdict.rank)
		return 1;
	if (!fw_tuple_admits(shape, s->p))
		return 0;
	rule = ipv6 ? fw_lookup6(s->rules, &set->v6[i], i, s->p) : fw_lookup4(s->rules, &set->v4[i], i, s->p);
	if (rule && rule->rank < s->verdict.rank) {
		s->verdict.rank = rule->rank;
		s->verdict.action = rule->action;
		s->verdict.value = rule;
	}
	return 0;
}

static long fw_search4(__u32 i, void *search)
{
	return fw_search_step(i, search, 0);
}

static long fw_search6(__u32 i, void *search)
{
	return fw_search_step(i, search, 1);
}

/*
 * The search of one family's tuples in the active bank's rule set. Each family has its own subprogram with its own
 * bpf_loop call: the verifier inlines a bpf_loop call only when one callback reaches it (merged into one call, as
 * the compiler would do with two in one function, every tuple would cost an indirect call through a retpoline), and
 * it sees each family's rule table on its own path.
 */
static __always_inline void fw_search(const struct fw_packet *p, const struct fw_rule_set *set, __u32 bank,
				      const int ipv6, struct fw_verdict *verdict)
{
	struct fw_search s = {
		.p = p,
		.set = set,
		.rules = ipv6 ? bpf_map_lookup_elem(&fw_rule_tables6, &bank) : bpf_map_lookup_elem(&fw_rule_tables4, &bank),
		.count = ipv6 ? set->v6_count : set->v4_count,
		.verdict = { .rank = FW_NO_RULE, .action = set->default_action },
	};

	if (s.rules)
		bpf_loop(FW_MAX_TUPLES, ipv6 ? (void *)fw_search6 : (void *)fw_search4, &s, 0);
	*verdict = s.verdict;
}

static __noinline void fw_classify4(const struct fw_packet *p, const struct fw_rule_set *set, __u32 bank,
				    struct fw_verdict *verdict)
{
	fw_search(p, set, bank, 0, verdict);
}

static __noinline void fw_classify6(const struct fw_packet *p, const struct fw_rule_set *set, __u32 bank,
				    struct fw_verdict *verdict)
{
	fw_search(p, set, bank, 1, verdict);
}

/* Judges a packet by the active bank's rule set: the best matching rule of its family, or the default policy. */
static __always_inline void fw_classify(const struct fw_packet *p, const struct fw_rule_set *set, __u32 bank,
					struct fw_verdict *verdict)
{
	if (p->ipv6)
		fw_classify6(p, set, bank, verdict);
	else
		fw_classify4(p, set, bank, verdict);
}

#endif /* FIREWALL_CLASSIFY_H */
