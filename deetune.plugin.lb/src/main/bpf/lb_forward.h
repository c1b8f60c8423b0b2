/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Sending a rewritten packet on its way. With lb_fib_redirect set, the stage routes it itself (bpf_fib_lookup,
 * then redirect out of the egress interface with the neighbour's MAC: XDP through the devmap lb_egress, tc with
 * bpf_redirect); whenever that is not possible (no route or neighbour yet, TTL about to expire, VLAN-tagged frame,
 * forwarding disabled, at XDP an egress interface that does not take redirected frames) the kernel forwards it
 * (XDP_PASS), which also resolves the neighbour for the next packet.
 */
#ifndef LB_FORWARD_H
#define LB_FORWARD_H

#include <deetune/chain.h>
#include "lb_counters.h"
#include "lb_maps.h"
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

#if !LB_HOOK_TC
/*
 * Whether XDP may redirect out of the fib lookup's egress device: it is in lb_egress_ports (it takes redirected
 * frames) and is that very device, not one with the same ifindex in another namespace (its MAC, fib->smac, matches).
 */
static __always_inline int lb_egress_accepts(const struct bpf_fib_lookup *fib)
{
	__u32 ifindex = fib->ifindex;
	const struct lb_egress_port *port = bpf_map_lookup_elem(&lb_egress_ports, &ifindex);
	const __u16 *want, *have;

	if (!port)
		return 0;
	want = (const __u16 *)port->mac;
	have = (const __u16 *)fib->smac;
	return want[0] == have[0] && want[1] == have[1] && want[2] == have[2];
}
#endif

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
#if !LB_HOOK_TC
	/* Checked before the rewrite: the kernel gets the packet unchanged and forwards it itself. */
	if (!lb_egress_accepts(&fib)) {
		lb_counter_add(LB_COUNTER_EGRESS_UNABLE);
		return LB_PASS;
	}
#endif
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
