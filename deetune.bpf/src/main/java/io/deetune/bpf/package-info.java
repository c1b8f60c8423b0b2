/**
 * DeeTune's binding of libbpf: BPF objects, maps, programs, links, ring buffers, network namespaces and bpffs.
 * No other bundle calls libbpf directly.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.deetune.bpf;
