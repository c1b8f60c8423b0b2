// SPDX-License-Identifier: GPL-2.0
/* The traffic benchmark's ceiling: a receiver that costs nothing, so the generator runs as fast as it can. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
