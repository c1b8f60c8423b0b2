/**
 * The discard stage's public API: the {@link io.deetune.discard.Discard} service (the ports discarded now, their hit
 * counters, why the last configuration was refused), through which the commands and other bundles read it, and
 * {@link io.deetune.discard.DiscardPort}, the syntax of a port in the configuration and on the command line.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.deetune.discard;
