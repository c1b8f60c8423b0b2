package io.deetune.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the core ({@code etc/io.deetune.core.cfg}); the defaults suit production. */
@ObjectClassDefinition(name = "DeeTune core")
@interface CoreConfig {

    String PID = "io.deetune.core";

    @AttributeDefinition(name = "Pin folder",
            description = "bpffs folder of DeeTune's pins; empty: deetune/ under the bpffs root (normally /sys/fs/bpf/deetune).")
    String pin_root() default "";

    @AttributeDefinition(name = "Stage grace period (ms)",
            description = "How long a departed stage stays in the chain waiting for an updated bundle to bring it back; "
                    + "an update within this time swaps the program atomically.")
    long stage_grace_ms() default 2000;
}
