/**
 * DeeTune's binding of libbpf: BPF objects, maps, programs, links, ring buffers, network namespaces, bpffs, and the
 * XDP features of network devices (the netdev netlink family, through libnl).
 * No other bundle calls libbpf directly.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.deetune.bpf;
