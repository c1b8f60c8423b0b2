package io.deetune.core.internal;

import io.deetune.bpf.XdpMode;
import io.deetune.core.api.Hook;
import java.util.List;
import java.util.regex.Pattern;

/** What a pipeline configuration asks for. */
record PipelineSpec(String name, Hook hook, XdpMode xdpMode, List<InterfaceRef> interfaces) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    PipelineSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad pipeline name '" + name + "': expected [a-z][a-z0-9_-]*, at most 32 characters");
        }
        if (PinNames.STAGES_FOLDER.equals(name)) {
            throw new IllegalArgumentException("bad pipeline name '" + name + "': reserved (the pin folder of the stages' state maps)");
        }
        interfaces = List.copyOf(interfaces);
    }

    static PipelineSpec of(String name, String hook, String xdpMode, String[] interfaces) {
        List<InterfaceRef> refs = new java.util.ArrayList<>();
        for (String entry : interfaces == null ? new String[0] : interfaces) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    InterfaceRef ref = InterfaceRef.parse(part);
                    if (refs.contains(ref)) {
                        throw new IllegalArgumentException("interface '" + ref + "' is listed twice in pipeline '" + name + "'");
                    }
                    refs.add(ref);
                }
            }
        }
        return new PipelineSpec(name, Hook.parse(hook), XdpMode.parse(xdpMode), refs);
    }
}
