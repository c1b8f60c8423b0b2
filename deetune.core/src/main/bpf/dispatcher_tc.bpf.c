// SPDX-License-Identifier: GPL-2.0
/* The TC dispatcher (tcx ingress or egress): hands every packet to the first stage of a TC pipeline. */
#include <deetune/chain.h>

SEC("tc")
int deetune_tc(struct __sk_buff *skb)
{
	return deetune_tc_next(skb);
}

char LICENSE[] SEC("license") = "GPL";
