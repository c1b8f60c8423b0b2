// SPDX-License-Identifier: GPL-2.0
/* Test programs for the binding: counters, constants, packet rewrite, ring buffer, TC. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <deetune/parsing.h>
#include <deetune/csum.h>

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct packet_event {
	__u32 length;
	__u32 counter;
	__u8 head[32];
};

struct lpm_v4_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, __u64);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* Load-time constants, set from Java before load. */
const volatile __u16 drop_port = 0;
const volatile __u32 event_tag = 0;

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &index);

	if (value)
		__sync_fetch_and_add(value, 1);
}

/* Counts every packet; drops UDP to drop_port; passes the rest. */
SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__be16 proto;
	__u32 zero = 0;
	__u64 *percpu;

	count(0);
	percpu = bpf_map_lookup_elem(&percpu_counters, &zero);
	if (percpu)
		*percpu += 1;

	deetune_cursor_init(&c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (deetune_parse_ipv4(&c, &ip) < 0 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	if (deetune_parse_udp(&c, &udp) < 0)
		return XDP_PASS;
	count(1);
	if (drop_port && udp->dest == bpf_htons(drop_port)) {
		count(2);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/* Swaps the MAC addresses, rewrites the IPv4 destination to 10.9.9.9 and the UDP port to 9999, fixing both
 * checksums incrementally, and bounces the packet (XDP_TX). */
SEC("xdp")
int rewrite_bounce(struct xdp_md *ctx)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__be16 proto;
	__u8 mac[ETH_ALEN];
	__be32 new_daddr = bpf_htonl(0x0a090909);
	__be16 new_port = bpf_htons(9999);

	deetune_cursor_init(&c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (deetune_parse_ipv4(&c, &ip) < 0 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	if (deetune_parse_udp(&c, &udp) < 0)
		return XDP_PASS;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	deetune_udp4_csum_replace4(&udp->check, ip->daddr, new_daddr);
	deetune_udp4_csum_replace2(&udp->check, udp->dest, new_port);
	deetune_csum_replace4(&ip->check, ip->daddr, new_daddr);
	ip->daddr = new_daddr;
	udp->dest = new_port;
	return XDP_TX;
}

/* Sends the packet's length and first bytes to user space through the ring buffer. */
SEC("xdp")
int emit_event(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct packet_event *event;

	if (data + sizeof(event->head) > data_end)
		return XDP_PASS;
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event)
		return XDP_PASS;
	event->length = data_end - data;
	event->counter = event_tag;
	__builtin_memcpy(event->head, data, sizeof(event->head));
	bpf_ringbuf_submit(event, 0);
	return XDP_PASS;
}

/* Looks the IPv4 source up in the LPM trie: a hit drops the packet. */
SEC("xdp")
int match_prefix(struct xdp_md *ctx)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	__be16 proto;
	struct lpm_v4_key key = { .prefixlen = 32 };

	deetune_cursor_init(&c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (deetune_parse_ipv4(&c, &ip) < 0)
		return XDP_PASS;
	key.addr = ip->saddr;
	return bpf_map_lookup_elem(&prefixes, &key) ? XDP_DROP : XDP_PASS;
}

/* TC: counts packets in counters[3]. */
SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	count(3);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
