// SPDX-License-Identifier: GPL-2.0
/* As long_log.bpf.c, with a log longer than the 16 MiB the binding gives the kernel for it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int longer_walk(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	__u32 acc = ctx->ingress_ifindex;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 32000; i++)
		acc = (acc ^ i) * 31;

	return data[acc & 0xff] == 0x45 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
