// SPDX-License-Identifier: GPL-2.0
/*
 * The discard stage at the XDP hook (the default): the earliest point, before the kernel builds an skb on a real
 * NIC. Packets to other ports continue the chain.
 */
#include <deetune/chain.h>
#include "discard_stage.h"

SEC("xdp")
int discard(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (discard_judge(data, data_end, data_end - data) == DISCARD_DROP)
		return deetune_xdp_drop();
	return deetune_xdp_next(ctx);
}

char LICENSE[] SEC("license") = "GPL";
