/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * The fields the firewall matches on, read from a frame with the shared parsing helpers.
 *
 * Decisions (documented in the README):
 * - Non-IP frames (ARP, ...) are not the firewall's business: they continue the chain.
 * - Headers are read within the IP length (IPv4 total length, IPv6 payload length), never from the frame's padding
 *   (deetune/parsing.h). A truncated IPv4/IPv6 header, or a TCP/UDP/ICMP header cut short by the frame or by the IP
 *   length, is malformed and dropped: the kernel would discard it anyway, and letting it through would let it slip
 *   past port rules.
 * - A first fragment too short for its whole TCP/UDP/ICMP header (the "tiny fragment" attack of RFC 1858: the
 *   flags or ports a rule looks at would come in a later fragment) is dropped and counted apart. So is an IPv4 TCP
 *   fragment at offset 8 (RFC 1858's overlapping fragment: it could only rewrite the TCP header of the first).
 * - A non-first fragment (IPv4 offset != 0, or an IPv6 fragment header with offset != 0) carries no L4 header: its
 *   ports and TCP flags are unknown, so only rules that match no port and no flag can match it (iptables does the
 *   same). Dropping the first fragment is enough to stop a fragmented datagram; the rest cannot be reassembled.
 * - IPv6 extension headers (hop-by-hop, routing, destination options, AH, fragment) are walked, at most
 *   DEETUNE_IPV6_MAX_EXT of them (deetune/parsing.h). A longer chain (not a non-first fragment) is dropped as
 *   malformed: where it ends is unknown, so neither its protocol nor its ports could be judged (taken as unknown, it
 *   would slip past every protocol rule).
 */
#ifndef FIREWALL_PACKET_H
#define FIREWALL_PACKET_H

#include <deetune/parsing.h>
#include "firewall_consts.h"

enum fw_parse_result {
	FW_PARSED,
	FW_NOT_IP,
	FW_MALFORMED,
	FW_TINY_FRAGMENT,
};

struct fw_packet {
	__be32 src[4]; /* IPv4: src[0] only, the rest 0 */
	__be32 dst[4];
	__be16 sport;  /* network order, as the rule key wants it */
	__be16 dport;
	__u16 sport_host;
	__u16 dport_host;
	__u8 proto;
	__u8 tcp_flags;
	__u8 ipv6;
	__u8 l4_known; /* 0: non-first fragment or unwalked extension chain: ports and flags unknown */
};

/* Reads the L4 fields of a packet whose L4 header should be at the cursor. */
static __always_inline int fw_parse_l4(struct deetune_cursor *c, struct fw_packet *p)
{
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *tcp;

		if (deetune_parse_tcp(c, &tcp) < 0)
			return -1;
		p->sport = tcp->source;
		p->dport = tcp->dest;
		p->tcp_flags = ((__u8 *)tcp)[13];
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *udp;

		if (deetune_parse_udp(c, &udp) < 0)
			return -1;
		p->sport = udp->source;
		p->dport = udp->dest;
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		struct deetune_icmphdr *icmp;

		if (deetune_parse_icmp(c, &icmp) < 0)
			return -1;
	}
	p->sport_host = bpf_ntohs(p->sport);
	p->dport_host = bpf_ntohs(p->dport);
	return 0;
}

static __always_inline enum fw_parse_result fw_parse(void *data, void *data_end, struct fw_packet *p)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	__be16 proto;
	int first_fragment = 0;

	deetune_cursor_init(&c, data, data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0)
		return FW_NOT_IP; /* shorter than an Ethernet header: not ours to judge */
	p->l4_known = 1;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip;

		if (deetune_parse_ipv4(&c, &ip) < 0)
			return FW_MALFORMED;
		p->src[0] = ip->saddr;
		p->dst[0] = ip->daddr;
		p->proto = ip->protocol;
		if (ip->frag_off & bpf_htons(0x1fff)) {
			if (p->proto == IPPROTO_TCP && (ip->frag_off & bpf_htons(0x1fff)) == bpf_htons(1))
				return FW_TINY_FRAGMENT;
			p->l4_known = 0;
			return FW_PARSED;
		}
		first_fragment = deetune_ipv4_is_fragment(ip);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6;
		__u8 nexthdr;

		if (deetune_parse_ipv6(&c, &ip6) < 0)
			return FW_MALFORMED;
		p->ipv6 = 1;
		__builtin_memcpy(p->src, &ip6->saddr, 16);
		__builtin_memcpy(p->dst, &ip6->daddr, 16);
		nexthdr = ip6->nexthdr;
		switch (deetune_skip_ipv6_ext(&c, &nexthdr)) {
		case DEETUNE_L4_AT_CURSOR:
			p->proto = nexthdr;
			break;
		case DEETUNE_L4_AT_CURSOR_FRAGMENT: /* the first fragment carries the ports: rules can judge it */
			p->proto = nexthdr;
			first_fragment = 1;
			break;
		case DEETUNE_L4_UNKNOWN:
			p->proto = nexthdr;
			p->l4_known = 0;
			return FW_PARSED;
		default: /* cut short, or DEETUNE_L4_UNWALKED */
			return FW_MALFORMED;
		}
	} else {
		return FW_NOT_IP;
	}
	if (fw_parse_l4(&c, p) < 0)
		return first_fragment ? FW_TINY_FRAGMENT : FW_MALFORMED;
	return FW_PARSED;
}

#endif /* FIREWALL_PACKET_H */
