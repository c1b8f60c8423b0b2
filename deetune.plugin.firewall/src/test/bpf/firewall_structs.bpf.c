// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall's shared structs that its stage objects carry no BTF for: the keys and the value of the rule tables
 * are only inner-map sizes there (clang 14 emits the key and value structs of an inner-map template as forward
 * declarations). A variable of them puts them into this object's BTF, for FirewallStructsTest. Never loaded.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../../main/bpf/firewall_structs.h"

struct fw_rule_table_structs {
	struct fw_key4 key4;
	struct fw_key6 key6;
	struct fw_rule_value value;
} fw_rule_table_structs;

char LICENSE[] SEC("license") = "GPL";
