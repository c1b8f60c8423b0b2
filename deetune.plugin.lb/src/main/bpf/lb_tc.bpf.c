// SPDX-License-Identifier: GPL-2.0
/*
 * The load balancer stage at tc ingress (hook tc-ingress): for interfaces where the kernel has built the skb before
 * XDP would run (veth, generic XDP), where tc works on that skb instead of a copy made for XDP. Same maps, services
 * and flows as the XDP program; a separate object because a tail-call map serves one program type.
 */
#define LB_CTX struct __sk_buff
#define LB_HOOK_TC 1
#include "lb_stage.h"

SEC("tc")
int lb_tc(struct __sk_buff *skb)
{
	struct lb_packet pkt = {};
	enum lb_action action;

	deetune_tc_pull_headers(skb);
	pkt.length = skb->len;
	/* A GRO-merged skb carries a checksum the segmentation completes later (see lb_l4_csum_update). */
	pkt.csum_partial = skb->gso_size != 0;
	action = lb_judge(skb, &pkt);
	/* A checksum the receiving device computed over the whole packet (CHECKSUM_COMPLETE) follows the rewrite. */
	if (pkt.csum_complete_diff)
		bpf_csum_update(skb, pkt.csum_complete_diff);
	switch (action) {
	case LB_PASS:
		return deetune_tc_pass(); /* tcx "next": later tcx programs and tc filters still run */
	case LB_DROP:
		return deetune_tc_verdict(TC_ACT_SHOT);
	case LB_REDIRECT:
		return deetune_tc_verdict(bpf_redirect(pkt.egress_ifindex, 0));
	default:
		return deetune_tc_next(skb);
	}
}

char LICENSE[] SEC("license") = "GPL";
