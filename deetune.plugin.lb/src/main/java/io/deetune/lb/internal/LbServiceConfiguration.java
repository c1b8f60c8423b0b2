package io.deetune.lb.internal;

import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.VirtualService;
import java.util.Map;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code io.deetune.lb.service} factory configuration, applied to the load balancer and re-applied live on
 * every change. A configuration that does not validate is logged with the field at fault and changes nothing.
 */
@Component(configurationPid = "io.deetune.lb.service", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ServiceConfig.class, factory = true)
public final class LbServiceConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LbServiceConfiguration.class);

    private final LoadBalancer loadBalancer;
    private String applied;

    @Activate
    public LbServiceConfiguration(@Reference LoadBalancer loadBalancer, ServiceConfig config, Map<String, Object> properties) {
        this.loadBalancer = loadBalancer;
        modified(config, properties);
    }

    @Modified
    void modified(ServiceConfig config, Map<String, Object> properties) {
        VirtualService service;
        try {
            service = VirtualService.parse(name(properties), config.vip(), config.port(), config.protocol(), config.algorithm(),
                    config.backends(), new HealthCheck(config.healthCheck(), config.healthPath(), config.healthIntervalMillis(),
                            config.healthTimeoutMillis(), config.healthFall(), config.healthRise()), config.snat())
                    .withFeedback(new LoadFeedback(config.agentPort(), config.agentIntervalMillis(), config.slowStartMillis()))
                    .validate();
            loadBalancer.putService(service);
        } catch (RuntimeException e) {
            LOG.error("lb: configuration {} rejected, running configuration unchanged: {}", properties.get("service.pid"), e.getMessage());
            return;
        }
        if (applied != null && !applied.equals(service.name())) {
            loadBalancer.removeService(applied);
        }
        applied = service.name();
    }

    /**
     * Only a deleted (or disabled) configuration takes its service out of the kernel. When the bundle stops (an
     * update, a Karaf shutdown) the VIP must go on serving: the data plane runs on alone and the next start adopts
     * it.
     */
    @Deactivate
    void deactivate(int reason) {
        if (applied != null && (reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED
                || reason == ComponentConstants.DEACTIVATION_REASON_DISABLED)) {
            loadBalancer.removeService(applied);
        }
    }

    /** The name property, else the suffix of Karaf's file name {@code io.deetune.lb.service-<name>.cfg}. */
    static String name(Map<String, ?> properties) {
        Object name = properties.get("name");
        if (name != null && !name.toString().isBlank()) {
            return name.toString().trim();
        }
        Object file = properties.get(ServiceConfigurations.FILE_NAME);
        if (file != null) {
            String f = file.toString();
            String base = f.substring(f.lastIndexOf('/') + 1).replaceFirst("\\.cfg$", "");
            int dash = base.indexOf('-');
            if (dash > 0) {
                return base.substring(dash + 1);
            }
        }
        return String.valueOf(properties.get("service.pid"));
    }
}
