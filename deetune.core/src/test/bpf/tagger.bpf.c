// SPDX-License-Identifier: GPL-2.0
/*
 * A test stage. For UDP packets without a checksum (test packets) it records its tag in the payload (byte 0 counts
 * tags, bytes 1.. hold them in visiting order); packets with a checksum (real traffic) stay intact. It counts
 * packets in a state map, drops UDP to drop_port, and continues the chain otherwise.
 */
#include <deetune/chain.h>
#include <deetune/parsing.h>

#define MAX_TAGS 16

const volatile __u8 tag = 0;
const volatile __u16 drop_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int tagger(struct xdp_md *ctx)
{
	struct deetune_cursor c;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct udphdr *udp;
	__be16 proto;
	__u32 zero = 0;
	__u64 *count;
	__u8 *payload;
	__u8 n;

	count = bpf_map_lookup_elem(&seen, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);

	deetune_cursor_init(&c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	if (deetune_parse_eth(&c, &eth, &proto) < 0 || proto != bpf_htons(ETH_P_IP))
		return deetune_xdp_next(ctx);
	if (deetune_parse_ipv4(&c, &ip) < 0 || ip->protocol != IPPROTO_UDP)
		return deetune_xdp_next(ctx);
	if (deetune_parse_udp(&c, &udp) < 0)
		return deetune_xdp_next(ctx);
	if (drop_port && udp->dest == bpf_htons(drop_port))
		return deetune_xdp_drop();

	/* Tagging would break a real checksum: only checksum-less test packets carry tags. */
	if (udp->check != 0)
		return deetune_xdp_next(ctx);

	payload = c.pos;
	if ((void *)(payload + 1 + MAX_TAGS) > c.end)
		return deetune_xdp_next(ctx);
	n = payload[0];
	if (n < MAX_TAGS) {
		__u8 *slot = payload + 1 + (n & (MAX_TAGS - 1));

		/* The verifier needs a bounds check on the variable-offset pointer itself. */
		if ((void *)(slot + 1) > c.end)
			return deetune_xdp_next(ctx);
		*slot = tag;
		payload[0] = n + 1;
	}
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
