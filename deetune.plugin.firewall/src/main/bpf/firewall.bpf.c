// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall stage: drops packets from blocklisted sources, then judges every IP packet by the highest-priority
 * matching rule of the active rule set (or the default policy). Allowed packets continue the chain.
 */
#include <deetune/chain.h>
#include "firewall_classify.h"

static __always_inline void fw_count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&fw_drops, &reason);

	if (count)
		(*count)++;
}

/* Blocked entries are checked before the rules: one longest-prefix lookup, O(prefix length), when any exists. */
static __always_inline int fw_blocked(const struct fw_packet *p)
{
	struct fw_block_key key = { .prefixlen = 128 };
	struct fw_block_entry *entry;

	if (p->ipv6) {
		__builtin_memcpy(key.addr, p->src, 16);
	} else {
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], &p->src[0], 4);
	}
	entry = bpf_map_lookup_elem(&fw_blocklist, &key);
	if (!entry)
		return 0;
	if (entry->expires_ns && bpf_ktime_get_ns() >= entry->expires_ns)
		return 0; /* expired: the control plane removes it lazily */
	__sync_fetch_and_add(&entry->packets, 1);
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

SEC("xdp")
int firewall(struct xdp_md *ctx)
{
	struct fw_packet packet = {};
	struct fw_verdict verdict;
	struct fw_rule_set *set;
	struct fw_rule_counter *counter;
	__u32 zero = 0, state, bank, *active;

	switch (fw_parse(ctx, &packet)) {
	case FW_NOT_IP:
		return deetune_xdp_next(ctx);
	case FW_MALFORMED:
		fw_count_drop(FW_DROP_MALFORMED);
		return deetune_xdp_drop();
	default:
		break;
	}

	/* Read fw_active once: the whole decision uses one rule set. */
	active = bpf_map_lookup_elem(&fw_active, &zero);
	if (!active)
		return deetune_xdp_next(ctx);
	state = *active;

	if ((state & FW_ACTIVE_BLOCKLIST) && fw_blocked(&packet)) {
		fw_count_drop(FW_DROP_BLOCKED);
		return deetune_xdp_drop();
	}

	bank = state & FW_ACTIVE_BANK;
	set = bpf_map_lookup_elem(&fw_sets, &bank);
	if (!set)
		return deetune_xdp_next(ctx);

	fw_classify(&packet, set, bank, &verdict);
	counter = verdict.value ? &verdict.value->counter : bpf_map_lookup_elem(&fw_defaults, &bank);
	if (counter)
		fw_count(counter, ctx->data_end - ctx->data);

	if (verdict.action == FW_DENY)
		return deetune_xdp_drop();
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
