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
#include "lb_flow_table.h"
#include "lb_forward.h"

/*
 * Client -> VIP. A TCP SYN binds the flow in the half-open tables; once the backend has answered, the client's next
 * packet establishes it (lb_flow_table.h). UDP, and TCP of the hash-based algorithms met mid-stream, bind in the
 * established tables at once.
 */
static __always_inline enum lb_action lb_forward(LB_CTX *ctx, struct lb_packet *pkt, const struct lb_service *service)
{
	__u64 now = bpf_ktime_get_ns();
	struct lb_flow *flow = bpf_map_lookup_elem(&lb_flows, &pkt->flow);
	struct lb_backend *backend = NULL;
	__u32 backend_id = 0;
	__be16 snat_port = 0;
	int snat = (service->flags & LB_SERVICE_SNAT) != 0;
	int tcp = pkt->flow.proto == IPPROTO_TCP;
	int syn = tcp && (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) == LB_TCP_SYN;
	int half_open = 0;
	int replaces = flow != NULL;
	int new_flow = 0;

	if (!flow && tcp) {
		flow = bpf_map_lookup_elem(&lb_half_open, &pkt->flow);
		if (flow && lb_half_open_expired(flow, now)) {
			lb_counter_add(LB_COUNTER_HALF_OPEN_EXPIRED);
			flow = NULL;
		}
		half_open = flow != NULL;
	}
	/*
	 * A TCP packet of no known flow that does not open one (not a bare SYN): a late packet of a flow that ended or
	 * was evicted, or a scan. Round-robin, weighted and least-connections would hand it to a backend that never
	 * saw the connection (and move their turn on); it continues the chain, as IPVS lets such packets pass. The
	 * hash-based algorithms pick the backend the flow had anyway.
	 */
	if (!flow && tcp && !syn && !lb_choice_is_stateless(service))
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
		    snat != (flow->snat_port != 0) || ((flow->flags & LB_FLOW_CLOSED) && syn)) {
			if (!(flow->flags & LB_FLOW_CLOSED))
				lb_backend_flows_add(backend_id, -1);
			flow = NULL;
		}
	}
	if (!flow) {
		int bound;

		if (lb_select(service, &pkt->flow, &backend_id) < 0)
			return LB_DROP; /* a VIP without an eligible backend: nothing can answer */
		backend = bpf_map_lookup_elem(&lb_backends, &backend_id);
		if (!backend || backend->family != pkt->flow.family)
			return LB_DROP;
		bound = lb_reply_tuple(&pkt->flow, service, backend, now);
		if (bound >= 0) {
			snat_port = bound;
			bound = lb_bind(&pkt->flow, service, backend, backend_id,
					snat_port | (syn ? LB_BIND_HALF_OPEN : 0) | (replaces ? LB_BIND_REPLACES : 0));
		}
		if (bound < 0) {
			lb_counter_add(-bound);
			return LB_DROP;
		}
		if (syn)
			lb_counter_add(LB_COUNTER_HALF_OPEN);
		new_flow = 1;
	} else if (half_open) {
		snat_port = flow->snat_port;
		/* The client acknowledges the backend's answer: the handshake is complete. */
		if (!syn && (flow->flags & LB_FLOW_ANSWERED)) {
			if (lb_establish(&pkt->flow, service, backend, flow, now) < 0) {
				lb_counter_add(LB_COUNTER_BIND_FAILED);
				return LB_DROP;
			}
			lb_counter_add(LB_COUNTER_ESTABLISHED);
		}
	} else {
		snat_port = flow->snat_port;
		if (now - flow->last_seen_ns > LB_TOUCH_NS) {
			flow->last_seen_ns = now;
			lb_flow_refresh(&pkt->flow, service, backend, flow, now);
		}
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

/* Backend -> client, through the return entry of an established flow or (half_open) of a half-open one. */
static __always_inline enum lb_action lb_return(LB_CTX *ctx, struct lb_packet *pkt, struct lb_reply *reply, int half_open)
{
	__u64 now = bpf_ktime_get_ns();

	if (half_open) {
		if (lb_half_open_answer(&pkt->flow, reply, now) < 0) {
			lb_counter_add(LB_COUNTER_REPLY_ORPHANED);
			return LB_DROP;
		}
	} else if (now - reply->last_seen_ns > LB_TOUCH_NS || (pkt->tcp_flags & (LB_TCP_FIN | LB_TCP_RST))) {
		if (lb_reply_track(&pkt->flow, reply, pkt->tcp_flags) < 0) {
			lb_counter_add(LB_COUNTER_REPLY_ORPHANED);
			return LB_DROP;
		}
		if (now - reply->last_seen_ns > LB_TOUCH_NS)
			reply->last_seen_ns = now;
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
		return lb_return(ctx, pkt, reply, 0);
	/* A backend answers a half-open flow with SYN-ACK or RST only: nothing else needs the half-open lookup. */
	if (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_RST)) {
		reply = bpf_map_lookup_elem(&lb_half_open_replies, &pkt->flow);
		if (reply)
			return lb_return(ctx, pkt, reply, 1);
	}
	return LB_CONTINUE;
}

#endif /* LB_STAGE_H */
