// SPDX-License-Identifier: GPL-2.0
/* A program the verifier must reject only at its very end, after a long walk: a bounded loop it follows
 * iteration by iteration (some megabytes of verifier log), then a packet read without a bounds check. The
 * rejection reason is in the last lines of the log. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int long_walk(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	__u32 acc = ctx->ingress_ifindex;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 6000; i++)
		acc = (acc ^ i) * 31;

	return data[acc & 0xff] == 0x45 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
