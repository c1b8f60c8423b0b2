/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Structs shared with Java, each mirrored by one codec in io.deetune.lb.internal: the CODEC of VipKey, ServiceEntry,
 * BackendEntry, FlowKey, FlowEntry, ReplyEntry and Stats (LbStructsTest checks their layouts against this object's
 * BTF); lb_settings is read as its one u64, lb_egress_port by EgressPorts. Addresses and ports are in network byte
 * order; an IPv4 address uses addr[0] and leaves addr[1..3] zero.
 */
#ifndef LB_STRUCTS_H
#define LB_STRUCTS_H

#include <linux/types.h>

/* Key of lb_services: what a client connects to. */
struct lb_vip_key {
	__be32 addr[4];
	__be16 port;
	__u8 proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;	/* LB_FAMILY_IPV4 or LB_FAMILY_IPV6 */
};

/* Value of lb_services, written by Java. */
struct lb_service {
	__u32 id;		/* index into the per-service maps */
	__u32 algorithm;	/* enum lb_algorithm */
	__u32 ring_len;		/* used slots of the service's ring in lb_rings; 0: no backend can take a flow */
	__u32 flags;		/* LB_SERVICE_SNAT */
	__be32 snat[4];		/* with LB_SERVICE_SNAT: the LB's address that backends see as the client */
};

/* Value of lb_backends (index: backend id), written by Java. */
struct lb_backend {
	__be32 addr[4];
	__be16 port;
	__u8 family;
	__u8 flags;		/* LB_BACKEND_UP */
	__u32 weight;		/* 0: draining, takes no new flow */
};

/*
 * A flow as seen on the wire; key of lb_flows and lb_half_open (client -> VIP) and of lb_replies and
 * lb_half_open_replies (backend -> client).
 */
struct lb_flow_key {
	__be32 src[4];
	__be32 dst[4];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

/* Value of lb_flows and lb_half_open: the backend a client flow is bound to. */
struct lb_flow {
	__u64 created_ns;	/* bpf_ktime_get_ns() */
	__u64 last_seen_ns;	/* client side; refreshed at most every LB_TOUCH_NS */
	__u32 backend_id;
	__u32 service_id;
	__u32 flags;		/* LB_FLOW_* */
	__be16 snat_port;	/* source port towards the backend when the service translates sources, else 0 */
	__u16 pad;
};

/*
 * Value of lb_replies: how to rewrite a backend's reply so that the client sees the VIP. Its key is the reply as
 * it arrives: backend -> client, or backend -> the service's SNAT address and port.
 */
struct lb_reply {
	__be32 vip[4];
	__be32 client[4];
	__be16 vip_port;
	__be16 client_port;
	__u32 backend_id;
	__u64 last_seen_ns;	/* backend side; refreshed at most every LB_TOUCH_NS */
};

/* The single value of lb_settings: settings Java changes without loading the stage again. */
struct lb_settings {
	__u64 half_open_timeout_ns;	/* 0: LB_HALF_OPEN_TIMEOUT_NS */
};

/* An interface XDP may redirect to, as Java saw it in the load balancer's namespace. */
struct lb_egress_port {
	__u8 mac[6];	/* its hardware address: the fib lookup's smac when it routes out of this very device */
	__u16 pad;
};

/* Per-CPU counters of a service or a backend (both directions). */
struct lb_stats {
	__u64 packets;
	__u64 bytes;
	__u64 new_flows;
};

#endif /* LB_STRUCTS_H */
