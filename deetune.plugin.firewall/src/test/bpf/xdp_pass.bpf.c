// SPDX-License-Identifier: GPL-2.0
/* The benchmark floor: what BPF_PROG_TEST_RUN costs for a program that does nothing. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
