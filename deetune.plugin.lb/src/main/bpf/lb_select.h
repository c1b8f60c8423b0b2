/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Backend selection for the first packet of a flow, by the service's algorithm. */
#ifndef LB_SELECT_H
#define LB_SELECT_H

#include "lb_helpers.h"

static __always_inline __u32 *lb_ring_slot(__u32 service_id, __u32 slot)
{
	__u32 key = service_id * LB_RING_SIZE + slot;

	return bpf_map_lookup_elem(&lb_rings, &key);
}

/* The service's next round-robin turn; one counter for all CPUs keeps the rotation exact. */
static __always_inline __u32 lb_next_turn(__u32 service_id)
{
	__u64 *turn = bpf_map_lookup_elem(&lb_turns, &service_id);

	return turn ? (__u32)__sync_fetch_and_add(turn, 1) : 0;
}

struct lb_least_conn_scan {
	__u32 service_id;
	__u32 chosen;
	__u32 best_weight;
	__s32 found;
	__s64 best_flows;
};

/* One bpf_loop step of least-connections: the verifier checks the body once instead of every iteration. */
static long lb_least_conn_step(__u32 slot, void *data)
{
	struct lb_least_conn_scan *scan = data;
	__u32 *id = lb_ring_slot(scan->service_id, slot);
	struct lb_backend *backend;
	__s64 *flows;
	__s64 live;

	if (!id)
		return 1;
	backend = bpf_map_lookup_elem(&lb_backends, id);
	flows = bpf_map_lookup_elem(&lb_backend_flows, id);
	if (!backend || !flows || !(backend->flags & LB_BACKEND_UP) || backend->weight == 0)
		return 0;
	live = *flows < 0 ? 0 : *flows;
	/* live / weight < best_flows / best_weight, without division. */
	if (!scan->found || live * scan->best_weight < scan->best_flows * backend->weight) {
		scan->best_flows = live;
		scan->best_weight = backend->weight;
		scan->chosen = *id;
		scan->found = 1;
	}
	return 0;
}

/* The eligible backend with the fewest live flows per unit of weight; ties go to the earlier ring slot. */
static __always_inline int lb_least_connections(__u32 service_id, __u32 ring_len, __u32 *chosen)
{
	struct lb_least_conn_scan scan = { .service_id = service_id };

	bpf_loop(ring_len < LB_LEAST_CONN_MAX ? ring_len : LB_LEAST_CONN_MAX, lb_least_conn_step, &scan, 0);
	if (!scan.found)
		return -1;
	*chosen = scan.chosen;
	return 0;
}

/* Picks a backend id for a new flow of service; -1 when the service has no eligible backend. */
/* Whether the choice is a function of the packet alone, so a flow's packets find the same backend without an entry. */
static __always_inline int lb_choice_is_stateless(const struct lb_service *service)
{
	return service->algorithm == LB_ALG_SOURCE_HASH || service->algorithm == LB_ALG_MAGLEV;
}

static __always_inline int lb_select(const struct lb_service *service, const struct lb_flow_key *flow, __u32 *chosen)
{
	__u32 len = service->ring_len;
	__u32 slot;
	__u32 *id;

	if (len == 0 || len > LB_RING_SIZE)
		return -1;
	switch (service->algorithm) {
	case LB_ALG_LEAST_CONNECTIONS:
		return lb_least_connections(service->id, len, chosen);
	case LB_ALG_SOURCE_HASH:
		slot = lb_hash_source(flow) % len;
		break;
	case LB_ALG_MAGLEV:
		slot = lb_hash_flow(flow) % len;
		break;
	default:
		/* round-robin and weighted round-robin: Java laid the weights out in the ring. */
		slot = lb_next_turn(service->id) % len;
		break;
	}
	id = lb_ring_slot(service->id, slot);
	if (!id)
		return -1;
	*chosen = *id;
	return 0;
}

#endif /* LB_SELECT_H */
