/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Incremental Internet checksum updates (RFC 1624: HC' = ~(~HC + ~m + m')), for rewriting addresses and ports
 * without summing the whole packet again. All values in network byte order, as they lie in the packet.
 */
#ifndef DEETUNE_CSUM_H
#define DEETUNE_CSUM_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* Folds a 32-bit one's-complement sum into 16 bits. */
static __always_inline __u16 deetune_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Updates checksum *csum for a 16-bit field changing from old to new. */
static __always_inline void deetune_csum_replace2(__sum16 *csum, __be16 old, __be16 new)
{
	__u32 sum = (__u16)~*csum;

	sum += (__u16)~old;
	sum += (__u16)new;
	*csum = ~deetune_csum_fold(sum);
}

/* Updates checksum *csum for a 32-bit field (an IPv4 address) changing from old to new. */
static __always_inline void deetune_csum_replace4(__sum16 *csum, __be32 old, __be32 new)
{
	__u32 sum = (__u16)~*csum;

	sum += (__u16)~(old & 0xffff);
	sum += (__u16)~(old >> 16);
	sum += (__u16)(new & 0xffff);
	sum += (__u16)(new >> 16);
	*csum = ~deetune_csum_fold(sum);
}

/* Updates checksum *csum for a 128-bit field (an IPv6 address) changing from old to new. */
static __always_inline void deetune_csum_replace16(__sum16 *csum, const __be32 old[4], const __be32 new[4])
{
#pragma unroll
	for (int i = 0; i < 4; i++)
		deetune_csum_replace4(csum, old[i], new[i]);
}

/*
 * UDP over IPv4 may carry checksum 0 (none); an update must keep it 0, and a computed 0 is sent as 0xffff.
 */
static __always_inline void deetune_udp4_csum_replace4(__sum16 *csum, __be32 old, __be32 new)
{
	if (*csum == 0)
		return;
	deetune_csum_replace4(csum, old, new);
	if (*csum == 0)
		*csum = 0xffff;
}

static __always_inline void deetune_udp4_csum_replace2(__sum16 *csum, __be16 old, __be16 new)
{
	if (*csum == 0)
		return;
	deetune_csum_replace2(csum, old, new);
	if (*csum == 0)
		*csum = 0xffff;
}

#endif /* DEETUNE_CSUM_H */
