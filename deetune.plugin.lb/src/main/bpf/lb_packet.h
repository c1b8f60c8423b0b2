/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Parsing a frame into the flow it belongs to, and NAT rewrites of its addresses and ports. */
#ifndef LB_PACKET_H
#define LB_PACKET_H

#include <deetune/parsing.h>
#include <deetune/csum.h>
#include "lb_consts.h"
#include "lb_structs.h"
#include "lb_counters.h"

/* TCP and UDP both start with the two ports. */
struct lb_ports {
	__be16 src;
	__be16 dst;
};

struct lb_packet {
	struct lb_flow_key flow;
	struct ethhdr *eth;
	struct iphdr *ip4;		/* set for IPv4 */
	struct ipv6hdr *ip6;		/* set for IPv6 */
	struct lb_ports *ports;
	__sum16 *l4_csum;
	__u32 length;			/* frame bytes, for the counters */
	__u8 tcp_flags;			/* 0 for UDP */
	__u8 tagged;			/* a VLAN tag sits between Ethernet and IP */
	/*
	 * tc: the rewrite's checksum changes, which the entry hands to the kernel's helpers once the rewrite is done
	 * (they may move the packet, so they come last): only the kernel knows whether the skb's L4 checksum is full,
	 * partial (CHECKSUM_PARTIAL: the field holds the pseudo header's sum, as veth and container senders leave it)
	 * or covered by a whole-packet sum (CHECKSUM_COMPLETE). One's complement sums of the changed words.
	 */
	__u8 l4_rewritten;		/* tc: addresses or ports changed */
	__u16 l4_csum_offset;		/* tc: where l4_csum lies, from the frame's start (for the helpers) */
	__u32 csum_pseudo_diff;		/* tc: the addresses' change (pseudo header) */
	__u32 csum_port_diff;		/* tc: the ports' change */
	__u32 csum_complete_diff;	/* tc: bytes no checksum field covers changed (IPv6 hop limit, ports of UDP without checksum) */
	__u32 egress_ifindex;		/* LB_REDIRECT: the interface to send it out of */
};

#ifndef LB_HOOK_TC
#define LB_HOOK_TC 0
#endif
#ifndef LB_CTX
#error "the entry program defines LB_CTX, its context type, before including the stage"
#endif

/* Parses the L4 header of a TCP or UDP packet; -1 for anything else or a truncated header. */
static __always_inline int lb_parse_l4(struct deetune_cursor *c, __u8 proto, struct lb_packet *pkt)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp;

		if (deetune_parse_tcp(c, &tcp) < 0)
			return -1;
		pkt->ports = (struct lb_ports *)tcp;
		pkt->l4_csum = &tcp->check;
		pkt->tcp_flags = ((__u8 *)tcp)[13];
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *udp;

		if (deetune_parse_udp(c, &udp) < 0)
			return -1;
		pkt->ports = (struct lb_ports *)udp;
		pkt->l4_csum = &udp->check;
	} else {
		return -1;
	}
	pkt->flow.sport = pkt->ports->src;
	pkt->flow.dport = pkt->ports->dst;
	pkt->flow.proto = proto;
	return 0;
}

/* Longest Ethernet header the parser takes (with its VLAN tags): bounds the IPv6 header's offset for the walker. */
#define LB_MAX_L3_OFFSET (sizeof(struct ethhdr) + DEETUNE_VLAN_MAX_DEPTH * sizeof(struct deetune_vlan_hdr))
/* Past this offset an L4 header is not looked for (as many extension headers as the walker takes fit well below). */
#define LB_MAX_L4_OFFSET 1024

/*
 * lb_parse's result for IPv6 whose routing header still has segments left (DEETUNE_L4_ROUTED_ONWARD): the fixed
 * header's destination is then the next hop of the route and the packet's own destination sits in the routing
 * header, so balancing on the first would be balancing on the wrong address. Such packets are left to the kernel
 * (it routes them on, or drops what it does not handle), counted.
 */
#define LB_PARSE_ROUTED -2

/*
 * Where the L4 header of the IPv6 packet whose fixed header starts at ip6_offset begins: (next header << 16) |
 * offset from the frame's start, or -1 (a fragment, cut short, too many extension headers), or LB_PARSE_ROUTED. A global function, so
 * the verifier checks the walk through the extension headers once and the caller goes on from one state: inlined,
 * every way through those headers was a path of its own through the whole stage, past the verifier's limit.
 */
__noinline int lb_ipv6_l4_locate(LB_CTX *ctx, __u32 ip6_offset)
{
	void *data = (void *)(long)ctx->data;
	struct deetune_cursor c;
	struct ipv6hdr *ip6;
	__u8 nexthdr;
	int walked;

	if (ip6_offset > LB_MAX_L3_OFFSET)
		return -1;
	deetune_cursor_init(&c, data + ip6_offset, (void *)(long)ctx->data_end);
	if (deetune_parse_ipv6(&c, &ip6) < 0)
		return -1;
	nexthdr = ip6->nexthdr;
	walked = deetune_walk_ipv6_ext(&c, &nexthdr, DEETUNE_IPV6_EXT_ROUTING);
	if (walked == DEETUNE_L4_ROUTED_ONWARD)
		return LB_PARSE_ROUTED;
	if (walked != DEETUNE_L4_AT_CURSOR)
		return -1;
	return (int)nexthdr << 16 | (int)(c.pos - data);
}

/* lb_parse's walk through the headers. */
static __always_inline int lb_parse_frame(LB_CTX *ctx, struct lb_packet *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct deetune_cursor c;
	__be16 proto;

	deetune_cursor_init(&c, data, data_end);
	if (deetune_parse_eth(&c, &pkt->eth, &proto) < 0)
		return -1;
	pkt->tagged = c.pos != (void *)(pkt->eth + 1);
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip;

		if (deetune_parse_ipv4(&c, &ip) < 0 || deetune_ipv4_is_fragment(ip))
			return -1;
		pkt->ip4 = ip;
		pkt->flow.family = LB_FAMILY_IPV4;
		pkt->flow.src[0] = ip->saddr;
		pkt->flow.dst[0] = ip->daddr;
		return lb_parse_l4(&c, ip->protocol, pkt);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6;
		__u32 l4_offset;
		int located;

		if (deetune_parse_ipv6(&c, &ip6) < 0)
			return -1;
		pkt->ip6 = ip6;
		pkt->flow.family = LB_FAMILY_IPV6;
		__builtin_memcpy(pkt->flow.src, &ip6->saddr, 16);
		__builtin_memcpy(pkt->flow.dst, &ip6->daddr, 16);
		if (ip6->nexthdr == IPPROTO_TCP || ip6->nexthdr == IPPROTO_UDP)
			return lb_parse_l4(&c, ip6->nexthdr, pkt);
		located = lb_ipv6_l4_locate(ctx, (void *)ip6 - data);
		if (located < 0)
			return located;
		l4_offset = located & 0xffff;
		if (l4_offset > LB_MAX_L4_OFFSET)
			return -1;
		c.pos = data + l4_offset;
		return lb_parse_l4(&c, located >> 16, pkt);
	}
	return -1;
}

/*
 * Fills pkt from the frame; -1 when it is not an unfragmented TCP or UDP packet over IPv4/IPv6 (or too short), or
 * when a routing header routes it on (counted).
 */
static __always_inline int lb_parse(LB_CTX *ctx, struct lb_packet *pkt)
{
	int parsed = lb_parse_frame(ctx, pkt);

	if (parsed == LB_PARSE_ROUTED)
		lb_counter_add(LB_COUNTER_IPV6_ROUTED);
	if (parsed < 0)
		return -1;
	if (LB_HOOK_TC)
		pkt->l4_csum_offset = (void *)pkt->l4_csum - (void *)(long)ctx->data;
	return 0;
}

/* One's complement sum of 32-bit words, as the kernel keeps skb->csum. */
static __always_inline __u32 lb_csum_add32(__u32 sum, __u32 word)
{
	sum += word;
	return sum + (sum < word);
}

/*
 * tc only: records a 16-bit word of the packet changing from old to new that no checksum field covers, for a
 * checksum the receiving device computed over the whole packet (CHECKSUM_COMPLETE); the entry hands the sum to
 * bpf_csum_update, which changes nothing for other skbs.
 */
static __always_inline void lb_csum_complete_change(struct lb_packet *pkt, __be16 old, __be16 new)
{
	if (LB_HOOK_TC)
		pkt->csum_complete_diff = lb_csum_add32(lb_csum_add32(pkt->csum_complete_diff, (__u16)~old), new);
}

/*
 * Updates the L4 checksum for a changed address (pseudo header) and port; UDP keeps "no checksum" (IPv4).
 * At tc only records the change (see struct lb_packet): lb_tc.bpf.c applies it with bpf_l4_csum_replace.
 */
static __always_inline void lb_l4_csum_update(struct lb_packet *pkt, const __be32 old_addr[4], const __be32 new_addr[4],
					      __be16 old_port, __be16 new_port)
{
	if (LB_HOOK_TC) {
		pkt->l4_rewritten = 1;
		pkt->csum_pseudo_diff = lb_csum_add32(lb_csum_add32(pkt->csum_pseudo_diff, ~old_addr[0]), new_addr[0]);
		if (pkt->ip6) {
#pragma unroll
			for (int i = 1; i < 4; i++)
				pkt->csum_pseudo_diff = lb_csum_add32(lb_csum_add32(pkt->csum_pseudo_diff, ~old_addr[i]), new_addr[i]);
		}
		pkt->csum_port_diff = lb_csum_add32(lb_csum_add32(pkt->csum_port_diff, (__u16)~old_port), new_port);
		/* UDP over IPv4 without a checksum: the helper leaves it 0, so nothing makes up for the ports' change. */
		if (pkt->ip4 && pkt->flow.proto == IPPROTO_UDP && *pkt->l4_csum == 0)
			lb_csum_complete_change(pkt, old_port, new_port);
		return;
	}
	if (pkt->flow.proto == IPPROTO_UDP && pkt->ip4) {
		deetune_udp4_csum_replace4(pkt->l4_csum, old_addr[0], new_addr[0]);
		deetune_udp4_csum_replace2(pkt->l4_csum, old_port, new_port);
		return;
	}
	if (pkt->ip4) {
		deetune_csum_replace4(pkt->l4_csum, old_addr[0], new_addr[0]);
	} else {
		deetune_csum_replace16(pkt->l4_csum, old_addr, new_addr);
	}
	deetune_csum_replace2(pkt->l4_csum, old_port, new_port);
	/* UDP over IPv6 must carry a checksum: a computed 0 is sent as 0xffff. */
	if (pkt->flow.proto == IPPROTO_UDP && *pkt->l4_csum == 0)
		*pkt->l4_csum = 0xffff;
}

/* Destination NAT: client -> VIP becomes client -> backend. */
static __always_inline void lb_rewrite_destination(struct lb_packet *pkt, const struct lb_backend *backend)
{
	lb_l4_csum_update(pkt, pkt->flow.dst, backend->addr, pkt->ports->dst, backend->port);
	pkt->ports->dst = backend->port;
	if (pkt->ip4) {
		deetune_csum_replace4(&pkt->ip4->check, pkt->ip4->daddr, backend->addr[0]);
		pkt->ip4->daddr = backend->addr[0];
	} else if (pkt->ip6) {
		__builtin_memcpy(&pkt->ip6->daddr, backend->addr, 16);
	}
}

/* Source NAT: client -> backend becomes snat:port -> backend (the backend replies to the LB). */
static __always_inline void lb_rewrite_source(struct lb_packet *pkt, const __be32 addr[4], __be16 port)
{
	lb_l4_csum_update(pkt, pkt->flow.src, addr, pkt->ports->src, port);
	pkt->ports->src = port;
	if (pkt->ip4) {
		deetune_csum_replace4(&pkt->ip4->check, pkt->ip4->saddr, addr[0]);
		pkt->ip4->saddr = addr[0];
	} else if (pkt->ip6) {
		__builtin_memcpy(&pkt->ip6->saddr, addr, 16);
	}
}

/* Reverse NAT: backend -> client (or -> snat:port) becomes VIP -> client. */
static __always_inline void lb_rewrite_reply(struct lb_packet *pkt, const struct lb_reply *reply)
{
	if (pkt->ports->dst != reply->client_port || pkt->flow.dst[0] != reply->client[0] ||
	    pkt->flow.dst[1] != reply->client[1] || pkt->flow.dst[2] != reply->client[2] ||
	    pkt->flow.dst[3] != reply->client[3]) {
		lb_l4_csum_update(pkt, pkt->flow.dst, reply->client, pkt->ports->dst, reply->client_port);
		pkt->ports->dst = reply->client_port;
		if (pkt->ip4) {
			deetune_csum_replace4(&pkt->ip4->check, pkt->ip4->daddr, reply->client[0]);
			pkt->ip4->daddr = reply->client[0];
		} else if (pkt->ip6) {
			__builtin_memcpy(&pkt->ip6->daddr, reply->client, 16);
		}
	}
	lb_rewrite_source(pkt, reply->vip, reply->vip_port);
}

#endif /* LB_PACKET_H */
