package io.deetune.firewall.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the firewall (PID {@code io.deetune.firewall}, Karaf file {@code etc/io.deetune.firewall.cfg}). */
@ObjectClassDefinition(name = "DeeTune firewall",
        description = "Rule-based packet filtering in XDP. Changes apply at once, atomically.")
public @interface FirewallConfig {

    @AttributeDefinition(name = "Rules file",
            description = "Path of the rules file (one rule a line, see the README); re-read when it changes."
                    + " Relative paths are resolved against karaf.etc. Empty: only rules added by command.")
    String rules_file() default "";

    @AttributeDefinition(name = "Default policy", description = "What happens to an IP packet no rule matches.",
            options = {@Option(label = "allow", value = "allow"), @Option(label = "deny", value = "deny")})
    String default_policy() default "allow";

    @AttributeDefinition(name = "Hook",
            description = "Where the stage runs: xdp (default; the earliest point on a real NIC) or tc-ingress (cheaper"
                    + " where XDP gets an skb the kernel already built: veth, generic XDP). It joins the pipelines of that"
                    + " hook; same rules, blocklist and counters.",
            options = {@Option(label = "xdp", value = "xdp"), @Option(label = "tc-ingress", value = "tc-ingress")})
    String deetune_stage_hook() default "xdp";
}
