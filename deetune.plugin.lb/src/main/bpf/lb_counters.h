/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Counters of data-plane events that belong to no service or backend (per CPU; io.deetune.lb.internal.LbCounter
 * mirrors the enum, lb:stats shows the sums).
 */
#ifndef LB_COUNTERS_H
#define LB_COUNTERS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum lb_counter {
	/* IPv6 whose routing header still has segments left: its destination is a hop, not the end; not balanced */
	LB_COUNTER_IPV6_ROUTED = 0,
	/* TCP flows opened by a SYN into the half-open table */
	LB_COUNTER_HALF_OPEN = 1,
	/* half-open flows established: the backend answered and the client acknowledged */
	LB_COUNTER_ESTABLISHED = 2,
	/* packets of a half-open flow past the half-open timeout: the flow counts as gone */
	LB_COUNTER_HALF_OPEN_EXPIRED = 3,
	/* new flows dropped: every probed SNAT port towards the backend is held by a live flow */
	LB_COUNTER_SNAT_EXHAUSTED = 4,
	/* new flows dropped: another live flow (of another service) holds the same backend-side tuple */
	LB_COUNTER_TUPLE_HELD = 5,
	/* replies dropped: their client flow is gone (evicted or bound elsewhere), so no rewrite is right */
	LB_COUNTER_REPLY_ORPHANED = 6,
	/* new flows dropped: the connection tables refused the entry */
	LB_COUNTER_BIND_FAILED = 7,
	/* routed packets handed to the kernel: XDP cannot redirect to their egress interface (not in lb_egress) */
	LB_COUNTER_EGRESS_UNABLE = 8,
	LB_COUNTER_MAX = 16,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lb_counters SEC(".maps");

static __always_inline void lb_counter_add(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&lb_counters, &counter);

	/* Per-CPU values: no other CPU writes them. */
	if (value)
		(*value)++;
}

#endif /* LB_COUNTERS_H */
