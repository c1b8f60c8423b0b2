// SPDX-License-Identifier: GPL-2.0
/*
 * The discard stage at tc ingress (hook tc-ingress): for interfaces where the kernel hands XDP an skb it already
 * built (veth, generic XDP). Same map, same decision and counters as the XDP program; a separate object because a
 * tail-call map serves one program type.
 */
#include <deetune/chain.h>
#include "discard_stage.h"

SEC("tc")
int discard(struct __sk_buff *skb)
{
	deetune_tc_pull_headers(skb);
	if (discard_judge((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len) == DISCARD_DROP)
		return deetune_tc_verdict(TC_ACT_SHOT);
	return deetune_tc_next(skb);
}

char LICENSE[] SEC("license") = "GPL";
