/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The flow tables. A new flow is half-open: its entries live in lb_embryos and lb_embryo_replies until both sides
 * have spoken (the backend answered and, for TCP, the client acknowledged), then move to lb_flows and lb_replies, the
 * established tables. A flow's two entries sit in two LRU maps, so either can go alone; each direction checks the
 * other: a return entry whose client flow is gone (or bound elsewhere) is stale and removed, and an established flow
 * whose return entry went gets it back.
 */
#ifndef LB_FLOWS_H
#define LB_FLOWS_H

#include "lb_maps.h"
#include "lb_helpers.h"
#include "lb_packet.h"

static __always_inline int lb_addr_eq(const __be32 a[4], const __be32 b[4])
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Whether a return entry is the one of this client flow (client address and port, VIP and port). */
static __always_inline int lb_reply_is_of(const struct lb_reply *reply, const struct lb_flow_key *client)
{
	return reply->client_port == client->sport && reply->vip_port == client->dport &&
	       lb_addr_eq(reply->client, client->src) && lb_addr_eq(reply->vip, client->dst);
}

/* The client flow (client -> VIP) a return entry found under back belongs to. */
static __always_inline void lb_client_of(const struct lb_reply *reply, const struct lb_flow_key *back,
					 struct lb_flow_key *client)
{
	__builtin_memcpy(client->src, reply->client, 16);
	__builtin_memcpy(client->dst, reply->vip, 16);
	client->sport = reply->client_port;
	client->dport = reply->vip_port;
	client->proto = back->proto;
	client->family = back->family;
	client->pad[0] = 0;
	client->pad[1] = 0;
}

/* Whether flow is the client flow that the return entry found under back rewrites for. */
static __always_inline int lb_reply_matches(const struct lb_flow *flow, const struct lb_reply *reply,
					    const struct lb_flow_key *back)
{
	if (!flow || flow->backend_id != reply->backend_id)
		return 0;
	return flow->snat_port ? flow->snat_port == back->dport : back->dport == reply->client_port;
}

/* Whether the return entry found under back still has its client flow in flows (lb_flows or lb_embryos). */
static __always_inline int lb_reply_live(void *flows, const struct lb_reply *reply, const struct lb_flow_key *back)
{
	struct lb_flow_key client;

	lb_client_of(reply, back, &client);
	return lb_reply_matches(bpf_map_lookup_elem(flows, &client), reply, back);
}

/*
 * The return entry of a client flow bound to backend: its key (the reply as it arrives, backend -> client or
 * backend -> snat:snat_port) and its value.
 */
static __always_inline void lb_reply_of(const struct lb_flow_key *client, const struct lb_service *service,
					const struct lb_backend *backend, __u32 backend_id, __be16 snat_port, __u64 now,
					struct lb_flow_key *back, struct lb_reply *reply)
{
	__builtin_memcpy(back->src, backend->addr, 16);
	back->sport = backend->port;
	if (snat_port) {
		__builtin_memcpy(back->dst, service->snat, 16);
		back->dport = snat_port;
	} else {
		__builtin_memcpy(back->dst, client->src, 16);
		back->dport = client->sport;
	}
	back->proto = client->proto;
	back->family = client->family;
	back->pad[0] = 0;
	back->pad[1] = 0;
	__builtin_memcpy(reply->vip, client->dst, 16);
	__builtin_memcpy(reply->client, client->src, 16);
	reply->vip_port = client->dport;
	reply->client_port = client->sport;
	reply->backend_id = backend_id;
	reply->last_seen_ns = now;
}

/*
 * Moves the flow's TCP teardown state forward; returns 1 when this packet closed the flow. Both directions' CPUs
 * update the flags, so each bit is set with an atomic OR, and only the CPU that sets CLOSED reports the close.
 */
static __always_inline int lb_track_teardown(struct lb_flow *flow, __u8 tcp_flags, __u32 fin_flag)
{
	__u32 flags = flow->flags;
	__u32 set = 0;

	if (tcp_flags & LB_TCP_RST)
		set |= LB_FLOW_RST;
	if (tcp_flags & LB_TCP_FIN)
		set |= fin_flag;
	if (!set || (flags & LB_FLOW_CLOSED) || (flags & set) == set)
		return 0; /* nothing new: no atomic operation (a retransmitted FIN) */
	flags = __sync_fetch_and_or(&flow->flags, set) | set;
	if (!(flags & LB_FLOW_RST) && (flags & (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND)) !=
					       (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND))
		return 0;
	return !(__sync_fetch_and_or(&flow->flags, LB_FLOW_CLOSED) & LB_FLOW_CLOSED);
}

/*
 * A SNAT flow's return key: backend -> snat:port with a port no other live flow to this backend holds, probing from
 * a hash of the client's flow; any service with the same SNAT address shares this port space, so two services that
 * share a backend never hand out one port twice. When an established flow holds every probed port, -1. When only
 * half-open flows hold the ones left, the first of them changes hands (its half-open flow is forgotten): a flood
 * of SYNs cannot keep a backend's ports from new connections.
 */
struct lb_snat_search {
	struct lb_flow_key client;
	struct lb_flow_key back;
	__u32 start;
	__s32 free;	/* probe index of the first free port, -1: none yet */
	__s32 victim;	/* probe index of the first port only a half-open flow holds, -1: none */
};

/* One bpf_loop step of the SNAT port search: the verifier checks the body once instead of every probe. */
static long lb_snat_probe(__u32 i, void *data)
{
	struct lb_snat_search *search = data;
	struct lb_reply *taken;

	search->back.dport = bpf_htons(LB_SNAT_PORT_MIN + (search->start + i) % LB_SNAT_PORTS);
	taken = bpf_map_lookup_elem(&lb_replies, &search->back);
	if (taken && !lb_reply_is_of(taken, &search->client) && lb_reply_live(&lb_flows, taken, &search->back))
		return 0;
	taken = bpf_map_lookup_elem(&lb_embryo_replies, &search->back);
	if (taken && !lb_reply_is_of(taken, &search->client) && lb_reply_live(&lb_embryos, taken, &search->back)) {
		if (search->victim < 0)
			search->victim = i;
		return 0;
	}
	search->free = i;
	return 1;
}

static __always_inline int lb_snat_port(struct lb_packet *pkt, const struct lb_service *service, struct lb_flow_key *back)
{
	struct lb_snat_search search = { .free = -1, .victim = -1 };
	struct lb_reply *taken;
	__s32 pick;

	search.client = pkt->flow;
	search.back = *back;
	__builtin_memcpy(search.back.dst, service->snat, 16);
	search.start = lb_hash_flow(&pkt->flow) % LB_SNAT_PORTS;
	bpf_loop(LB_SNAT_PROBES, lb_snat_probe, &search, 0);
	pick = search.free >= 0 ? search.free : search.victim;
	if (pick < 0)
		return -1;
	*back = search.back;
	back->dport = bpf_htons(LB_SNAT_PORT_MIN + (search.start + pick) % LB_SNAT_PORTS);
	if (search.free >= 0)
		return 0;
	taken = bpf_map_lookup_elem(&lb_embryo_replies, back);
	if (taken) {
		struct lb_flow_key client;
		__u32 backend_id = taken->backend_id;

		lb_client_of(taken, back, &client);
		if (bpf_map_delete_elem(&lb_embryos, &client) == 0)
			lb_backend_flows_add(backend_id, -1);
	}
	return 0;
}

/*
 * Without SNAT a flow's return key is backend -> client: a live flow of the same client port to another VIP on the
 * same backend holds it (the backend itself could not tell the two connections apart).
 */
static __always_inline int lb_return_key_held(const struct lb_flow_key *client, const struct lb_flow_key *back)
{
	struct lb_reply *held = bpf_map_lookup_elem(&lb_replies, back);

	if (held && !lb_reply_is_of(held, client) && lb_reply_live(&lb_flows, held, back))
		return 1;
	held = bpf_map_lookup_elem(&lb_embryo_replies, back);
	return held && !lb_reply_is_of(held, client) && lb_reply_live(&lb_embryos, held, back);
}

/*
 * Binds a client flow to backend_id: connection entry, return entry, counters. A new flow starts half-open; an
 * established flow that moves to another backend (its own went down) stays established.
 */
static __always_inline int lb_bind(struct lb_packet *pkt, const struct lb_service *service, __u32 backend_id,
				   const struct lb_backend *backend, __u64 now, int established, __be16 *snat_port)
{
	struct lb_flow flow = {
		.created_ns = now,
		.last_seen_ns = now,
		.backend_id = backend_id,
		.service_id = service->id,
	};
	struct lb_reply reply;
	struct lb_flow_key back;

	lb_reply_of(&pkt->flow, service, backend, backend_id, 0, now, &back, &reply);
	if (service->flags & LB_SERVICE_SNAT) {
		if (lb_snat_port(pkt, service, &back) < 0)
			return -1;
		flow.snat_port = back.dport;
	} else if (lb_return_key_held(&pkt->flow, &back)) {
		return -1;
	}
	if (established) {
		if (bpf_map_update_elem(&lb_flows, &pkt->flow, &flow, BPF_ANY) < 0 ||
		    bpf_map_update_elem(&lb_replies, &back, &reply, BPF_ANY) < 0)
			return -1;
	} else {
		if (bpf_map_update_elem(&lb_embryos, &pkt->flow, &flow, BPF_ANY) < 0 ||
		    bpf_map_update_elem(&lb_embryo_replies, &back, &reply, BPF_ANY) < 0)
			return -1;
	}
	lb_backend_flows_add(backend_id, 1);
	*snat_port = flow.snat_port;
	return 0;
}

/*
 * A half-open flow becomes established: its entries move to lb_flows and lb_replies. The client flow goes first, so a
 * reply arriving meanwhile finds either the half-open return entry or a return entry whose flow exists.
 */
static __always_inline void lb_promote(const struct lb_flow_key *client, const struct lb_flow *flow,
				       const struct lb_flow_key *back, const struct lb_reply *reply)
{
	if (bpf_map_update_elem(&lb_flows, client, flow, BPF_ANY) < 0)
		return;
	if (bpf_map_update_elem(&lb_replies, back, reply, BPF_ANY) < 0) {
		bpf_map_delete_elem(&lb_flows, client);
		return;
	}
	bpf_map_delete_elem(&lb_embryos, client);
	bpf_map_delete_elem(&lb_embryo_replies, back);
}

/*
 * An established flow's return entry, checked on every client packet (which also keeps it as fresh in its LRU as
 * the flow is in its own): put back when it went; -1 when another flow holds its key now (the flow is stale).
 */
static __always_inline int lb_keep_return_entry(const struct lb_flow_key *client, const struct lb_service *service,
						const struct lb_backend *backend, const struct lb_flow *flow, __u64 now)
{
	struct lb_flow_key back;
	struct lb_reply reply;
	struct lb_reply *held;

	lb_reply_of(client, service, backend, flow->backend_id, flow->snat_port, now, &back, &reply);
	held = bpf_map_lookup_elem(&lb_replies, &back);
	if (held)
		return lb_reply_is_of(held, client) ? 0 : -1;
	bpf_map_update_elem(&lb_replies, &back, &reply, BPF_NOEXIST);
	return 0;
}

#endif /* LB_FLOWS_H */
