// SPDX-License-Identifier: GPL-2.0
/* A stage that does nothing but continue: what a chain hop costs. */
#include <deetune/chain.h>

SEC("xdp")
int noop(struct xdp_md *ctx)
{
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
