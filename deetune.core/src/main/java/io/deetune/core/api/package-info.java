/**
 * The contract between the core and plugins: a plugin registers a {@link io.deetune.core.api.Stage} service and
 * the core chains its eBPF program into every pipeline of the stage's hook.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.deetune.core.api;
