/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Sending a rewritten packet on its way. With lb_fib_redirect set, the stage routes it itself (bpf_fib_lookup,
 * then XDP_REDIRECT out of the egress interface with the neighbour's MAC); whenever that is not possible (no route
 * or neighbour yet, TTL about to expire, VLAN-tagged frame, forwarding disabled) the kernel forwards it (XDP_PASS),
 * which also resolves the neighbour for the next packet.
 */
#ifndef LB_FORWARD_H
#define LB_FORWARD_H

#include <deetune/chain.h>
#include "lb_packet.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* What becomes of a packet; each entry program turns it into its hook's verdict. */
enum lb_action {
	LB_CONTINUE,	/* not the load balancer's: the next stage */
	LB_PASS,	/* rewritten, the kernel forwards it */
	LB_DROP,
	LB_REDIRECT,	/* rewritten and routed: out of pkt->egress_ifindex */
};

/* Set by Java before load: 1 routes in XDP (fib lookup + redirect), 0 always hands the packet to the kernel. */
const volatile __u8 lb_fib_redirect = 1;

/* Decrements the IPv4 TTL like a router, fixing the header checksum (TTL shares a 16-bit word with protocol). */
static __always_inline void lb_ipv4_decrease_ttl(struct iphdr *ip)
{
	__be16 *word = (__be16 *)&ip->ttl;
	__be16 old = *word;

	ip->ttl--;
	deetune_csum_replace2(&ip->check, old, *word);
}

static __always_inline enum lb_action lb_transmit(LB_CTX *ctx, struct lb_packet *pkt)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	if (!lb_fib_redirect || pkt->tagged)
		return LB_PASS;
	fib.l4_protocol = pkt->flow.proto;
	fib.sport = pkt->ports->src;
	fib.dport = pkt->ports->dst;
	fib.ifindex = ctx->ingress_ifindex;
	if (pkt->ip4) {
		if (pkt->ip4->ttl <= 1)
			return LB_PASS;
		fib.family = AF_INET;
		fib.tos = pkt->ip4->tos;
		fib.tot_len = bpf_ntohs(pkt->ip4->tot_len);
		fib.ipv4_src = pkt->ip4->saddr;
		fib.ipv4_dst = pkt->ip4->daddr;
	} else if (pkt->ip6) {
		if (pkt->ip6->hop_limit <= 1)
			return LB_PASS;
		fib.family = AF_INET6;
		fib.flowinfo = *(__be32 *)pkt->ip6 & bpf_htonl(0x0fffffff);
		fib.tot_len = bpf_ntohs(pkt->ip6->payload_len) + sizeof(struct ipv6hdr);
		__builtin_memcpy(fib.ipv6_src, &pkt->ip6->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, &pkt->ip6->daddr, 16);
	} else {
		return LB_PASS;
	}
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return LB_PASS;
	if (pkt->ip4) {
		lb_ipv4_decrease_ttl(pkt->ip4);
	} else if (pkt->ip6) {
		/* Not in the pseudo header and IPv6 has no header checksum: only a whole-packet checksum sees it. */
		__be16 *word = (__be16 *)&pkt->ip6->payload_len + 1;

		lb_csum_complete_change(pkt, *word, *word - bpf_htons(1));
		pkt->ip6->hop_limit--;
	}
	__builtin_memcpy(pkt->eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(pkt->eth->h_source, fib.smac, ETH_ALEN);
	pkt->egress_ifindex = fib.ifindex;
	return LB_REDIRECT;
}

#endif /* LB_FORWARD_H */
