// SPDX-License-Identifier: GPL-2.0
/*
 * The load balancer stage at tc ingress (hook tc-ingress): for interfaces where the kernel has built the skb before
 * XDP would run (veth, generic XDP), where tc works on that skb instead of a copy made for XDP. Same maps, services
 * and flows as the XDP program; a separate object because a tail-call map serves one program type.
 */
#define LB_CTX struct __sk_buff
#define LB_HOOK_TC 1
#include "lb_stage.h"

#ifndef EINVAL
#define EINVAL 22
#endif

/*
 * Applies the rewrite's L4 checksum changes (recorded in pkt by lb_l4_csum_update) through the kernel's helpers,
 * which know the skb's checksum state: a full checksum is updated for addresses and ports; a partial one
 * (CHECKSUM_PARTIAL, GSO or not) for the addresses only, since the device or the segmentation sums the ports
 * later; a whole-packet sum (CHECKSUM_COMPLETE) follows what changed. The helpers may move the packet data: every
 * packet pointer is dead after the first call.
 */
static __always_inline void lb_tc_apply_checksums(struct __sk_buff *skb, struct lb_packet *pkt)
{
	__u32 offset = pkt->l4_csum_offset;
	__u64 udp = pkt->flow.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__u32 complete_diff = pkt->csum_complete_diff;
	int ipv6 = pkt->ip6 != NULL;

	/*
	 * Over IPv6 no header checksum makes up for the addresses' change in a whole-packet sum: BPF_F_IPV6 (6.16)
	 * keeps skb->csum as it is. An older kernel refuses the flag; it then changes skb->csum as for IPv4, and
	 * the bpf_csum_update below takes that back.
	 */
	if (bpf_l4_csum_replace(skb, offset, 0, pkt->csum_pseudo_diff, udp | BPF_F_PSEUDO_HDR | (ipv6 ? BPF_F_IPV6 : 0)) == -EINVAL &&
	    ipv6) {
		bpf_l4_csum_replace(skb, offset, 0, pkt->csum_pseudo_diff, udp | BPF_F_PSEUDO_HDR);
		complete_diff = lb_csum_add32(complete_diff, pkt->csum_pseudo_diff);
	}
	bpf_l4_csum_replace(skb, offset, 0, pkt->csum_port_diff, udp);
	if (complete_diff)
		bpf_csum_update(skb, complete_diff);
}

SEC("tc")
int lb_tc(struct __sk_buff *skb)
{
	struct lb_packet pkt = {};
	enum lb_action action;

	deetune_tc_pull_headers(skb);
	pkt.length = skb->len;
	action = lb_judge(skb, &pkt);
	if (pkt.l4_rewritten)
		lb_tc_apply_checksums(skb, &pkt);
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
