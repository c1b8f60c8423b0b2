// SPDX-License-Identifier: GPL-2.0
/* A TC test stage: drops UDP to port 9 (TC_ACT_SHOT) and continues the chain for everything else. */
#include <deetune/chain.h>
#include <deetune/parsing.h>

SEC("tc")
int tc_marker(struct __sk_buff *skb)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__be16 proto;

	deetune_cursor_init(&c, (void *)(long)skb->data, (void *)(long)skb->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return deetune_tc_next(skb);
	if (deetune_parse_ipv4(&c, &ip) < 0 || ip->protocol != IPPROTO_UDP || deetune_parse_udp(&c, &udp) < 0)
		return deetune_tc_next(skb);
	if (udp->dest == bpf_htons(9))
		return deetune_tc_verdict(TC_ACT_SHOT);
	return deetune_tc_next(skb);
}

char LICENSE[] SEC("license") = "GPL";
