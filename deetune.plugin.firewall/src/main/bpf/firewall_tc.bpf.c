// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall stage at tc ingress (hook tc-ingress): for interfaces where the kernel hands XDP an skb it already
 * built (veth, generic XDP), where tc judges the same skb without converting it for XDP first. Same maps, same
 * rules and counters as the XDP program. A separate object because a tail-call map serves one program type.
 */
#include <deetune/chain.h>
#include "firewall_verdict.h"

/* Enough for Ethernet, two VLAN tags, IPv6 with its extension headers and a TCP header with options. */
#define FW_TC_HEADERS 256

SEC("tc")
int firewall(struct __sk_buff *skb)
{
	__u32 linear = skb->data_end - skb->data;
	__u32 wanted = skb->len < FW_TC_HEADERS ? skb->len : FW_TC_HEADERS;

	/* Direct packet access sees the linear part only: pull the headers in when they are not all there. */
	if (linear < wanted)
		bpf_skb_pull_data(skb, wanted);
	if (fw_judge((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len) == FW_DROP)
		return deetune_tc_verdict(TC_ACT_SHOT);
	return deetune_tc_next(skb);
}

char LICENSE[] SEC("license") = "GPL";
