/** Karaf shell commands of the firewall, scope {@code firewall:}. */
package io.deetune.firewall.command;
