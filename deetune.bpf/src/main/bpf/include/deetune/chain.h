/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Chain helpers for stage authors: continue to the next stage, or end the chain with a verdict; both count the
 * stage's statistics. Include this header once per stage object.
 *
 * Chaining uses a constant-key tail call through the program's own one-slot program array (deetune_next): with a
 * constant key the JIT patches a direct jump, a few ns per hop, against 10-12 ns for a key looked up at run time.
 * The core writes deetune_next[0] (the successor) and creates deetune_stats (one per pipeline, shared by its
 * stages); a stage program never writes either.
 */
#ifndef DEETUNE_CHAIN_H
#define DEETUNE_CHAIN_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Slots of deetune_stats: slot 0 is the dispatcher, stages get 1.. from the core. */
#define DEETUNE_MAX_STAGES 64

enum deetune_counter {
	DEETUNE_COUNT_CONTINUE,
	DEETUNE_COUNT_PASS,
	DEETUNE_COUNT_DROP,
	DEETUNE_COUNT_TX,
	DEETUNE_COUNT_REDIRECT,
	DEETUNE_COUNT_ABORTED,
	DEETUNE_COUNTERS,
};

/* Packets that left a stage, by way out; their sum is the packets that entered it. */
struct deetune_stage_stats {
	__u64 packets[DEETUNE_COUNTERS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} deetune_next SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DEETUNE_MAX_STAGES);
	__type(key, __u32);
	__type(value, struct deetune_stage_stats);
} deetune_stats SEC(".maps");

/* This program's slot in deetune_stats; the core sets it before load. */
const volatile __u32 deetune_stage_slot = 0;

static __always_inline void deetune_count(enum deetune_counter counter)
{
	__u32 slot = deetune_stage_slot;
	struct deetune_stage_stats *stats = bpf_map_lookup_elem(&deetune_stats, &slot);

	/* Per-CPU values: no other CPU writes this slot, so no atomic is needed. */
	if (stats)
		stats->packets[counter]++;
}

/* XDP: hand the packet to the next stage; at the end of the chain it goes to the kernel stack. */
static __always_inline int deetune_xdp_next(struct xdp_md *ctx)
{
	deetune_count(DEETUNE_COUNT_CONTINUE);
	bpf_tail_call(ctx, &deetune_next, 0);
	/* Reached only when the slot is empty: this stage is the last one. */
	return XDP_PASS;
}

/* XDP: end the chain with a verdict (XDP_PASS, XDP_DROP, XDP_TX, XDP_REDIRECT, XDP_ABORTED), counted. */
static __always_inline int deetune_xdp_verdict(int verdict)
{
	switch (verdict) {
	case XDP_PASS:
		deetune_count(DEETUNE_COUNT_PASS);
		break;
	case XDP_DROP:
		deetune_count(DEETUNE_COUNT_DROP);
		break;
	case XDP_TX:
		deetune_count(DEETUNE_COUNT_TX);
		break;
	case XDP_REDIRECT:
		deetune_count(DEETUNE_COUNT_REDIRECT);
		break;
	default:
		deetune_count(DEETUNE_COUNT_ABORTED);
		break;
	}
	return verdict;
}

static __always_inline int deetune_xdp_pass(void)
{
	return deetune_xdp_verdict(XDP_PASS);
}

static __always_inline int deetune_xdp_drop(void)
{
	return deetune_xdp_verdict(XDP_DROP);
}

static __always_inline int deetune_xdp_tx(void)
{
	return deetune_xdp_verdict(XDP_TX);
}

/*
 * TC: hand the packet to the next stage. At the end of the chain it goes on with TC_ACT_UNSPEC, which for tcx means
 * "next": the tcx programs and tc filters of other tools after DeeTune's still run. TC_ACT_OK would end tc
 * processing on the interface there and silently disable them.
 */
static __always_inline int deetune_tc_next(struct __sk_buff *skb)
{
	deetune_count(DEETUNE_COUNT_CONTINUE);
	bpf_tail_call(skb, &deetune_next, 0);
	return TC_ACT_UNSPEC;
}

/*
 * TC: end the chain with a verdict (TC_ACT_UNSPEC, TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT, ...), counted. A stage that
 * lets a packet through without the rest of the chain should return deetune_tc_pass() (TC_ACT_UNSPEC): TC_ACT_OK
 * also skips every later tcx program and tc filter on the interface, other tools' included.
 */
static __always_inline int deetune_tc_verdict(int verdict)
{
	switch (verdict) {
	case TC_ACT_OK:
	case TC_ACT_UNSPEC:
		deetune_count(DEETUNE_COUNT_PASS);
		break;
	case TC_ACT_SHOT:
		deetune_count(DEETUNE_COUNT_DROP);
		break;
	case TC_ACT_REDIRECT:
		deetune_count(DEETUNE_COUNT_REDIRECT);
		break;
	default:
		deetune_count(DEETUNE_COUNT_ABORTED);
		break;
	}
	return verdict;
}

/* TC: end the chain and let the packet go on to what follows DeeTune on the interface (tcx "next"), counted as passed. */
static __always_inline int deetune_tc_pass(void)
{
	return deetune_tc_verdict(TC_ACT_UNSPEC);
}

#endif /* DEETUNE_CHAIN_H */
