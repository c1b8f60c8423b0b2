// SPDX-License-Identifier: GPL-2.0
/* The benchmark's TC floor: a tcx ingress program that drops everything, to compare the TC hook with XDP on veth. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_drop(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
