/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/* Limits of the discard stage; io.deetune.discard.internal.PortTable mirrors them. */
#ifndef DISCARD_CONSTS_H
#define DISCARD_CONSTS_H

/* Ports (protocol and number) the stage discards at most; the configuration is refused beyond it. */
#define DISCARD_MAX_PORTS 256

#endif /* DISCARD_CONSTS_H */
