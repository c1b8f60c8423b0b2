/**
 * The firewall's public API: the {@link io.deetune.firewall.Firewall} service (the rules in force, rules added and
 * removed at run time, the default policy, hit and drop counters), through which the commands and the REST API
 * manage it, and the {@link io.deetune.firewall.Blocklist} service, through which other bundles (the IDS, an
 * operator's tooling) drop traffic from an address or prefix, optionally for a limited time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.deetune.firewall;
