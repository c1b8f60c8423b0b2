// SPDX-License-Identifier: GPL-2.0
/* A state map as version 1 of a stage declares it; layout_v2.bpf.c has the same sizes and another layout. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct conn_key {
	__u32 addr;
	__u16 port;
	__u16 pad;
};

struct conn {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct conn_key);
	__type(value, struct conn);
} conns SEC(".maps");

SEC("xdp")
int count_conns(struct xdp_md *ctx)
{
	struct conn_key key = { .addr = ctx->ingress_ifindex };
	struct conn *conn = bpf_map_lookup_elem(&conns, &key);

	if (conn) {
		conn->packets++;
		conn->bytes += ctx->data_end - ctx->data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
