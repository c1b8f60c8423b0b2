/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Structs shared with Java, each mirrored by one codec in io.deetune.discard.internal (PortKey, PortCounter);
 * DiscardStructsTest checks their layouts against the BTF of both stage objects.
 */
#ifndef DISCARD_STRUCTS_H
#define DISCARD_STRUCTS_H

#include <linux/types.h>

/* Key of discard_ports: a destination port of one protocol. */
struct discard_port_key {
	__be16 port;	/* network order, as the packet carries it: no swap per packet */
	__u8 proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;	/* 0: keys are compared bytewise */
};

/* Value of discard_ports: one CPU's hits of the port. */
struct discard_hits {
	__u64 packets;
	__u64 bytes;	/* whole frames (XDP) or the skb's length (tc) */
};

#endif /* DISCARD_STRUCTS_H */
