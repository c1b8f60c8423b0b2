/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Limits and enumerations of the firewall stage; io.deetune.firewall.internal.FirewallConsts mirrors them. */
#ifndef FIREWALL_CONSTS_H
#define FIREWALL_CONSTS_H

/*
 * Tuples (distinct match shapes) per address family. The lookup cost grows with the tuples a rule set needs, not
 * with its rules; the compiler rejects a rule set that needs more. A power of two (the search masks indexes with it).
 */
#define FW_MAX_TUPLES 64

enum fw_action {
	FW_ALLOW = 0,
	FW_DENY = 1,
};

/* How a tuple matches a port. */
enum fw_port_mode {
	FW_PORT_ANY = 0,   /* not matched; the key holds 0 */
	FW_PORT_EXACT = 1, /* the key holds the port */
	FW_PORT_RANGE = 2, /* the tuple holds [lo, hi]; the key holds 0 */
};

/* Stage-wide counters in fw_drops. */
enum fw_drop_reason {
	FW_DROP_BLOCKED = 0,   /* source on the blocklist */
	FW_DROP_MALFORMED = 1, /* truncated IPv4/IPv6/TCP/UDP/ICMP header, IPv6 extension chain longer than walked */
	FW_DROP_TINY_FRAGMENT = 2, /* first fragment without its whole L4 header, or a TCP fragment at offset 8 */
	FW_DROP_REASONS = 3,
};

/* The two banks of rule tables: one judges packets, the other is where the next rule set is built. */
#define FW_BANKS 2

/*
 * The value of fw_active: the bank that judges packets, and whether the blocklist holds any entry (an empty one
 * costs no lookup). Both bits are in one byte, so a packet never sees half of an update.
 */
#define FW_ACTIVE_BANK (FW_BANKS - 1)
#define FW_ACTIVE_BLOCKLIST 2

#endif /* FIREWALL_CONSTS_H */
