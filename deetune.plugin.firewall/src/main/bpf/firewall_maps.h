/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * State maps of the firewall stage (pinned by the core, kept across reloads).
 *
 * Atomic rule-set switch: a rule set lives in one of two banks. The control plane builds the next rule set in the
 * idle bank (a fresh rule table and counter table put into the map-in-map slots, the tuple lists into fw_sets),
 * then flips fw_active in one map update. A packet reads fw_active once, so it is judged by one whole rule set;
 * replaced inner maps are freed by the kernel only after every program run that may still hold them has ended.
 */
#ifndef FIREWALL_MAPS_H
#define FIREWALL_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "firewall_structs.h"

/*
 * Inner map templates; the control plane creates the real tables, sized to each rule set. Sizes rather than BTF
 * types: clang 14 emits the key and value structs of an inner template only as forward declarations.
 */
struct fw_rule_table {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct fw_rule_key));
	__uint(value_size, sizeof(struct fw_rule_value));
};

/*
 * Rule counters, one block of (rule_count + 1) entries per possible CPU (CPU-major, so CPUs do not share cache
 * lines and need no atomics). A plain array rather than a per-CPU one: only plain arrays accept BPF_F_INNER_MAP,
 * which lets each rule set's counter table have its own size.
 */
struct fw_counter_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct fw_rule_counter));
};

/* The bank that judges packets now. */
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
	__array(values, struct fw_rule_table);
} fw_rule_tables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FW_BANKS);
	__type(key, __u32);
	__array(values, struct fw_counter_table);
} fw_counter_tables SEC(".maps");

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
