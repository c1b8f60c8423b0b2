/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The load balancer's decision, shared by its XDP entry (lb.bpf.c) and its tc entry (lb_tc.bpf.c). A packet to a
 * VIP is bound to a backend on its flow's first packet (by the service's algorithm) and then follows that binding
 * from the connection table; its destination is rewritten to the backend. A backend's reply is found through the
 * return table and its source is rewritten back to the VIP, so the client only ever sees the VIP. Everything else
 * continues the chain untouched. The entry defines LB_CTX (its context type) before including this header, and
 * LB_HOOK_TC as 1 for tc.
 */
#ifndef LB_STAGE_H
#define LB_STAGE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <deetune/chain.h>
#include "lb_consts.h"
#include "lb_structs.h"
#include "lb_maps.h"
#include "lb_helpers.h"
#include "lb_packet.h"
#include "lb_select.h"
#include "lb_forward.h"

/* Moves the flow's TCP teardown state forward; returns 1 when this packet closed the flow. */
static __always_inline int lb_track_teardown(struct lb_flow *flow, __u8 tcp_flags, __u32 fin_flag)
{
	__u32 flags = flow->flags;

	if (flags & LB_FLOW_CLOSED)
		return 0;
	if (tcp_flags & LB_TCP_RST)
		flags |= LB_FLOW_RST;
	if (tcp_flags & LB_TCP_FIN)
		flags |= fin_flag;
	if ((flags & LB_FLOW_RST) || (flags & (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND)) ==
					      (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND))
		flags |= LB_FLOW_CLOSED;
	if (flags == flow->flags)
		return 0;
	flow->flags = flags;
	return (flags & LB_FLOW_CLOSED) != 0;
}

/*
 * The return entry's key for a SNAT flow: backend -> snat:port with a port no other flow to this backend holds
 * (probing from a hash of the client's flow); -1 when all probed ports are taken.
 */
static __always_inline int lb_snat_port(struct lb_packet *pkt, const struct lb_service *service, struct lb_flow_key *back)
{
	__u32 start = lb_hash_flow(&pkt->flow) % LB_SNAT_PORTS;

	__builtin_memcpy(back->dst, service->snat, 16);
#pragma unroll
	for (int i = 0; i < LB_SNAT_PROBES; i++) {
		struct lb_reply *taken;

		back->dport = bpf_htons(LB_SNAT_PORT_MIN + (start + i) % LB_SNAT_PORTS);
		taken = bpf_map_lookup_elem(&lb_replies, back);
		if (!taken || (taken->client_port == pkt->flow.sport && taken->client[0] == pkt->flow.src[0] &&
			       taken->client[1] == pkt->flow.src[1] && taken->client[2] == pkt->flow.src[2] &&
			       taken->client[3] == pkt->flow.src[3]))
			return 0;
	}
	return -1;
}

/* Binds a new client flow to backend_id: connection entry, return entry, counters. */
static __always_inline int lb_bind(struct lb_packet *pkt, const struct lb_service *service, __u32 backend_id,
				   const struct lb_backend *backend, __u64 now, __be16 *snat_port)
{
	struct lb_flow flow = {
		.created_ns = now,
		.last_seen_ns = now,
		.backend_id = backend_id,
		.service_id = service->id,
	};
	struct lb_reply reply = {
		.vip_port = pkt->flow.dport,
		.client_port = pkt->flow.sport,
		.backend_id = backend_id,
		.last_seen_ns = now,
	};
	struct lb_flow_key back = {
		.sport = backend->port,
		.dport = pkt->flow.sport,
		.proto = pkt->flow.proto,
		.family = pkt->flow.family,
	};

	__builtin_memcpy(reply.vip, pkt->flow.dst, 16);
	__builtin_memcpy(reply.client, pkt->flow.src, 16);
	__builtin_memcpy(back.src, backend->addr, 16);
	__builtin_memcpy(back.dst, pkt->flow.src, 16);
	if ((service->flags & LB_SERVICE_SNAT) && lb_snat_port(pkt, service, &back) < 0)
		return -1;
	flow.snat_port = (service->flags & LB_SERVICE_SNAT) ? back.dport : 0;
	if (bpf_map_update_elem(&lb_replies, &back, &reply, BPF_ANY) < 0)
		return -1;
	if (bpf_map_update_elem(&lb_flows, &pkt->flow, &flow, BPF_ANY) < 0)
		return -1;
	lb_backend_flows_add(backend_id, 1);
	*snat_port = flow.snat_port;
	return 0;
}

/* Client -> VIP. */
static __always_inline enum lb_action lb_forward(LB_CTX *ctx, struct lb_packet *pkt, const struct lb_service *service)
{
	__u64 now = bpf_ktime_get_ns();
	struct lb_flow *flow = bpf_map_lookup_elem(&lb_flows, &pkt->flow);
	struct lb_backend *backend = NULL;
	__u32 backend_id = 0;
	__be16 snat_port = 0;
	int snat = (service->flags & LB_SERVICE_SNAT) != 0;
	int new_flow = 0;

	/*
	 * A TCP packet of no known flow that does not open one (not a bare SYN): a late packet of a flow that ended or
	 * was evicted, or a scan. Round-robin, weighted and least-connections would hand it to a backend that never
	 * saw the connection (and move their turn on); it continues the chain, as IPVS lets such packets pass. The
	 * hash-based algorithms pick the backend the flow had anyway.
	 */
	if (!flow && pkt->flow.proto == IPPROTO_TCP && (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) != LB_TCP_SYN &&
	    !lb_choice_is_stateless(service))
		return LB_CONTINUE;
	if (flow) {
		backend_id = flow->backend_id;
		backend = bpf_map_lookup_elem(&lb_backends, &backend_id);
		/*
		 * Keep the binding unless its backend went down (the flow moves to a healthy one), the service was
		 * replaced or switched source translation on or off, or a closed TCP flow's port is reused by a new
		 * connection (SYN).
		 */
		if (!backend || !(backend->flags & LB_BACKEND_UP) || flow->service_id != service->id ||
		    snat != (flow->snat_port != 0) ||
		    ((flow->flags & LB_FLOW_CLOSED) && (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) == LB_TCP_SYN)) {
			if (!(flow->flags & LB_FLOW_CLOSED))
				lb_backend_flows_add(backend_id, -1);
			flow = NULL;
		}
	}
	if (!flow) {
		if (lb_select(service, &pkt->flow, &backend_id) < 0)
			return LB_DROP; /* a VIP without an eligible backend: nothing can answer */
		backend = bpf_map_lookup_elem(&lb_backends, &backend_id);
		if (!backend || backend->family != pkt->flow.family)
			return LB_DROP;
		if (lb_bind(pkt, service, backend_id, backend, now, &snat_port) < 0)
			return LB_DROP;
		new_flow = 1;
	} else {
		snat_port = flow->snat_port;
		if (now - flow->last_seen_ns > LB_TOUCH_NS)
			flow->last_seen_ns = now;
		if (pkt->tcp_flags && lb_track_teardown(flow, pkt->tcp_flags, LB_FLOW_FIN_CLIENT))
			lb_backend_flows_add(backend_id, -1);
	}
	if (!backend)
		return LB_DROP;
	lb_count(&lb_service_stats, service->id, pkt->length, new_flow);
	lb_count(&lb_backend_stats, backend_id, pkt->length, new_flow);
	lb_rewrite_destination(pkt, backend);
	if (snat)
		lb_rewrite_source(pkt, service->snat, snat_port);
	return lb_transmit(ctx, pkt);
}

/* Backend -> client. */
static __always_inline enum lb_action lb_return(LB_CTX *ctx, struct lb_packet *pkt, struct lb_reply *reply)
{
	__u64 now = bpf_ktime_get_ns();

	if (now - reply->last_seen_ns > LB_TOUCH_NS)
		reply->last_seen_ns = now;
	if (pkt->tcp_flags & (LB_TCP_FIN | LB_TCP_RST)) {
		struct lb_flow_key client = {
			.sport = reply->client_port,
			.dport = reply->vip_port,
			.proto = pkt->flow.proto,
			.family = pkt->flow.family,
		};
		struct lb_flow *flow;

		__builtin_memcpy(client.src, reply->client, 16);
		__builtin_memcpy(client.dst, reply->vip, 16);
		flow = bpf_map_lookup_elem(&lb_flows, &client);
		if (flow && flow->backend_id == reply->backend_id &&
		    lb_track_teardown(flow, pkt->tcp_flags, LB_FLOW_FIN_BACKEND))
			lb_backend_flows_add(reply->backend_id, -1);
	}
	lb_count(&lb_backend_stats, reply->backend_id, pkt->length, 0);
	lb_rewrite_reply(pkt, reply);
	return lb_transmit(ctx, pkt);
}

/* Decides what becomes of the packet; pkt->length is set by the entry. */
static __always_inline enum lb_action lb_judge(LB_CTX *ctx, struct lb_packet *pkt)
{
	struct lb_vip_key vip = {};
	struct lb_service *service;
	struct lb_reply *reply;

	if (lb_parse(ctx, pkt) < 0)
		return LB_CONTINUE;
	__builtin_memcpy(vip.addr, pkt->flow.dst, 16);
	vip.port = pkt->flow.dport;
	vip.proto = pkt->flow.proto;
	vip.family = pkt->flow.family;
	service = bpf_map_lookup_elem(&lb_services, &vip);
	if (service)
		return lb_forward(ctx, pkt, service);
	reply = bpf_map_lookup_elem(&lb_replies, &pkt->flow);
	if (reply)
		return lb_return(ctx, pkt, reply);
	return LB_CONTINUE;
}

#endif /* LB_STAGE_H */
