package io.deetune.core.internal;

import io.deetune.bpf.NetNs;
import io.deetune.core.api.ConfigText;

/** An attachment point: an interface name in a network namespace ({@code null} namespace: the host's). */
record InterfaceRef(String namespace, String ifname) {

    /** Parses {@code [namespace:]ifname}. */
    static InterfaceRef parse(String text) {
        ConfigText.requirePrintable("interface", text); // it goes into the pipeline's .cfg file and log lines
        String t = text.trim();
        int colon = t.indexOf(':');
        String ns = colon < 0 ? null : t.substring(0, colon);
        String ifname = colon < 0 ? t : t.substring(colon + 1);
        if (ifname.isEmpty() || ifname.length() > 15 || ifname.contains("/") || ifname.contains(" ")) {
            throw new IllegalArgumentException("bad interface '" + text + "': expected [namespace:]ifname with an interface name of 1 to 15 characters");
        }
        if (ns != null && (ns.isEmpty() || ns.contains("/"))) {
            throw new IllegalArgumentException("bad interface '" + text + "': empty or invalid namespace before ':'");
        }
        return new InterfaceRef(ns, ifname);
    }

    /** The interface's index now; fails clearly if the namespace or the interface does not exist. */
    int ifindex() {
        return NetNs.ifindex(namespace, ifname);
    }

    @Override
    public String toString() {
        return namespace == null ? ifname : namespace + ":" + ifname;
    }
}
