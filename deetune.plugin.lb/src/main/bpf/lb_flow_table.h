/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The connection tables: binding a new flow, establishing a half-open one, and keeping the two entries of a flow
 * (client side in lb_flows, return side in lb_replies) consistent. Two independent LRU maps can each evict one side
 * of a flow; the return entry is therefore only trusted while its client flow still owns it, which the data path
 * checks whenever a flow's touch is due (at most every LB_TOUCH_NS), on FIN and RST, and before a new flow takes a
 * tuple. The larger functions are global (BPF-to-BPF calls with their own frame, verified once each): inlined, they
 * would enlarge the entry's stack and multiply the paths the verifier walks.
 */
#ifndef LB_FLOW_TABLE_H
#define LB_FLOW_TABLE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "lb_consts.h"
#include "lb_structs.h"
#include "lb_maps.h"
#include "lb_counters.h"
#include "lb_helpers.h"

#define LB_GLOBAL __attribute__((noinline))

static __always_inline __u64 lb_half_open_timeout(void)
{
	__u32 zero = 0;
	struct lb_settings *settings = bpf_map_lookup_elem(&lb_settings, &zero);

	return settings && settings->half_open_timeout_ns ? settings->half_open_timeout_ns : LB_HALF_OPEN_TIMEOUT_NS;
}

static __always_inline int lb_half_open_expired(const struct lb_flow *flow, __u64 now)
{
	return now - flow->created_ns > lb_half_open_timeout();
}

static __always_inline int lb_addr_equal(const __be32 *a, const __be32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* The return-side key of a client flow bound to backend: backend -> client, or backend -> snat:snat_port. */
static __always_inline void lb_reply_key(const struct lb_flow_key *client, const struct lb_backend *backend,
					 const __be32 *snat, __be16 snat_port, struct lb_flow_key *back)
{
	__builtin_memcpy(back->src, backend->addr, 16);
	back->sport = backend->port;
	back->proto = client->proto;
	back->family = client->family;
	if (snat) {
		__builtin_memcpy(back->dst, snat, 16);
		back->dport = snat_port;
	} else {
		__builtin_memcpy(back->dst, client->src, 16);
		back->dport = client->sport;
	}
}

/* The return entry of a client flow bound to backend_id. */
static __always_inline void lb_reply_of(const struct lb_flow_key *client, __u32 backend_id, __u64 now,
					struct lb_reply *reply)
{
	__builtin_memcpy(reply->vip, client->dst, 16);
	__builtin_memcpy(reply->client, client->src, 16);
	reply->vip_port = client->dport;
	reply->client_port = client->sport;
	reply->backend_id = backend_id;
	reply->last_seen_ns = now;
}

/* The client flow a return entry (key back) belongs to. */
static __always_inline void lb_reply_client(const struct lb_reply *reply, const struct lb_flow_key *back,
					    struct lb_flow_key *client)
{
	__builtin_memcpy(client->src, reply->client, 16);
	__builtin_memcpy(client->dst, reply->vip, 16);
	client->sport = reply->client_port;
	client->dport = reply->vip_port;
	client->proto = back->proto;
	client->family = back->family;
}

/* True when reply is a return entry of the client flow client (whichever backend the flow was bound to). */
static __always_inline int lb_reply_is(const struct lb_reply *reply, const struct lb_flow_key *client)
{
	return reply->client_port == client->sport &&
	       reply->vip_port == client->dport && lb_addr_equal(reply->client, client->src) &&
	       lb_addr_equal(reply->vip, client->dst);
}

/* True when flow, found under the client key of the return entry back -> reply, still owns that entry. */
static __always_inline int lb_flow_owns_reply(const struct lb_flow *flow, const struct lb_reply *reply,
					      const struct lb_flow_key *back)
{
	return flow->backend_id == reply->backend_id && (!flow->snat_port || flow->snat_port == back->dport);
}

/*
 * Moves the flow's TCP teardown state forward; returns 1 when this packet closed the flow (exactly one packet does,
 * whichever CPUs the two directions run on: the flags change only by atomic OR).
 */
static __always_inline int lb_track_teardown(struct lb_flow *flow, __u8 tcp_flags, __u32 fin_flag)
{
	__u32 bits = 0;
	__u32 flags;

	if (tcp_flags & LB_TCP_RST)
		bits |= LB_FLOW_RST;
	if (tcp_flags & LB_TCP_FIN)
		bits |= fin_flag;
	if (!bits || (flow->flags & bits) == bits)
		return 0;
	flags = __sync_fetch_and_or(&flow->flags, bits) | bits;
	if (!(flags & LB_FLOW_RST) &&
	    (flags & (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND)) != (LB_FLOW_FIN_CLIENT | LB_FLOW_FIN_BACKEND))
		return 0;
	return !(__sync_fetch_and_or(&flow->flags, LB_FLOW_CLOSED) & LB_FLOW_CLOSED);
}

/*
 * 1 when the return tuple back is held by a live flow other than client's own: a flow of another service whose
 * backend is the same server and port, or an earlier flow on the same SNAT port. Client's own entry (a rebinding,
 * a retransmitted SYN) and a stale holder (its flow gone, closed, or a half-open one expired) do not count: the new
 * binding overwrites them, and one in lb_replies is deleted here.
 */
LB_GLOBAL int lb_tuple_held(const struct lb_flow_key *back, const struct lb_flow_key *client, __u64 now)
{
	struct lb_flow_key holder = {};
	struct lb_reply *reply;
	struct lb_flow *flow;

	if (!back || !client)
		return 1;
	reply = bpf_map_lookup_elem(&lb_replies, back);
	if (reply) {
		if (!lb_reply_is(reply, client)) {
			lb_reply_client(reply, back, &holder);
			flow = bpf_map_lookup_elem(&lb_flows, &holder);
			if (flow && lb_flow_owns_reply(flow, reply, back) && !(flow->flags & LB_FLOW_CLOSED))
				return 1;
		}
		/*
		 * The client's own old entry or a stale one: out of the way now, so that a half-open binding's SYN-ACK
		 * is not rewritten through it (lb_replies is looked up first); an established binding writes it anew.
		 */
		bpf_map_delete_elem(&lb_replies, back);
	}
	reply = bpf_map_lookup_elem(&lb_half_open_replies, back);
	if (reply && !lb_reply_is(reply, client)) {
		lb_reply_client(reply, back, &holder);
		flow = bpf_map_lookup_elem(&lb_half_open, &holder);
		if (flow && lb_flow_owns_reply(flow, reply, back) && !lb_half_open_expired(flow, now))
			return 1;
	}
	return 0;
}

/*
 * The backend-side tuple of a new flow of client to backend: with source translation, a SNAT port no live flow holds
 * (probing LB_SNAT_PROBES ports from a hash of the client's flow; half-open flows hold theirs only for the half-open
 * timeout); without, the client's own address and port, which must not be held by another service's flow to the
 * same server. Returns the SNAT port (network order) or 0 without translation, or minus the lb_counter that says
 * why the flow cannot have a tuple. Kept apart from lb_bind, whose frame is large, so that their frames never stack.
 */
LB_GLOBAL int lb_reply_tuple(const struct lb_flow_key *client, const struct lb_service *service,
			     const struct lb_backend *backend, __u64 now)
{
	struct lb_flow_key back = {};
	__u32 start;

	if (!client || !service || !backend)
		return -LB_COUNTER_BIND_FAILED;
	if (!(service->flags & LB_SERVICE_SNAT)) {
		lb_reply_key(client, backend, NULL, 0, &back);
		return lb_tuple_held(&back, client, now) ? -LB_COUNTER_TUPLE_HELD : 0;
	}
	start = lb_hash_flow(client) % LB_SNAT_PORTS;
	lb_reply_key(client, backend, service->snat, 0, &back);
	for (int i = 0; i < LB_SNAT_PROBES; i++) {
		back.dport = bpf_htons(LB_SNAT_PORT_MIN + (start + i) % LB_SNAT_PORTS);
		if (!lb_tuple_held(&back, client, now))
			return back.dport;
	}
	return -LB_COUNTER_SNAT_EXHAUSTED;
}

/* lb_bind's binding: the SNAT port (network order, 0 without source translation), and where the flow goes. */
#define LB_BIND_SNAT_PORT 0xffff
#define LB_BIND_HALF_OPEN 0x10000
/* lb_flows holds an entry of this client flow that the new binding replaces. */
#define LB_BIND_REPLACES 0x20000

/*
 * Binds the new client flow to backend_id: its entry and return entry, in the half-open tables for a TCP SYN
 * (LB_BIND_HALF_OPEN) and in the established ones otherwise; the SNAT port comes from lb_reply_tuple. (BPF calls take
 * five arguments at most, hence the packed binding.) Returns 0, or minus the lb_counter that says why not.
 */
LB_GLOBAL int lb_bind(const struct lb_flow_key *client, const struct lb_service *service, const struct lb_backend *backend,
		      __u32 backend_id, __u32 binding)
{
	struct lb_flow flow = {};
	struct lb_reply reply = {};
	struct lb_flow_key back = {};
	__be16 snat_port = binding & LB_BIND_SNAT_PORT;
	__u64 now = bpf_ktime_get_ns();

	if (!client || !service || !backend)
		return -LB_COUNTER_BIND_FAILED;
	lb_reply_key(client, backend, snat_port ? service->snat : NULL, snat_port, &back);
	flow.created_ns = now;
	flow.last_seen_ns = now;
	flow.backend_id = backend_id;
	flow.service_id = service->id;
	flow.snat_port = snat_port;
	lb_reply_of(client, backend_id, now, &reply);
	if (binding & LB_BIND_HALF_OPEN) {
		/*
		 * A closed (or rebound) flow of the same client port must not answer for this one any more: its next
		 * packet would find it first. (The tuple's old return entry went in lb_reply_tuple.)
		 */
		if (binding & LB_BIND_REPLACES)
			bpf_map_delete_elem(&lb_flows, client);
		if (bpf_map_update_elem(&lb_half_open_replies, &back, &reply, BPF_ANY) < 0 ||
		    bpf_map_update_elem(&lb_half_open, client, &flow, BPF_ANY) < 0)
			return -LB_COUNTER_BIND_FAILED;
	} else if (bpf_map_update_elem(&lb_replies, &back, &reply, BPF_ANY) < 0 ||
		   bpf_map_update_elem(&lb_flows, client, &flow, BPF_ANY) < 0) {
		return -LB_COUNTER_BIND_FAILED;
	}
	/*
	 * Half-open flows count as their backend's flows too: least-connections must see a burst of SYNs spread, not
	 * all on the backend that had the fewest established flows. Java recounts (at every sweep) what the LRU evicted.
	 */
	lb_backend_flows_add(backend_id, 1);
	return 0;
}

/*
 * Establishes a half-open flow whose backend answered, on the client's acknowledgement: moves its two entries to
 * lb_flows and lb_replies. Returns 0, or -1 when the tables refused them.
 */
LB_GLOBAL int lb_establish(const struct lb_flow_key *client, const struct lb_service *service,
			   const struct lb_backend *backend, const struct lb_flow *half, __u64 now)
{
	struct lb_flow flow = {};
	struct lb_reply reply = {};
	struct lb_flow_key back = {};

	if (!client || !service || !backend || !half)
		return -1;
	__builtin_memcpy(&flow, half, sizeof(flow));
	flow.last_seen_ns = now;
	lb_reply_key(client, backend, flow.snat_port ? service->snat : NULL, flow.snat_port, &back);
	lb_reply_of(client, flow.backend_id, now, &reply);
	if (bpf_map_update_elem(&lb_replies, &back, &reply, BPF_ANY) < 0 ||
	    bpf_map_update_elem(&lb_flows, client, &flow, BPF_ANY) < 0)
		return -1;
	bpf_map_delete_elem(&lb_half_open, client);
	bpf_map_delete_elem(&lb_half_open_replies, &back);
	return 0; /* counted as the backend's flow since lb_bind */
}

/*
 * At an established flow's touch: puts its return entry back if lb_replies evicted it alone (and no other flow took
 * the tuple meanwhile), so that the backend's replies are rewritten again.
 */
LB_GLOBAL int lb_flow_refresh(const struct lb_flow_key *client, const struct lb_service *service,
			      const struct lb_backend *backend, const struct lb_flow *flow, __u64 now)
{
	struct lb_reply reply = {};
	struct lb_flow_key back = {};

	if (!client || !service || !backend || !flow)
		return 0;
	lb_reply_key(client, backend, flow->snat_port ? service->snat : NULL, flow->snat_port, &back);
	if (bpf_map_lookup_elem(&lb_replies, &back))
		return 0;
	lb_reply_of(client, flow->backend_id, now, &reply);
	return bpf_map_update_elem(&lb_replies, &back, &reply, BPF_NOEXIST) == 0;
}

/*
 * A reply found in lb_replies, when its touch is due or it carries FIN or RST: its client flow must still own the
 * entry, and the flow's teardown moves on. Returns 1 when this packet closed the flow, 0 when not, and -1 when the
 * flow is gone (evicted, or bound to another backend): the stale entry is deleted and the reply is to be dropped,
 * since no rewrite would be right.
 */
LB_GLOBAL int lb_reply_track(const struct lb_flow_key *back, const struct lb_reply *reply, __u32 tcp_flags)
{
	struct lb_flow_key client = {};
	struct lb_flow *flow;

	if (!back || !reply)
		return 0;
	lb_reply_client(reply, back, &client);
	flow = bpf_map_lookup_elem(&lb_flows, &client);
	if (!flow || !lb_flow_owns_reply(flow, reply, back)) {
		bpf_map_delete_elem(&lb_replies, back);
		return -1;
	}
	if (lb_track_teardown(flow, tcp_flags, LB_FLOW_FIN_BACKEND)) {
		lb_backend_flows_add(reply->backend_id, -1);
		return 1;
	}
	return 0;
}

/*
 * A backend's answer (SYN-ACK, or RST) to a half-open flow, found in lb_half_open_replies: marks the flow answered,
 * so that the client's acknowledgement establishes it. Returns 0, or -1 when the flow is gone or expired (the stale
 * entry is deleted and the answer is to be dropped).
 */
LB_GLOBAL int lb_half_open_answer(const struct lb_flow_key *back, const struct lb_reply *reply, __u64 now)
{
	struct lb_flow_key client = {};
	struct lb_flow *flow;

	if (!back || !reply)
		return -1;
	lb_reply_client(reply, back, &client);
	flow = bpf_map_lookup_elem(&lb_half_open, &client);
	if (!flow || !lb_flow_owns_reply(flow, reply, back) || lb_half_open_expired(flow, now)) {
		bpf_map_delete_elem(&lb_half_open_replies, back);
		return -1;
	}
	if (!(flow->flags & LB_FLOW_ANSWERED))
		__sync_fetch_and_or(&flow->flags, LB_FLOW_ANSWERED);
	return 0;
}

#endif /* LB_FLOW_TABLE_H */
