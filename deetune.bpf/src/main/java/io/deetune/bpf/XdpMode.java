package io.deetune.bpf;

/** How an XDP program is attached: the kernel's {@code XDP_FLAGS_*} for a bpf_link. */
public enum XdpMode {
    /** Native where the driver supports it, generic otherwise. */
    AUTO(0),
    /** In the driver ({@code XDP_FLAGS_DRV_MODE}); fails where the driver lacks XDP support. */
    NATIVE(1 << 2),
    /** In the generic stack after the skb is built ({@code XDP_FLAGS_SKB_MODE}); works on every device. */
    GENERIC(1 << 1);

    private final int flags;

    XdpMode(int flags) {
        this.flags = flags;
    }

    public int flags() {
        return flags;
    }

    /** Parses {@code auto}, {@code native} or {@code generic} (any case). */
    public static XdpMode parse(String text) {
        for (XdpMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown XDP mode '" + text + "' (expected auto, native or generic)");
    }
}
