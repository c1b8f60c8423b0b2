package io.deetune.core.api;

/** Where a pipeline's programs run. */
public enum Hook {
    /** XDP on ingress, before the kernel allocates an skb. */
    XDP("xdp"),
    /** TC (tcx) on ingress. */
    TC_INGRESS("tc-ingress"),
    /** TC (tcx) on egress. */
    TC_EGRESS("tc-egress");

    private final String id;

    Hook(String id) {
        this.id = id;
    }

    /** The name used in configuration and service properties: {@code xdp}, {@code tc-ingress}, {@code tc-egress}. */
    public String id() {
        return id;
    }

    public static Hook parse(String text) {
        for (Hook hook : values()) {
            if (hook.id.equalsIgnoreCase(text.trim()) || hook.name().equalsIgnoreCase(text.trim())) {
                return hook;
            }
        }
        throw new IllegalArgumentException("unknown hook '" + text + "' (expected xdp, tc-ingress or tc-egress)");
    }
}
