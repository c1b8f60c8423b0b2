/**
 * The firewall's public API: the {@link io.deetune.firewall.Blocklist} service, through which other bundles (the
 * IDS, an operator's tooling) drop traffic from an address or prefix, optionally for a limited time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.deetune.firewall;
