package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.core.api.PipelineInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Pin names of attachments for every namespace and interface name the kernel allows, and reserved pipeline names. */
class PinNamesTest {

    @Test
    void everyAttachmentHasItsOwnPinNameThatReadsBack() {
        List<InterfaceRef> refs = List.of(new InterfaceRef(null, "eth0"), new InterfaceRef("host", "eth0"),
                new InterfaceRef("a.b", "eth0.100"), new InterfaceRef("x@y", "v@1"), new InterfaceRef("100%", "%2e"),
                new InterfaceRef("lab", "veth1"));
        for (InterfaceRef ref : refs) {
            String pin = PinNames.link(ref);
            assertTrue(pin.matches("link@[A-Za-z0-9_%-]+@[A-Za-z0-9_%-]+"), pin);
            assertEquals(ref, PinNames.interfaceOfLink(pin), pin);
        }
        assertEquals(refs.size(), refs.stream().map(PinNames::link).distinct().count(), "no two attachments share a pin");
        assertNotEquals(PinNames.link(new InterfaceRef(null, "eth0")), PinNames.link(new InterfaceRef("host", "eth0")));
        // What earlier runs pinned reads as before.
        assertEquals(new InterfaceRef(null, "eth0.100"), PinNames.interfaceOfLink("link@host@eth0%2e100"));
        assertEquals(new InterfaceRef("lab", "veth1"), PinNames.interfaceOfLink("link@lab@veth1"));
    }

    @Test
    void aPipelineCannotTakeTheStateMapFolderName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("stages", "xdp", "auto", new String[0]));
        assertTrue(e.getMessage().contains("'stages': reserved"), e.getMessage());
    }

    @Test
    void namespacesWithDotsAndAtSignsAttachOnceAndAreAdopted() {
        try (NetLab lab = new NetLab(); TestPins pins = TestPins.create("odd")) {
            String dotted = lab.namespace("a.b");
            String at = lab.namespace("x@y");
            lab.veth(dotted, "veth-a", "10.212.0.1/24", at, "veth-b", "10.212.0.2/24");
            PipelineSpec spec = PipelineSpec.of("t", "xdp", "generic", new String[] {dotted + ":veth-a", at + ":veth-b"});
            PipelineEngine engine = new PipelineEngine(pins.dir(), 100);
            try {
                engine.configure(spec);
                PipelineInfo info = engine.get("t").orElseThrow();
                assertEquals(java.util.Map.of(), info.problems());
                assertEquals(List.of(dotted + ":veth-a", at + ":veth-b"), info.interfaces());
                int dispatcher = info.chain().getFirst().programId();
                engine.configure(spec); // a reconcile: nothing attaches twice
                assertEquals(2, linkPins(pins.dir().resolve("t")));
                engine.close();
                engine = new PipelineEngine(pins.dir(), 100);
                engine.configure(spec);
                info = engine.get("t").orElseThrow();
                assertEquals(java.util.Map.of(), info.problems());
                assertEquals(java.util.Set.of(dotted + ":veth-a", at + ":veth-b"), java.util.Set.copyOf(info.interfaces()), "adopted with their names");
                assertEquals(dispatcher, info.chain().getFirst().programId());
                assertEquals(2, linkPins(pins.dir().resolve("t")));
                engine.removePipeline("t", true);
                for (String ns : List.of(dotted, at)) {
                    String ifname = ns.equals(dotted) ? "veth-a" : "veth-b";
                    assertTrue(!NetNs.get(ns, () -> BpfLink.queryXdp(NetNs.ifindexHere(ifname, ns))).attached(), "detached from " + ns);
                }
            } finally {
                engine.close();
            }
        }
    }

    @Test
    void anAttachmentThatCannotBePinnedIsUndone() {
        // A namespace name whose escaped form exceeds bpffs's 255-byte file names: the pin fails, and the
        // attachment must not stay behind unpinned (each reconcile would attach it again).
        try (NetLab lab = new NetLab(); TestPins pins = TestPins.create("odd")) {
            String longName = lab.namespace("a.".repeat(70));
            String peer = lab.namespace("peer");
            lab.veth(longName, "veth-a", "10.213.0.1/24", peer, "veth-b", "10.213.0.2/24");
            PipelineSpec spec = PipelineSpec.of("t", "xdp", "generic", new String[] {longName + ":veth-a"});
            try (PipelineEngine engine = new PipelineEngine(pins.dir(), 100)) {
                for (int reconcile = 0; reconcile < 2; reconcile++) {
                    engine.configure(spec);
                    PipelineInfo info = engine.get("t").orElseThrow();
                    assertTrue(info.problems().containsKey("interface " + longName + ":veth-a"), info.problems().toString());
                    assertTrue(info.interfaces().isEmpty());
                    assertTrue(!NetNs.get(longName, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-a", longName))).attached(),
                            "no attachment left behind");
                }
                engine.removePipeline("t", true);
            }
        }
    }

    private static long linkPins(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("link@")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
