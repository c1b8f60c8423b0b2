/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Packet parsing with bounds checks the verifier accepts.
 *
 * A struct deetune_cursor walks the packet; every parse_* helper checks that the header it returns lies inside
 * [data, data_end) before the caller may touch it, advances the cursor, and returns -1 when the packet is too
 * short. Multi-byte fields stay in network byte order.
 *
 * Bounded by the IP length, not only by the frame: once the IP header is parsed, every later header must also lie
 * inside the IP datagram (IPv4 total length, IPv6 payload length). The bytes of a frame past the IP length are
 * padding (Ethernet pads every frame to 60 bytes) or whatever a sender put there; the kernel trims them before the
 * transport layer sees the packet, so a header read from them is a header the receiver never sees. Judging it would
 * let a first fragment whose IP length holds 8 bytes of TCP, padded with bytes that look like the rest of an ACK,
 * pass for an ACK while the reassembled packet is a SYN (RFC 1858's tiny fragment).
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
	void *end;	/* the frame's end (data_end): the bound the verifier checks accesses against */
	void *base;	/* where the cursor started: limit counts from here */
	__u32 limit;	/* offset from base where the IP datagram ends; DEETUNE_NO_LIMIT before an IP header */
};

#define DEETUNE_NO_LIMIT 0xffffffffu

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
	c->base = data;
	c->limit = DEETUNE_NO_LIMIT;
}

/*
 * Whether the bytes before past are in the frame and in the IP datagram. The frame check must stay a comparison of
 * the packet pointer with data_end (what the verifier learns a header's bounds from); the datagram check compares
 * offsets, so the cursor's position may be set anywhere in the frame without losing the limit.
 */
static __always_inline int deetune_cursor_holds(const struct deetune_cursor *c, const void *past)
{
	if (past > c->end)
		return 0;
	return (__u64)(past - c->base) <= c->limit;
}

/* The IP datagram that starts at start is length bytes long: nothing after it belongs to the packet. */
static __always_inline void deetune_cursor_limit(struct deetune_cursor *c, const void *start, __u32 length)
{
	__u64 end = (__u64)(start - c->base) + length;

	if (end < c->limit)
		c->limit = end;
}

/* Ethernet header plus up to two VLAN tags; *proto receives the L3 EtherType (network order). */
static __always_inline int deetune_parse_eth(struct deetune_cursor *c, struct ethhdr **eth, __be16 *proto)
{
	struct ethhdr *h = c->pos;

	if (!deetune_cursor_holds(c, h + 1))
		return -1;
	c->pos = h + 1;
	*eth = h;
	*proto = h->h_proto;

#pragma unroll
	for (int i = 0; i < DEETUNE_VLAN_MAX_DEPTH; i++) {
		struct deetune_vlan_hdr *v = c->pos;

		if (*proto != bpf_htons(ETH_P_8021Q) && *proto != bpf_htons(ETH_P_8021AD))
			break;
		if (!deetune_cursor_holds(c, v + 1))
			return -1;
		*proto = v->encapsulated_proto;
		c->pos = v + 1;
	}
	return 0;
}

/*
 * IPv4 header with options; rejects a header length below 20 bytes and a total length below the header length. The
 * total length bounds every later parse. A total length of 0 is left unbounded: the kernel's own big aggregates
 * (BIG TCP GRO/GSO beyond 64 KiB, seen at tc) carry 0 there, and a wire packet with 0 is dropped by the kernel anyway.
 */
static __always_inline int deetune_parse_ipv4(struct deetune_cursor *c, struct iphdr **ip)
{
	struct iphdr *h = c->pos;
	__u32 total;
	int len;

	if (!deetune_cursor_holds(c, h + 1))
		return -1;
	len = h->ihl * 4;
	if (len < (int)sizeof(*h))
		return -1;
	if (!deetune_cursor_holds(c, c->pos + len))
		return -1;
	total = bpf_ntohs(h->tot_len);
	if (total) {
		if (total < (__u32)len)
			return -1;
		deetune_cursor_limit(c, h, total);
	}
	c->pos += len;
	*ip = h;
	return 0;
}

/* True for a non-first fragment or a first fragment with more to come: L4 ports may be missing. */
static __always_inline int deetune_ipv4_is_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(0x3fff)) != 0;
}

/*
 * Fixed IPv6 header; deetune_skip_ipv6_ext (or deetune_walk_ipv6_ext) walks the extension headers after it. The
 * payload length bounds every later parse; a payload length of 0 (a jumbogram, or the kernel's BIG TCP aggregates at
 * tc) is left unbounded.
 */
static __always_inline int deetune_parse_ipv6(struct deetune_cursor *c, struct ipv6hdr **ip6)
{
	struct ipv6hdr *h = c->pos;
	__u32 payload;

	if (!deetune_cursor_holds(c, h + 1))
		return -1;
	payload = bpf_ntohs(h->payload_len);
	if (payload)
		deetune_cursor_limit(c, h + 1, payload);
	c->pos = h + 1;
	*ip6 = h;
	return 0;
}

/* The generic shape of hop-by-hop, routing, destination options and AH headers. */
struct deetune_ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen; /* 8-byte units beyond the first 8 (AH: 4-byte units beyond the first 8) */
};

/* The start of a routing header (RFC 8200 4.4), whatever its type. */
struct deetune_ipv6_rt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
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
	DEETUNE_L4_UNKNOWN,	/* a non-first fragment: it carries no upper-layer header */
	/*
	 * More than DEETUNE_IPV6_MAX_EXT extension headers: the walk stopped inside the chain, so neither the
	 * upper-layer protocol nor its header is known (*nexthdr is an extension header's number). A caller must not
	 * judge such a packet by what it found: a filter drops it, others leave it alone.
	 */
	DEETUNE_L4_UNWALKED,
	/*
	 * Only in the mode DEETUNE_IPV6_EXT_ROUTING: a routing header still has segments left, so the fixed header's
	 * destination is the next hop of the packet's route, not where the packet goes (that address is in the routing
	 * header). The cursor is at the routing header, *nexthdr is IPPROTO_ROUTING.
	 */
	DEETUNE_L4_ROUTED_ONWARD,
};

/* What deetune_walk_ipv6_ext does on its way (a constant: the inlined walk keeps only the mode's code). */
enum deetune_ipv6_ext_mode {
	DEETUNE_IPV6_EXT_SKIP,		/* walks past every extension header, routing headers included */
	/*
	 * Stops at a routing header with segments left (DEETUNE_L4_ROUTED_ONWARD), for a stage that acts on the
	 * packet's destination. Only routing headers before a fragment header count: one after it belongs to the
	 * fragmentable part, which only the host that reassembles the packet reads (RFC 8200 4.5).
	 */
	DEETUNE_IPV6_EXT_ROUTING,
};

/*
 * Walks the IPv6 extension headers (hop-by-hop, routing, destination options, AH, fragment) that follow the fixed
 * header; *nexthdr starts as the fixed header's next header, mode is a deetune_ipv6_ext_mode. Returns a
 * deetune_ipv6_ext_result, or -1 when an extension header is cut short (by the frame or by the payload length).
 */
static __always_inline int deetune_walk_ipv6_ext(struct deetune_cursor *c, __u8 *nexthdr, const int mode)
{
	int fragment = 0;

#pragma unroll
	for (int i = 0; i < DEETUNE_IPV6_MAX_EXT; i++) {
		__u8 next = *nexthdr;

		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS || next == IPPROTO_AH) {
			struct deetune_ipv6_opt_hdr *h = c->pos;

			if (!deetune_cursor_holds(c, h + 1))
				return -1;
			if (mode == DEETUNE_IPV6_EXT_ROUTING && next == IPPROTO_ROUTING && !fragment) {
				struct deetune_ipv6_rt_hdr *rt = c->pos;

				if (!deetune_cursor_holds(c, rt + 1))
					return -1;
				if (rt->segments_left)
					return DEETUNE_L4_ROUTED_ONWARD;
			}
			*nexthdr = h->nexthdr;
			c->pos += next == IPPROTO_AH ? (h->hdrlen + 2) * 4 : (h->hdrlen + 1) * 8;
			/* The whole header must lie in the datagram, or what follows it is not the next header. */
			if (!deetune_cursor_holds(c, c->pos))
				return -1;
		} else if (next == IPPROTO_FRAGMENT) {
			struct deetune_ipv6_frag_hdr *h = c->pos;

			if (!deetune_cursor_holds(c, h + 1))
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
		return DEETUNE_L4_UNWALKED;
	return fragment ? DEETUNE_L4_AT_CURSOR_FRAGMENT : DEETUNE_L4_AT_CURSOR;
}

/* deetune_walk_ipv6_ext past every extension header (DEETUNE_IPV6_EXT_SKIP). */
static __always_inline int deetune_skip_ipv6_ext(struct deetune_cursor *c, __u8 *nexthdr)
{
	return deetune_walk_ipv6_ext(c, nexthdr, DEETUNE_IPV6_EXT_SKIP);
}

/* TCP header with options; rejects a data offset below 20 bytes. */
static __always_inline int deetune_parse_tcp(struct deetune_cursor *c, struct tcphdr **tcp)
{
	struct tcphdr *h = c->pos;
	int len;

	if (!deetune_cursor_holds(c, h + 1))
		return -1;
	len = h->doff * 4;
	if (len < (int)sizeof(*h))
		return -1;
	if (!deetune_cursor_holds(c, c->pos + len))
		return -1;
	c->pos += len;
	*tcp = h;
	return 0;
}

static __always_inline int deetune_parse_udp(struct deetune_cursor *c, struct udphdr **udp)
{
	struct udphdr *h = c->pos;

	if (!deetune_cursor_holds(c, h + 1))
		return -1;
	c->pos = h + 1;
	*udp = h;
	return 0;
}

/* ICMP or ICMPv6 header (the caller knows which from the IP header). */
static __always_inline int deetune_parse_icmp(struct deetune_cursor *c, struct deetune_icmphdr **icmp)
{
	struct deetune_icmphdr *h = c->pos;

	if (!deetune_cursor_holds(c, h + 1))
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
