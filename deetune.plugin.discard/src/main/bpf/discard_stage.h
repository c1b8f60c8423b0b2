/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The discard stage's decision, shared by its two entry programs (discard.bpf.c at XDP, discard_tc.bpf.c at tc
 * ingress): a TCP or UDP packet whose destination port is in discard_ports is counted there and dropped; every
 * other packet continues the chain.
 *
 * Only what the stage can name is dropped: a packet whose destination port cannot be read (not IP, a non-first
 * fragment, an L4 header cut short, an IPv6 extension chain longer than the walker follows) continues the chain,
 * where the firewall judges malformed traffic. A first fragment carries the ports and is dropped; the fragments
 * after it then never reassemble.
 */
#ifndef DISCARD_STAGE_H
#define DISCARD_STAGE_H

#include <deetune/parsing.h>
#include "discard_maps.h"

/* What the stage decides for a frame, whatever the hook. */
enum discard_outcome {
	DISCARD_CONTINUE,
	DISCARD_DROP,
};

/* The upper-layer protocol of an IP packet whose L4 header starts at the cursor; 0 when there is none to read. */
static __always_inline __u8 discard_l4_proto(struct deetune_cursor *c)
{
	struct ethhdr *eth;
	__be16 proto;

	if (deetune_parse_eth(c, &eth, &proto) < 0)
		return 0;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip;

		if (deetune_parse_ipv4(c, &ip) < 0 || (ip->frag_off & bpf_htons(0x1fff)))
			return 0;
		return ip->protocol;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6;
		__u8 nexthdr;
		int walked;

		if (deetune_parse_ipv6(c, &ip6) < 0)
			return 0;
		nexthdr = ip6->nexthdr;
		walked = deetune_skip_ipv6_ext(c, &nexthdr);
		if (walked != DEETUNE_L4_AT_CURSOR && walked != DEETUNE_L4_AT_CURSOR_FRAGMENT)
			return 0;
		return nexthdr;
	}
	return 0;
}

/* Judges the frame in [data, data_end) (Ethernet first); bytes is its length for the counters. */
static __always_inline enum discard_outcome discard_judge(void *data, void *data_end, __u64 bytes)
{
	struct discard_port_key key = {};
	struct deetune_cursor c;
	struct discard_hits *hits;

	deetune_cursor_init(&c, data, data_end);
	key.proto = discard_l4_proto(&c);
	if (key.proto == IPPROTO_TCP) {
		struct tcphdr *tcp;

		if (deetune_parse_tcp(&c, &tcp) < 0)
			return DISCARD_CONTINUE;
		key.port = tcp->dest;
	} else if (key.proto == IPPROTO_UDP) {
		struct udphdr *udp;

		if (deetune_parse_udp(&c, &udp) < 0)
			return DISCARD_CONTINUE;
		key.port = udp->dest;
	} else {
		return DISCARD_CONTINUE;
	}

	hits = bpf_map_lookup_elem(&discard_ports, &key);
	if (!hits)
		return DISCARD_CONTINUE;
	/* This CPU's own copy: no other CPU writes it. */
	hits->packets++;
	hits->bytes += bytes;
	return DISCARD_DROP;
}

#endif /* DISCARD_STAGE_H */
