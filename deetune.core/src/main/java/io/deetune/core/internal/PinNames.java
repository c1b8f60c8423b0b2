package io.deetune.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * File names of the pins under DeeTune's pin root. Every component that comes from outside (namespace and
 * interface names) is escaped: bpffs refuses names with a dot, and {@code @} separates the components. A byte
 * outside {@code [A-Za-z0-9_-]} becomes {@code %xx} (lower-case hex of its UTF-8 bytes), so {@code eth0.100} pins as
 * {@code eth0%2e100}, as earlier runs already wrote interface names.
 *
 * <pre>
 * link@NS@IF            the attachment to interface IF of namespace NS; NS is {@code host} for the JVM's own
 *                       namespace, and a namespace really named "host" is written {@code %68ost}
 * stage@S@prog|next     stage S's program and successor table
 * </pre>
 */
final class PinNames {

    /** The folder under the pin root that holds the stages' state maps; no pipeline may take this name. */
    static final String STAGES_FOLDER = "stages";
    private static final String LINK = "link@";
    private static final String HOST = "host";

    private PinNames() {}

    /** The pin of the attachment to {@code ref}. */
    static String link(InterfaceRef ref) {
        String ns = ref.namespace() == null ? HOST
                : HOST.equals(ref.namespace()) ? "%68ost" : escape(ref.namespace());
        return LINK + ns + "@" + escape(ref.ifname());
    }

    static boolean isLink(String fileName) {
        return fileName.startsWith(LINK);
    }

    /** The attachment a link pin stands for. */
    static InterfaceRef interfaceOfLink(String fileName) {
        String[] parts = fileName.split("@", 3);
        if (parts.length != 3 || !isLink(fileName)) {
            throw new IllegalArgumentException("'" + fileName + "' is not a link pin (link@<namespace>@<interface>)");
        }
        return new InterfaceRef(HOST.equals(parts[1]) ? null : unescape(parts[1]), unescape(parts[2]));
    }

    /** The pin of stage {@code stage}'s {@code what} ({@code prog} or {@code next}). */
    static String stage(String stage, String what) {
        return "stage@" + escape(stage) + "@" + what;
    }

    static String escape(String component) {
        StringBuilder out = new StringBuilder();
        for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                out.append(c);
            } else {
                out.append('%').append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }
        return out.toString();
    }

    static String unescape(String component) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '%' && i + 2 < component.length()) {
                out.write(Integer.parseInt(component.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
