/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The firewall's decision, shared by its two entry programs (firewall.bpf.c at XDP, firewall_tc.bpf.c at tc
 * ingress): drop packets from blocklisted sources, then judge every IP packet by the highest-priority matching rule
 * of the active rule set (or the default policy).
 */
#ifndef FIREWALL_STAGE_H
#define FIREWALL_STAGE_H

#include "firewall_classify.h"

static __always_inline void fw_count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&fw_drops, &reason);

	if (count)
		(*count)++;
}

/* The state of a blocklist lookup, shared with the bpf_loop callback that steps past expired entries. */
struct fw_block_search {
	struct fw_block_key key;
	struct fw_block_entry *entry; /* the longest match so far, or NULL: not blocked */
	__u64 now;
};

/*
 * One step of the lookup: done (1) when the entry found is live or there is none; otherwise (the entry has expired)
 * looks up the longest prefix shorter than the expired one, which covers the address too. An expired entry thus
 * never hides a shorter live one, also in the time before the control plane's purge removes it, and the lookup
 * costs one more LPM lookup per expired entry on the way only (none at all while nothing has expired).
 */
static long fw_block_step(__u32 i, void *ctx)
{
	struct fw_block_search *s = ctx;
	struct fw_block_entry *entry = s->entry;

	if (!entry || !entry->expires_ns || s->now < entry->expires_ns)
		return 1;
	if (entry->prefixlen == 0 || entry->prefixlen > 128) {
		s->entry = NULL;
		return 1;
	}
	s->key.prefixlen = entry->prefixlen - 1;
	s->entry = bpf_map_lookup_elem(&fw_blocklist, &s->key);
	return 0;
}

/*
 * Blocked entries are checked before the rules: one longest-prefix lookup, O(prefix length), when any exists; past
 * expired entries, one more lookup each (at most one per prefix length: 129 steps).
 */
static __always_inline int fw_blocked(const struct fw_packet *p)
{
	struct fw_block_search s = { .key = { .prefixlen = 128 } };

	if (p->ipv6) {
		__builtin_memcpy(s.key.addr, p->src, 16);
	} else {
		s.key.addr[10] = 0xff;
		s.key.addr[11] = 0xff;
		__builtin_memcpy(&s.key.addr[12], &p->src[0], 4);
	}
	s.entry = bpf_map_lookup_elem(&fw_blocklist, &s.key);
	if (!s.entry)
		return 0;
	if (s.entry->expires_ns) {
		s.now = bpf_ktime_get_ns();
		bpf_loop(129, fw_block_step, &s, 0);
		/* Each step shortens the prefix, so 129 of them always end; still, never count an expired entry. */
		if (!s.entry || (s.entry->expires_ns && s.now >= s.entry->expires_ns))
			return 0;
	}
	__sync_fetch_and_add(&s.entry->packets, 1);
	return 1;
}

/* Counts a hit in this CPU's counters (of the matching key, or of the default policy). */
static __always_inline void fw_count(struct fw_rule_counter *counter, __u64 bytes)
{
	/* This CPU's own copy: no other CPU writes it, no atomic needed. */
	counter->packets++;
	counter->bytes += bytes;
	/* The coarse clock is a plain read, the precise one a clock source access: a hit time needs no better than a tick. */
	counter->last_hit_ns = bpf_ktime_get_coarse_ns();
}

/* What the firewall decides for a frame, whatever the hook: continue the chain or drop. */
enum fw_outcome {
	FW_CONTINUE,
	FW_DROP,
};

/* Judges the frame in [data, data_end) (Ethernet first); bytes is its length for the counters. */
static __always_inline enum fw_outcome fw_judge(void *data, void *data_end, __u64 bytes)
{
	struct fw_packet packet = {};
	struct fw_verdict verdict;
	struct fw_rule_set *set;
	struct fw_rule_counter *counter;
	__u32 zero = 0, state, bank, *active;

	switch (fw_parse(data, data_end, &packet)) {
	case FW_NOT_IP:
		return FW_CONTINUE;
	case FW_MALFORMED:
		fw_count_drop(FW_DROP_MALFORMED);
		return FW_DROP;
	case FW_TINY_FRAGMENT:
		fw_count_drop(FW_DROP_TINY_FRAGMENT);
		return FW_DROP;
	default:
		break;
	}

	/* Read fw_active once: the whole decision uses one rule set. */
	active = bpf_map_lookup_elem(&fw_active, &zero);
	if (!active)
		return FW_CONTINUE;
	state = *active;

	if ((state & FW_ACTIVE_BLOCKLIST) && fw_blocked(&packet)) {
		fw_count_drop(FW_DROP_BLOCKED);
		return FW_DROP;
	}

	bank = state & FW_ACTIVE_BANK;
	set = bpf_map_lookup_elem(&fw_sets, &bank);
	if (!set)
		return FW_CONTINUE;

	fw_classify(&packet, set, bank, &verdict);
	counter = verdict.value ? &verdict.value->counter : bpf_map_lookup_elem(&fw_defaults, &bank);
	if (counter)
		fw_count(counter, bytes);

	return verdict.action == FW_DENY ? FW_DROP : FW_CONTINUE;
}

#endif /* FIREWALL_STAGE_H */
