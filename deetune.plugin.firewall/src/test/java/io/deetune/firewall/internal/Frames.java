package io.deetune.firewall.internal;

import io.deetune.bpf.testing.Packets;
import java.net.InetAddress;

/** Frames the shared builder (Packets) does not make: fragments, and a frame for given {@link PacketFields}. */
final class Frames {

    private Frames() {}

    /** The IPv4 frame as a fragment: offset in 8-byte units, more-fragments flag; header checksum fixed. */
    static byte[] fragment4(byte[] frame, int offsetUnits, boolean more) {
        byte[] f = frame.clone();
        Packets.putShort(f, 14 + 6, (more ? 0x2000 : 0) | offsetUnits);
        Packets.putShort(f, 14 + 10, 0);
        Packets.putShort(f, 14 + 10, Packets.checksum(f, 14, 20, 0));
        return f;
    }

    /** The IPv6 frame with a fragment header (offset in 8-byte units) inserted before its L4 header. */
    static byte[] fragment6(byte[] frame, int offsetUnits, boolean more) {
        return Packets.withIpv6Extension(frame, 44, offsetUnits, more);
    }

    /**
     * RFC 1858's tiny-fragment attack on a TCP SYN over IPv4, as two frames: the first fragment's IP length holds only
     * the first 8 bytes of the TCP header (ports and sequence number), and the frame goes on, past the IP length, with
     * the rest of an ACK's header (what a parser that trusts the frame end reads as the flags); the second fragment
     * (offset 8) carries the rest of the SYN's header. Reassembled, they are the SYN with a valid checksum.
     */
    static byte[][] tinyFragmentedSyn(String src, int sport, String dst, int dport) {
        byte[] syn = Packets.tcp(src, sport, dst, dport, Packets.TCP_SYN, new byte[0]);
        byte[] ack = Packets.tcp(src, sport, dst, dport, Packets.TCP_ACK, new byte[0]);
        byte[] first = Packets.padded(Packets.withIpLength(fragment4(ack, 0, true), 20 + 8), 60);
        System.arraycopy(syn, 14 + 20, first, 14 + 20, 8); // the SYN's own first 8 bytes (the same as the ACK's)
        byte[] second = new byte[14 + 20 + 12];
        System.arraycopy(syn, 0, second, 0, 14 + 20);
        System.arraycopy(syn, 14 + 20 + 8, second, 14 + 20, 12);
        second = Packets.withIpLength(fragment4(second, 1, false), 20 + 12);
        return new byte[][] {first, second};
    }

    /** A frame with exactly these fields; a packet with unknown L4 becomes a non-first fragment. */
    static byte[] of(PacketFields p) {
        InetAddress src = address(p.source());
        InetAddress dst = address(p.destination());
        byte[] frame = switch (p.protocol()) {
            case Protocols.TCP -> Packets.tcp(src.getHostAddress(), p.sourcePort(), dst.getHostAddress(), p.destinationPort(), p.tcpFlags(), new byte[8]);
            case Protocols.UDP -> Packets.udp(src.getHostAddress(), p.sourcePort(), dst.getHostAddress(), p.destinationPort(), new byte[8]);
            default -> Packets.frame(src, dst, p.protocol(), new byte[] {8, 0, 0, 0, 0, 1, 0, 1});
        };
        if (!p.l4Known()) {
            return p.ipv6() ? fragment6(frame, 8, false) : fragment4(frame, 8, false);
        }
        return frame;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
