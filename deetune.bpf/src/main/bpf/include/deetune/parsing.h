/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Packet parsing with bounds checks the verifier accepts.
 *
 * A struct deetune_cursor walks the packet; every parse_* helper checks that the header it returns lies inside
 * [data, data_end) before the caller may touch it, advances the cursor, and returns -1 when the packet is too
 * short. Multi-byte fields stay in network byte order.
 */
#ifndef DEETUNE_PARSING_H
#define DEETUNE_PARSING_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_8021Q
#define ETH_P_8021Q 0x8100
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#ifndef IPPROTO_HOPOPTS
#define IPPROTO_HOPOPTS 0
#endif
#ifndef IPPROTO_ROUTING
#define IPPROTO_ROUTING 43
#endif
#ifndef IPPROTO_FRAGMENT
#define IPPROTO_FRAGMENT 44
#endif
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#ifndef IPPROTO_DSTOPTS
#define IPPROTO_DSTOPTS 60
#endif

/* At most this many IPv6 extension headers are walked before the upper-layer header. */
#define DEETUNE_IPV6_MAX_EXT 4

/* At most this many stacked VLAN tags are skipped (QinQ needs two). */
#define DEETUNE_VLAN_MAX_DEPTH 2

struct deetune_cursor {
	void *pos;
	void *end;
};

/* ICMP and ICMPv6 share their first four bytes; <linux/icmp.h> drags in libc headers, so declare them here. */
struct deetune_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest;
};

struct deetune_vlan_hdr {
	__be16 tci;
	__be16 encapsulated_proto;
};

static __always_inline void deetune_cursor_init(struct deetune_cursor *c, void *data, void *data_end)
{
	c->pos = data;
	c->end = data_end;
}

/* Ethernet header plus up to two VLAN tags; *proto receives the L3 EtherType (network order). */
static __always_inline int deetune_parse_eth(struct deetune_cursor *c, struct ethhdr **eth, __be16 *proto)
{
	struct ethhdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	c->pos = h + 1;
	*eth = h;
	*proto = h->h_proto;

#pragma unroll
	for (int i = 0; i < DEETUNE_VLAN_MAX_DEPTH; i++) {
		struct deetune_vlan_hdr *v = c->pos;

		if (*proto != bpf_htons(ETH_P_8021Q) && *proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(v + 1) > c->end)
			return -1;
		*proto = v->encapsulated_proto;
		c->pos = v + 1;
	}
	return 0;
}

/* IPv4 header with options; rejects a header length below 20 bytes. */
static __always_inline int deetune_parse_ipv4(struct deetune_cursor *c, struct iphdr **ip)
{
	struct iphdr *h = c->pos;
	int len;

	if ((void *)(h + 1) > c->end)
		return -1;
	len = h->ihl * 4;
	if (len < (int)sizeof(*h))
		return -1;
	if (c->pos + len > c->end)
		return -1;
	c->pos += len;
	*ip = h;
	return 0;
}

/* True for a non-first fragment or a first fragment with more to come: L4 ports may be missing. */
static __always_inline int deetune_ipv4_is_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(0x3fff)) != 0;
}

/* Fixed IPv6 header; deetune_skip_ipv6_ext walks the extension headers after it. */
static __always_inline int deetune_parse_ipv6(struct deetune_cursor *c, struct ipv6hdr **ip6)
{
	struct ipv6hdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	c->pos = h + 1;
	*ip6 = h;
	return 0;
}

/* The generic shape of hop-by-hop, routing, destination options and AH headers. */
struct deetune_ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen; /* 8-byte units beyond the first 8 (AH: 4-byte units beyond the first 8) */
};

struct deetune_ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset in 8-byte units << 3, plus flags */
	__be32 identification;
};

enum deetune_ipv6_ext_result {
	DEETUNE_L4_AT_CURSOR,	/* *nexthdr is the upper-layer protocol, its header starts at the cursor */
	DEETUNE_L4_AT_CURSOR_FRAGMENT, /* the same, in the first fragment of a fragmented packet */
	DEETUNE_L4_UNKNOWN,	/* a non-first fragment, or more than DEETUNE_IPV6_MAX_EXT extension headers */
};

/*
 * Walks the IPv6 extension headers (hop-by-hop, routing, destination options, AH, fragment) that follow the fixed
 * header; *nexthdr starts as the fixed header's next header. Returns a deetune_ipv6_ext_result, or -1 when an
 * extension header is cut short.
 */
static __always_inline int deetune_skip_ipv6_ext(struct deetune_cursor *c, __u8 *nexthdr)
{
	int fragment = 0;

#pragma unroll
	for (int i = 0; i < DEETUNE_IPV6_MAX_EXT; i++) {
		__u8 next = *nexthdr;

		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS || next == IPPROTO_AH) {
			struct deetune_ipv6_opt_hdr *h = c->pos;

			if ((void *)(h + 1) > c->end)
				return -1;
			*nexthdr = h->nexthdr;
			c->pos += next == IPPROTO_AH ? (h->hdrlen + 2) * 4 : (h->hdrlen + 1) * 8;
		} else if (next == IPPROTO_FRAGMENT) {
			struct deetune_ipv6_frag_hdr *h = c->pos;

			if ((void *)(h + 1) > c->end)
				return -1;
			*nexthdr = h->nexthdr;
			c->pos = h + 1;
			if (h->frag_off & bpf_htons(0xfff8))
				return DEETUNE_L4_UNKNOWN;
			fragment = 1;
		} else {
			return fragment ? DEETUNE_L4_AT_CURSOR_FRAGMENT : DEETUNE_L4_AT_CURSOR;
		}
	}
	if (*nexthdr == IPPROTO_HOPOPTS || *nexthdr == IPPROTO_ROUTING || *nexthdr == IPPROTO_DSTOPTS ||
	    *nexthdr == IPPROTO_AH || *nexthdr == IPPROTO_FRAGMENT)
		return DEETUNE_L4_UNKNOWN;
	return fragment ? DEETUNE_L4_AT_CURSOR_FRAGMENT : DEETUNE_L4_AT_CURSOR;
}

/* TCP header with options; rejects a data offset below 20 bytes. */
static __always_inline int deetune_parse_tcp(struct deetune_cursor *c, struct tcphdr **tcp)
{
	struct tcphdr *h = c->pos;
	int len;

	if ((void *)(h + 1) > c->end)
		return -1;
	len = h->doff * 4;
	if (len < (int)sizeof(*h))
		return -1;
	if (c->pos + len > c->end)
		return -1;
	c->pos += len;
	*tcp = h;
	return 0;
}

static __always_inline int deetune_parse_udp(struct deetune_cursor *c, struct udphdr **udp)
{
	struct udphdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	c->pos = h + 1;
	*udp = h;
	return 0;
}

/* ICMP or ICMPv6 header (the caller knows which from the IP header). */
static __always_inline int deetune_parse_icmp(struct deetune_cursor *c, struct deetune_icmphdr **icmp)
{
	struct deetune_icmphdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	c->pos = h + 1;
	*icmp = h;
	return 0;
}

/* Enough for Ethernet, two VLAN tags, IPv6 with its extension headers and a TCP header with options. */
#define DEETUNE_TC_HEADERS 256

/*
 * tc: direct packet access sees the skb's linear part only. Pulls the first DEETUNE_TC_HEADERS bytes (the whole
 * packet when it is shorter) into it when they are not all there; read skb->data and data_end after this call.
 */
static __always_inline void deetune_tc_pull_headers(struct __sk_buff *skb)
{
	__u32 linear = skb->data_end - skb->data;
	__u32 wanted = skb->len < DEETUNE_TC_HEADERS ? skb->len : DEETUNE_TC_HEADERS;

	if (linear < wanted)
		bpf_skb_pull_data(skb, wanted);
}

#endif /* DEETUNE_PARSING_H */
