/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* State maps of the discard stage (pinned by the core, kept across reloads). */
#ifndef DISCARD_MAPS_H
#define DISCARD_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "discard_consts.h"
#include "discard_structs.h"

/*
 * The ports to discard, written by Java; the key being present is the decision. A per-CPU hash: the lookup that
 * decides also finds this CPU's counters, which no other CPU writes (no atomics, no second lookup).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DISCARD_MAX_PORTS);
	__type(key, struct discard_port_key);
	__type(value, struct discard_hits);
} discard_ports SEC(".maps");

#endif /* DISCARD_MAPS_H */
