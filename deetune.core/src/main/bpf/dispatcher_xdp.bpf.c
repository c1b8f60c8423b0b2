// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP dispatcher: the one program the core attaches to a pipeline's interfaces. It only hands every packet to
 * the first stage; with no stage, packets go to the kernel. Stage slot 0 counts what entered the pipeline.
 */
#include <deetune/chain.h>

SEC("xdp")
int deetune_xdp(struct xdp_md *ctx)
{
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
