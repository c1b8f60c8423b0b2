package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.NetLab;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NetDevices} against the kernel's netdev family in a lab namespace: a veth accepts redirected XDP frames
 * only while its peer has GRO on (or an XDP program), and turning GRO on at the peer is notified.
 */
class NetDevicesTest {

    @Test
    void aVethAcceptsRedirectedFramesOnlyWhilePeerHasGro() {
        try (NetLab lab = new NetLab()) {
            NetLab.Pair pair = lab.pair("10.231.0");
            lab.exec(pair.server(), "ethtool", "-K", "veth-s", "gro", "off");
            int ifindex = NetNs.ifindex(pair.client(), "veth-c");

            assertFalse(device(pair.client(), ifindex).acceptsRedirectedFrames(), "peer without GRO or XDP");

            boolean notified = NetNs.get(pair.client(), () -> {
                try (NetDevices.Watch watch = NetDevices.watch()) {
                    lab.exec(pair.server(), "ethtool", "-K", "veth-s", "gro", "on");
                    return watch.await(Duration.ofSeconds(5));
                }
            });
            assertTrue(notified, "the peer's GRO change is notified in the client's namespace");
            assertTrue(device(pair.client(), ifindex).acceptsRedirectedFrames(), "peer with GRO on");

            lab.exec(pair.server(), "ethtool", "-K", "veth-s", "gro", "off");
            assertFalse(device(pair.client(), ifindex).acceptsRedirectedFrames(), "GRO off again");
        }
    }

    @Test
    void hardwareAddressIsTheInterfaceMac() {
        try (NetLab lab = new NetLab()) {
            NetLab.Pair pair = lab.pair("10.231.1");
            String mac = lab.exec(pair.client(), "cat", "/sys/class/net/veth-c/address").trim();
            int ifindex = NetNs.ifindex(pair.client(), "veth-c");

            byte[] read = NetNs.get(pair.client(), () -> NetDevices.hardwareAddress(ifindex).orElseThrow());

            assertArrayEquals(HexFormat.ofDelimiter(":").parseHex(mac), read);
            assertTrue(NetNs.get(pair.client(), () -> NetDevices.hardwareAddress(99999).isEmpty()), "no such device");
        }
    }

    private static NetDevices.Device device(String namespace, int ifindex) {
        List<NetDevices.Device> devices = NetNs.get(namespace, NetDevices::list);
        return devices.stream().filter(d -> d.ifindex() == ifindex).findFirst()
                .orElseThrow(() -> new AssertionError("ifindex " + ifindex + " not in " + devices));
    }
}
