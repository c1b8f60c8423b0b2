package io.deetune.discard;

/**
 * The hits of one discarded port, summed over the CPUs.
 *
 * @param packets packets dropped
 * @param bytes   their bytes (whole frames at XDP, the skb's length at tc)
 */
public record PortHits(DiscardPort port, long packets, long bytes) {}
