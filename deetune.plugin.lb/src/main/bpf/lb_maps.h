/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* The load balancer's state maps; the core pins them under deetune/stages/lb/ and keeps them across reloads. */
#ifndef LB_MAPS_H
#define LB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "lb_consts.h"
#include "lb_structs.h"

/* VIP -> service; written by Java. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_SERVICES);
	__type(key, struct lb_vip_key);
	__type(value, struct lb_service);
} lb_services SEC(".maps");

/* Backend id -> backend; written by Java. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct lb_backend);
} lb_backends SEC(".maps");

/*
 * Selection rings, LB_RING_SIZE slots per service (key: service id * LB_RING_SIZE + slot) holding backend ids:
 * the round-robin order (weighted: a smooth interleaving), the eligible backends for least-connections and
 * source-hash, or the Maglev lookup table. Java computes them; only eligible (up, weight > 0) backends appear.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_SERVICES * LB_RING_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} lb_rings SEC(".maps");

/* Service id -> next round-robin turn (shared by all CPUs, so the rotation is exact). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_SERVICES);
	__type(key, __u32);
	__type(value, __u64);
} lb_turns SEC(".maps");

/* Backend id -> live flows (for least-connections); the data path counts, Java re-counts from lb_flows. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, __s64);
} lb_backend_flows SEC(".maps");

/*
 * Connection table: client flow -> backend, for established TCP flows and for UDP. LRU, so a full table evicts the
 * coldest flows, not new ones. Each entry has its return entry in lb_replies; either one alone is stale: the
 * data path checks the other side at least once per LB_TOUCH_NS of a flow's traffic (lb_flow_table.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_MAX_FLOWS);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_flow);
} lb_flows SEC(".maps");

/* Return path of lb_flows: backend -> client flow, to rewrite replies back to the VIP. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_MAX_FLOWS);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_reply);
} lb_replies SEC(".maps");

/*
 * Half-open TCP flows (the client's SYN seen, the handshake not completed) and their return entries: a SYN binds
 * here, and the flow moves to lb_flows and lb_replies once the backend has answered and the client acknowledged.
 * Separate LRU tables, so spoofed SYNs evict each other, never an established flow; an entry older than the
 * half-open timeout counts as absent.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_MAX_HALF_OPEN);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_flow);
} lb_half_open SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_MAX_HALF_OPEN);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_reply);
} lb_half_open_replies SEC(".maps");

/*
 * The interfaces XDP may redirect to: those of the load balancer's namespace that accept redirected frames
 * (NETDEV_XDP_ACT_NDO_XMIT; a veth only while its peer has XDP or GRO). A frame redirected anywhere else is dropped
 * by the kernel without a trace, so the data path checks lb_egress_ports first and otherwise hands the packet to
 * the kernel. Java (EgressMonitor) keeps both from the kernel's netdev family: lb_egress ifindex -> the same
 * ifindex, resolved to its device when Java writes it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, LB_MAX_EGRESS);
	__type(key, __u32);
	__type(value, __u32);
} lb_egress SEC(".maps");

/*
 * ifindex -> the interface's MAC, for each lb_egress entry. The state maps serve pipelines in every namespace,
 * and an ifindex names different devices in different namespaces: a redirect is taken only when the fib lookup's
 * source MAC (the egress device's own) matches too, so a pipeline elsewhere never sends out of this device.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_EGRESS);
	__type(key, __u32);
	__type(value, struct lb_egress_port);
} lb_egress_ports SEC(".maps");

/* Settings Java changes at run time; one entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_settings);
} lb_settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct lb_stats);
} lb_service_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct lb_stats);
} lb_backend_stats SEC(".maps");

#endif /* LB_MAPS_H */
