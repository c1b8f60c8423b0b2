// SPDX-License-Identifier: GPL-2.0
/*
 * Another tool's tcx program, attached after a DeeTune pipeline: counts every packet it sees and lets it go on
 * (TC_ACT_UNSPEC, tcx "next"). It only runs if DeeTune's chain ended with "next" too.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counted SEC(".maps");

SEC("tc")
int tc_counter(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&counted, &zero);

	if (count)
		__sync_fetch_and_add(count, 1);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
