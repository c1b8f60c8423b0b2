// SPDX-License-Identifier: GPL-2.0
/* The load balancer stage at XDP (hook xdp, the default); the decision is lb_stage.h's. */
#define LB_CTX struct xdp_md
#include "lb_stage.h"

SEC("xdp")
int lb_xdp(struct xdp_md *ctx)
{
	struct lb_packet pkt = {};

	pkt.length = ctx->data_end - ctx->data;
	switch (lb_judge(ctx, &pkt)) {
	case LB_PASS:
		return deetune_xdp_pass();
	case LB_DROP:
		return deetune_xdp_drop();
	case LB_REDIRECT:
		/* lb_transmit checked the device; XDP_PASS only if Java removed it in between. */
		return deetune_xdp_verdict(bpf_redirect_map(&lb_egress, pkt.egress_ifindex, XDP_PASS));
	default:
		return deetune_xdp_next(ctx);
	}
}

char LICENSE[] SEC("license") = "GPL";
