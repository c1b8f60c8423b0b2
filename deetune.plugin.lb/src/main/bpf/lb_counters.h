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
	LB_COUNTER_MAX = 8,
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
