/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * State maps of the firewall stage (pinned by the core, kept across reloads).
 *
 * Atomic rule-set switch: a rule set lives in one of two banks. The control plane builds the next rule set in the
 * idle bank (fresh rule tables put into the map-in-map slots, its default counters zeroed, the tuple lists into
 * fw_sets), then flips fw_active in one map update. A packet reads fw_active once, so it is judged by one whole rule
 * set; replaced inner maps are freed by the kernel only after every program run that may still hold them has ended.
 */
#ifndef FIREWALL_MAPS_H
#define FIREWALL_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "firewall_structs.h"

/*
 * Inner map templates; the control plane creates the real tables, sized to each rule set. Sizes rather than BTF
 * types: clang 14 emits the key and value structs of an inner template only as forward declarations. Per-CPU
 * hashes: a hit finds its own CPU's counters in the value it matched (no other CPU writes them, no atomics).
 */
struct fw_rule_table4 {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct fw_key4));
	__uint(value_size, sizeof(struct fw_rule_value));
};

struct fw_rule_table6 {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct fw_key6));
	__uint(value_size, sizeof(struct fw_rule_value));
};

/* The bank that judges packets now, and whether the blocklist is in use (FW_ACTIVE_*). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fw_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS);
	__type(key, __u32);
	__type(value, struct fw_rule_set);
} fw_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FW_BANKS);
	__type(key, __u32);
	__array(values, struct fw_rule_table4);
} fw_rule_tables4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FW_BANKS);
	__type(key, __u32);
	__array(values, struct fw_rule_table6);
} fw_rule_tables6 SEC(".maps");

/* Hits of the default policy, per bank; the control plane zeroes the idle bank's before a switch. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_BANKS);
	__type(key, __u32);
	__type(value, struct fw_rule_counter);
} fw_defaults SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_block_key);
	__type(value, struct fw_block_entry);
} fw_blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_DROP_REASONS);
	__type(key, __u32);
	__type(value, __u64);
} fw_drops SEC(".maps");

#endif /* FIREWALL_MAPS_H */
