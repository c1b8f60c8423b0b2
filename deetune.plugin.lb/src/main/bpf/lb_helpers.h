/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Hashing and counters. */
#ifndef LB_HELPERS_H
#define LB_HELPERS_H

#include "lb_maps.h"

/* Mixes 32-bit words into a well-spread hash (murmur3's multiply-rotate step and finalizer). */
static __always_inline __u32 lb_hash_mix(__u32 h, __u32 word)
{
	word *= 0xcc9e2d51;
	word = (word << 15) | (word >> 17);
	word *= 0x1b873593;
	h ^= word;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 lb_hash_final(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Hash of a client address only: the same client lands on the same backend whatever its ports. */
static __always_inline __u32 lb_hash_source(const struct lb_flow_key *flow)
{
	__u32 h = 0x5bd1e995;

#pragma unroll
	for (int i = 0; i < 4; i++)
		h = lb_hash_mix(h, flow->src[i]);
	return lb_hash_final(h);
}

/* Hash of the whole 5-tuple (Maglev: flows of one client spread over backends). */
static __always_inline __u32 lb_hash_flow(const struct lb_flow_key *flow)
{
	__u32 h = 0x5bd1e995;

#pragma unroll
	for (int i = 0; i < 4; i++)
		h = lb_hash_mix(h, flow->src[i]);
#pragma unroll
	for (int i = 0; i < 4; i++)
		h = lb_hash_mix(h, flow->dst[i]);
	h = lb_hash_mix(h, ((__u32)flow->sport << 16) | flow->dport);
	h = lb_hash_mix(h, flow->proto);
	return lb_hash_final(h);
}

static __always_inline void lb_count(void *stats_map, __u32 id, __u32 bytes, int new_flow)
{
	struct lb_stats *stats = bpf_map_lookup_elem(stats_map, &id);

	/* Per-CPU values: no other CPU writes them. */
	if (stats) {
		stats->packets++;
		stats->bytes += bytes;
		stats->new_flows += new_flow;
	}
}

static __always_inline void lb_backend_flows_add(__u32 backend_id, __s64 delta)
{
	__s64 *flows = bpf_map_lookup_elem(&lb_backend_flows, &backend_id);

	if (flows)
		__sync_fetch_and_add(flows, delta);
}

#endif /* LB_HELPERS_H */
