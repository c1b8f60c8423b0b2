package io.deetune.discard;

/** The transport protocols whose destination port the stage matches. */
public enum Protocol {
    TCP,
    UDP;

    /** The name as written in configurations and commands: {@code tcp}, {@code udp}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
