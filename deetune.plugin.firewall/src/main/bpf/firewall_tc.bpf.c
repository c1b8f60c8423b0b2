// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall stage at tc ingress (hook tc-ingress): for interfaces where the kernel hands XDP an skb it already
 * built (veth, generic XDP), where tc judges the same skb without converting it for XDP first. Same maps, same
 * rules and counters as the XDP program. A separate object because a tail-call map serves one program type.
 */
#include <deetune/chain.h>
#include "firewall_stage.h"

SEC("tc")
int firewall(struct __sk_buff *skb)
{
	deetune_tc_pull_headers(skb);
	if (fw_judge((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len) == FW_DROP)
		return deetune_tc_verdict(TC_ACT_SHOT);
	return deetune_tc_next(skb);
}

char LICENSE[] SEC("license") = "GPL";
