// SPDX-License-Identifier: GPL-2.0
/* A stage the verifier rejects: it reads the packet without a bounds check. */
#include <deetune/chain.h>

SEC("xdp")
int rejected(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	if (data[30] == 1)
		return deetune_xdp_drop();
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
