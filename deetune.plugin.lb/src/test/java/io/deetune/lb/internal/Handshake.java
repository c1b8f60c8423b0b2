package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_ACK;
import static io.deetune.bpf.testing.Packets.TCP_SYN;

import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import java.util.function.Function;

/**
 * A TCP three-way handshake through the stage, as a real client and backend make it: the stage keeps a flow that has
 * seen only its SYN in the half-open table, and establishes it once the backend answered and the client acknowledged.
 */
final class Handshake {

    private Handshake() {}

    /**
     * Sends the client's SYN, the backend's SYN-ACK to where the stage sent the SYN from (the client, or the
     * service's SNAT address and port) and the client's ACK. Returns the SYN as the backend received it.
     */
    static byte[] open(Function<byte[], TestRunResult> stage, byte[] syn) {
        byte[] atBackend = stage.apply(syn).output();
        stage.apply(Packets.tcp(Packets.destinationAddress(atBackend).getHostAddress(), Packets.destinationPort(atBackend),
                Packets.sourceAddress(atBackend).getHostAddress(), Packets.sourcePort(atBackend), TCP_SYN | TCP_ACK, new byte[0]));
        stage.apply(Packets.tcp(Packets.sourceAddress(syn).getHostAddress(), Packets.sourcePort(syn),
                Packets.destinationAddress(syn).getHostAddress(), Packets.destinationPort(syn), TCP_ACK, new byte[0]));
        return atBackend;
    }
}
