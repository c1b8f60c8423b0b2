// SPDX-License-Identifier: GPL-2.0
/* The integration-test stage: counts UDP packets in a state map and drops UDP to port 9 (discard). */
#include <deetune/chain.h>
#include <deetune/parsing.h>

#define MARKED_PORT 9

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("xdp")
int itest(struct xdp_md *ctx)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__be16 proto;
	__u32 zero = 0;
	__u64 *count;

	deetune_cursor_init(&c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return deetune_xdp_next(ctx);
	if (deetune_parse_ipv4(&c, &ip) < 0 || ip->protocol != IPPROTO_UDP || deetune_parse_udp(&c, &udp) < 0)
		return deetune_xdp_next(ctx);
	count = bpf_map_lookup_elem(&hits, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	if (udp->dest == bpf_htons(MARKED_PORT))
		return deetune_xdp_drop();
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
