/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Limits and enumerations of the load balancer stage; io.deetune.lb.internal.LbLimits mirrors them. */
#ifndef LB_CONSTS_H
#define LB_CONSTS_H

/* Services (VIP + port + protocol) the stage can hold; service ids are 0 .. LB_MAX_SERVICES - 1. */
#define LB_MAX_SERVICES 128
/* Backends over all services; a backend id names one backend of one service. */
#define LB_MAX_BACKENDS 4096
/*
 * Selection slots per service. A prime, because it doubles as the Maglev lookup table size, whose permutations
 * need a prime length; round-robin rings use only the first ring_len slots.
 */
#define LB_RING_SIZE 16381
/* Least-connections compares at most this many backends of a service (the verifier needs a bound). */
#define LB_LEAST_CONN_MAX 64
/* Default capacity of the connection table (LRU); Java may resize it before load. */
#define LB_MAX_FLOWS 262144
/*
 * Default capacity of the half-open table (TCP flows that have seen only the client's SYN); Java may resize it. A SYN
 * flood churns this table only, never the connection table of established flows.
 */
#define LB_MAX_HALF_OPEN 65536
/* Default half-open timeout (lb_settings may set another): a SYN nobody completes holds its entry and port this long. */
#define LB_HALF_OPEN_TIMEOUT_NS 5000000000ULL
/* Interfaces of the load balancer's namespace that XDP may redirect to (lb_egress). */
#define LB_MAX_EGRESS 256
/* last_seen is refreshed at most once per this many ns: a write per packet would bounce the cache line. */
#define LB_TOUCH_NS 1000000000ULL

enum lb_algorithm {
	LB_ALG_ROUND_ROBIN = 0,
	LB_ALG_WEIGHTED_ROUND_ROBIN = 1,
	LB_ALG_LEAST_CONNECTIONS = 2,
	LB_ALG_SOURCE_HASH = 3,
	LB_ALG_MAGLEV = 4,
};

/* struct lb_service.flags: rewrite the client's source to snat[] and a port of the SNAT range as well. */
#define LB_SERVICE_SNAT 0x1
/*
 * SNAT source ports: above Linux's default ephemeral range (32768-60999), so that the LB host's own connections
 * (health checks) never share a port with a translated flow. A port is picked by hashing the client's address and
 * port, probing the next ones when another flow holds it towards the same backend.
 */
#define LB_SNAT_PORT_MIN 61000
#define LB_SNAT_PORTS 4536
#define LB_SNAT_PROBES 8

/* struct lb_backend.flags */
#define LB_BACKEND_UP 0x1

/*
 * struct lb_flow.flags: TCP teardown seen per direction; CLOSED once both FINs or a RST went through. Both directions'
 * CPUs change them: only with atomic OR (lb_flow_flags_or), never by a plain store.
 */
#define LB_FLOW_FIN_CLIENT 0x1
#define LB_FLOW_FIN_BACKEND 0x2
#define LB_FLOW_RST 0x4
#define LB_FLOW_CLOSED 0x8
/* Half-open flows: the backend has answered the SYN; the client's next packet (its ACK) establishes the flow. */
#define LB_FLOW_ANSWERED 0x10

/* TCP header flags the stage looks at. */
#define LB_TCP_FIN 0x01
#define LB_TCP_SYN 0x02
#define LB_TCP_RST 0x04
#define LB_TCP_ACK 0x10

/* Address families as the structs store them (not AF_*: Java reads them). */
#define LB_FAMILY_IPV4 4
#define LB_FAMILY_IPV6 6

#endif /* LB_CONSTS_H */
