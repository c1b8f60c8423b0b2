package io.deetune.firewall.command;

import io.deetune.firewall.Action;
import io.deetune.firewall.Firewall;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

@Service
@Command(scope = "firewall", name = "policy", description = "Shows or sets the default policy (what happens to packets no rule"
        + " matches). Setting it updates the io.deetune.firewall configuration, so it persists.")
public class PolicyCommand implements org.apache.karaf.shell.api.action.Action {

    @Reference
    Firewall firewall;

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Argument(index = 0, name = "policy", description = "allow or deny; none shows the current policy")
    @Completion(value = StringsCompleter.class, values = {"allow", "deny"})
    String policy;

    @Override
    public Object execute() throws IOException {
        if (policy == null) {
            System.out.println("default policy: " + firewall.policy());
            return null;
        }
        Action action = Action.parse(policy);
        Configuration configuration = configurationAdmin.getConfiguration(Firewall.PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties() == null ? new Hashtable<>() : configuration.getProperties();
        properties.put(Firewall.DEFAULT_POLICY, action.toString());
        configuration.update(properties);
        // Apply now as well: the configuration event arrives asynchronously.
        firewall.policy(action);
        System.out.println("default policy: " + action);
        return null;
    }
}
