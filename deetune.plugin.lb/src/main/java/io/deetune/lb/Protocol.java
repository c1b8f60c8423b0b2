package io.deetune.lb;

/** The L4 protocol of a service. */
public enum Protocol {
    TCP(6),
    UDP(17);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number. */
    public int number() {
        return number;
    }

    public static Protocol parse(String text) {
        if (text != null) {
            for (Protocol protocol : values()) {
                if (protocol.name().equalsIgnoreCase(text.trim())) {
                    return protocol;
                }
            }
        }
        throw new LbConfigException("protocol", "unknown protocol '" + text + "' (expected tcp or udp)");
    }
}
