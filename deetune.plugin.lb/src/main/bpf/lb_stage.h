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
#include "lb_flows.h"
#include "lb_forward.h"

/* Client -> VIP, for a flow still half-open: records that the client acknowledged, and promotes it once both spoke. */
static __always_inline void lb_forward_half_open(struct lb_packet *pkt, const struct lb_service *service,
						 const struct lb_backend *backend, struct lb_flow *flow, __u64 now)
{
	struct lb_flow_key back;
	struct lb_reply reply;
	struct lb_flow copy;

	if (pkt->flow.proto != IPPROTO_TCP || (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK | LB_TCP_RST)) != LB_TCP_ACK)
		return;
	if (!(flow->flags & LB_FLOW_CLIENT_ACKED))
		__sync_fetch_and_or(&flow->flags, LB_FLOW_CLIENT_ACKED);
	if (!(flow->flags & LB_FLOW_BACKEND_SEEN))
		return;
	copy = *flow;
	lb_reply_of(&pkt->flow, service, backend, copy.backend_id, copy.snat_port, now, &back, &reply);
	lb_promote(&pkt->flow, &copy, &back, &reply);
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
	int bare_syn = pkt->flow.proto == IPPROTO_TCP && (pkt->tcp_flags & (LB_TCP_SYN | LB_TCP_ACK)) == LB_TCP_SYN;
	int half_open = 0;
	int established = 0;
	int new_flow = 0;

	if (!flow) {
		flow = bpf_map_lookup_elem(&lb_embryos, &pkt->flow);
		half_open = flow != NULL;
	}
	/*
	 * A TCP packet of no known flow that does not open one (not a bare SYN): a late packet of a flow that ended or
	 * was evicted, or a scan. Round-robin, weighted and least-connections would hand it to a backend that never
	 * saw the connection (and move their turn on); it continues the chain, as IPVS lets such packets pass. The
	 * hash-based algorithms pick the backend the flow had anyway.
	 */
	if (!flow && pkt->flow.proto == IPPROTO_TCP && !bare_syn && !lb_choice_is_stateless(service))
		return LB_CONTINUE;
	if (flow) {
		backend_id = flow->backend_id;
		backend = bpf_map_lookup_elem(&lb_backends, &backend_id);
		/*
		 * Keep the binding unless its backend went down (the flow moves to a healthy one), the service was
		 * replaced or switched source translation on or off, or a closed TCP flow's port is reused by a new
		 * connection (SYN), which starts half-open again.
		 */
		if (!backend || !(backend->flags & LB_BACKEND_UP) || flow->service_id != service->id ||
		    snat != (flow->snat_port != 0) || ((flow->flags & LB_FLOW_CLOSED) && bare_syn)) {
			if (!(flow->flags & LB_FLOW_CLOSED))
				lb_backend_flows_add(backend_id, -1);
			established = !half_open && !(flow->flags & LB_FLOW_CLOSED);
			if (!half_open && !established)
				bpf_map_delete_elem(&lb_flows, &pkt->flow);
			flow = NULL;
		} else if (!half_open && lb_keep_return_entry(&pkt->flow, service, backend, flow, now) < 0) {
			/* Its return key went to another flow: the client can no longer get replies; forget the flow. */
			if (!(flow->flags & LB_FLOW_CLOSED))
				lb_backend_flows_add(backend_id, -1);
			bpf_map_delete_elem(&lb_flows, &pkt->flow);
			return LB_CONTINUE;
		}
	}
	if (!flow) {
		if (lb_select(service, &pkt->flow, &backend_id) < 0)
			return LB_DROP; /* a VIP without an eligible backend: nothing can answer */
		backend = bpf_map_lookup_elem(&lb_backends, &backend_id);
		if (!backend || backend->family != pkt->flow.family)
			return LB_DROP;
		if (lb_bind(pkt, service, backend_id, backend, now, established, &snat_port) < 0)
			return LB_DROP;
		new_flow = 1;
	} else {
		snat_port = flow->snat_port;
		if (now - flow->last_seen_ns > LB_TOUCH_NS)
			flow->last_seen_ns = now;
		if (pkt->tcp_flags && lb_track_teardown(flow, pkt->tcp_flags, LB_FLOW_FIN_CLIENT))
			lb_backend_flows_add(backend_id, -1);
		if (half_open && backend)
			lb_forward_half_open(pkt, service, backend, flow, now); /* may move the flow: flow is not used after */
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

/*
 * Backend -> client, for a return entry whose client flow is live: flow (in lb_flows, or in lb_embryos when
 * half_open) under the key client. The reply rewrites from a copy, since a half-open flow may move meanwhile.
 */
static __always_inline enum lb_action lb_return(LB_CTX *ctx, struct lb_packet *pkt, struct lb_reply *entry,
						struct lb_flow *flow, const struct lb_flow_key *client, int half_open)
{
	__u64 now = bpf_ktime_get_ns();
	struct lb_reply reply = *entry;

	if (now - entry->last_seen_ns > LB_TOUCH_NS)
		entry->last_seen_ns = now;
	/* The sweep reads idleness from the flow: it counts for both directions. */
	if (now - flow->last_seen_ns > LB_TOUCH_NS)
		flow->last_seen_ns = now;
	if ((pkt->tcp_flags & (LB_TCP_FIN | LB_TCP_RST)) &&
	    lb_track_teardown(flow, pkt->tcp_flags, LB_FLOW_FIN_BACKEND))
		lb_backend_flows_add(reply.backend_id, -1);
	if (half_open && !(pkt->tcp_flags & LB_TCP_RST)) {
		if (!(flow->flags & LB_FLOW_BACKEND_SEEN))
			__sync_fetch_and_or(&flow->flags, LB_FLOW_BACKEND_SEEN);
		/* A UDP flow is established by its first answer; a TCP one once the client acknowledged too. */
		if (pkt->flow.proto == IPPROTO_UDP || (flow->flags & LB_FLOW_CLIENT_ACKED)) {
			struct lb_flow copy = *flow;

			lb_promote(client, &copy, &pkt->flow, &reply);
		}
	}
	lb_count(&lb_backend_stats, reply.backend_id, pkt->length, 0);
	lb_rewrite_reply(pkt, &reply);
	return lb_transmit(ctx, pkt);
}

/*
 * A reply of a known flow: its return entry in lb_replies (established) or lb_embryo_replies (half-open), checked
 * against its client flow. A return entry without its flow (the LRU evicted the flow, or it was rebound) is stale:
 * removed, and the packet goes on as one of no flow.
 */
static __always_inline enum lb_action lb_reply_path(LB_CTX *ctx, struct lb_packet *pkt)
{
	struct lb_flow_key client;
	struct lb_reply *reply;
	struct lb_flow *flow;

	reply = bpf_map_lookup_elem(&lb_replies, &pkt->flow);
	if (reply) {
		lb_client_of(reply, &pkt->flow, &client);
		flow = bpf_map_lookup_elem(&lb_flows, &client);
		if (flow && lb_reply_matches(flow, reply, &pkt->flow))
			return lb_return(ctx, pkt, reply, flow, &client, 0);
		bpf_map_delete_elem(&lb_replies, &pkt->flow);
	}
	reply = bpf_map_lookup_elem(&lb_embryo_replies, &pkt->flow);
	if (reply) {
		lb_client_of(reply, &pkt->flow, &client);
		flow = bpf_map_lookup_elem(&lb_embryos, &client);
		if (flow && lb_reply_matches(flow, reply, &pkt->flow))
			return lb_return(ctx, pkt, reply, flow, &client, 1);
		bpf_map_delete_elem(&lb_embryo_replies, &pkt->flow);
	}
	return LB_CONTINUE;
}

/* Decides what becomes of the packet; pkt->length is set by the entry. */
static __always_inline enum lb_action lb_judge(LB_CTX *ctx, struct lb_packet *pkt)
{
	struct lb_vip_key vip = {};
	struct lb_service *service;

	if (lb_parse(ctx, pkt) < 0)
		return LB_CONTINUE;
	__builtin_memcpy(vip.addr, pkt->flow.dst, 16);
	vip.port = pkt->flow.dport;
	vip.proto = pkt->flow.proto;
	vip.family = pkt->flow.family;
	service = bpf_map_lookup_elem(&lb_services, &vip);
	if (service)
		return lb_forward(ctx, pkt, service);
	return lb_reply_path(ctx, pkt);
}

#endif /* LB_STAGE_H */
