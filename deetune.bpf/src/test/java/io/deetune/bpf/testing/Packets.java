package io.deetune.bpf.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds test frames (Ethernet + IPv4/IPv6 + UDP/TCP/ICMP, correct checksums) and verifies checksums of frames
 * a program rewrote, by summing them again from scratch.
 */
public final class Packets {

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    public static final byte[] MAC_A = {0x02, 0, 0, 0, 0, 0x0a};
    public static final byte[] MAC_B = {0x02, 0, 0, 0, 0, 0x0b};

    private Packets() {}

    public static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    public static byte[] udp(String src, int sport, String dst, int dport, byte[] payload) {
        return frame(ip(src), ip(dst), PROTO_UDP, l4Udp(sport, dport, payload));
    }

    public static byte[] tcp(String src, int sport, String dst, int dport, int flags, byte[] payload) {
        return frame(ip(src), ip(dst), PROTO_TCP, l4Tcp(sport, dport, flags, payload));
    }

    public static byte[] icmpEcho(String src, String dst) {
        boolean v6 = ip(src) instanceof Inet6Address;
        byte[] icmp = {(byte) (v6 ? 128 : 8), 0, 0, 0, 0, 1, 0, 1};
        return frame(ip(src), ip(dst), v6 ? PROTO_ICMPV6 : PROTO_ICMP, icmp);
    }

    private static byte[] l4Udp(int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    private static byte[] l4Tcp(int sport, int dport, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt((flags & TCP_ACK) != 0 ? 2000 : 0)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0)
                .put(payload);
        return b.array();
    }

    /** An Ethernet frame MAC_A -> MAC_B carrying {@code l4} over IPv4 or IPv6 (by the addresses' family). */
    public static byte[] frame(InetAddress src, InetAddress dst, int protocol, byte[] l4) {
        boolean v6 = src instanceof Inet6Address;
        int ipHeader = v6 ? 40 : 20;
        ByteBuffer b = ByteBuffer.allocate(14 + ipHeader + l4.length).order(ByteOrder.BIG_ENDIAN);
        b.put(MAC_B).put(MAC_A).putShort((short) (v6 ? 0x86dd : 0x0800));
        if (v6) {
            b.putInt(0x60000000).putShort((short) l4.length).put((byte) protocol).put((byte) 64)
                    .put(src.getAddress()).put(dst.getAddress());
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 1).putShort((short) 0x4000)
                    .put((byte) 64).put((byte) protocol).putShort((short) 0).put(src.getAddress()).put(dst.getAddress());
        }
        b.put(l4);
        byte[] frame = b.array();
        if (!v6) {
            putShort(frame, 14 + 10, checksum(frame, 14, 20, 0));
        }
        fixL4Checksum(frame);
        return frame;
    }

    /**
     * The IPv6 frame with one 8-byte extension header inserted before its L4 header: hop-by-hop (0) or destination
     * options (60) padded with a PadN option, or a fragment header (44) with the given offset (8-byte units) and
     * more-fragments flag. The L4 checksum stays valid (the pseudo header does not change). The other accessors of
     * this class expect frames without extension headers.
     */
    public static byte[] withIpv6Extension(byte[] frame, int type, int fragmentOffsetUnits, boolean moreFragments) {
        if (!isIpv6(frame)) {
            throw new IllegalArgumentException("not an IPv6 frame");
        }
        int at = 14 + 40;
        byte[] f = new byte[frame.length + 8];
        System.arraycopy(frame, 0, f, 0, at);
        System.arraycopy(frame, at, f, at + 8, frame.length - at);
        f[at] = frame[14 + 6]; // the extension header's next header: the L4 protocol
        if (type == 44) {
            putShort(f, at + 2, (fragmentOffsetUnits << 3) | (moreFragments ? 1 : 0));
            putShort(f, at + 4, 0x1234);
        } else {
            f[at + 2] = 1; // PadN
            f[at + 3] = 4;
        }
        f[14 + 6] = (byte) type;
        putShort(f, 14 + 4, getShort(frame, 14 + 4) + 8);
        return f;
    }

    /**
     * The inverse of {@link #withIpv6Extension}: the frame without the 8-byte extension header after the fixed IPv6
     * header, so that the other accessors can read a frame that carried one.
     */
    public static byte[] withoutIpv6Extension(byte[] frame) {
        if (!isIpv6(frame)) {
            throw new IllegalArgumentException("not an IPv6 frame");
        }
        int at = 14 + 40;
        byte[] f = new byte[frame.length - 8];
        System.arraycopy(frame, 0, f, 0, at);
        System.arraycopy(frame, at + 8, f, at, frame.length - at - 8);
        f[14 + 6] = frame[at];
        putShort(f, 14 + 4, getShort(frame, 14 + 4) - 8);
        return f;
    }

    /**
     * The frame with its IP length field (IPv4 total length, IPv6 payload length) set so that the IP datagram, its IP
     * header included, is {@code datagramBytes} long; the frame's bytes stay, those past the new length now padding as
     * Ethernet adds it. The IPv4 header checksum is fixed.
     */
    public static byte[] withIpLength(byte[] frame, int datagramBytes) {
        byte[] f = frame.clone();
        if (isIpv6(f)) {
            putShort(f, 14 + 4, datagramBytes - 40);
        } else {
            putShort(f, 14 + 2, datagramBytes);
            putShort(f, 14 + 10, 0);
            putShort(f, 14 + 10, checksum(f, 14, (f[14] & 0x0f) * 4, 0));
        }
        return f;
    }

    /** The frame padded with zero bytes to {@code length} (Ethernet pads every frame to 60 bytes). */
    public static byte[] padded(byte[] frame, int length) {
        return frame.length >= length ? frame.clone() : java.util.Arrays.copyOf(frame, length);
    }

    /** Offset of the L3 header (no VLAN tags in frames built here). */
    public static int l3Offset() {
        return 14;
    }

    public static boolean isIpv6(byte[] frame) {
        return getShort(frame, 12) == 0x86dd;
    }

    public static int l4Offset(byte[] frame) {
        return isIpv6(frame) ? 14 + 40 : 14 + (frame[14] & 0x0f) * 4;
    }

    public static int protocol(byte[] frame) {
        return isIpv6(frame) ? frame[14 + 6] & 0xff : frame[14 + 9] & 0xff;
    }

    /** Recomputes the L4 checksum (TCP, UDP, ICMP, ICMPv6) of a frame in place. */
    public static void fixL4Checksum(byte[] frame) {
        int at = checksumOffset(frame);
        putShort(frame, at, 0);
        int sum = l4Sum(frame);
        if (sum == 0 && protocol(frame) == PROTO_UDP) {
            sum = 0xffff;
        }
        putShort(frame, at, sum);
    }

    private static int checksumOffset(byte[] frame) {
        int l4 = l4Offset(frame);
        return switch (protocol(frame)) {
            case PROTO_TCP -> l4 + 16;
            case PROTO_UDP -> l4 + 6;
            default -> l4 + 2;
        };
    }

    private static int l4Sum(byte[] frame) {
        int l4 = l4Offset(frame);
        return checksum(frame, l4, frame.length - l4, pseudoHeaderSum(frame));
    }

    private static long pseudoHeaderSum(byte[] frame) {
        int length = frame.length - l4Offset(frame);
        int protocol = protocol(frame);
        if (isIpv6(frame)) {
            return sumWords(frame, 14 + 8, 32) + length + protocol;
        }
        return protocol == PROTO_ICMP ? 0 : sumWords(frame, 14 + 12, 8) + length + protocol;
    }

    /**
     * What a sender with checksum offload leaves in the TCP/UDP checksum field for the device or the segmentation
     * to complete (CHECKSUM_PARTIAL): the pseudo header's sum, folded and not complemented.
     */
    public static int partialChecksum(byte[] frame) {
        return ~checksum(frame, 0, 0, pseudoHeaderSum(frame)) & 0xffff;
    }

    /** Writes {@link #partialChecksum} into the frame's TCP/UDP checksum field. */
    public static void setPartialChecksum(byte[] frame) {
        putShort(frame, checksumOffset(frame), partialChecksum(frame));
    }

    /** The frame's TCP/UDP checksum field. */
    public static int l4ChecksumField(byte[] frame) {
        return getShort(frame, checksumOffset(frame));
    }

    /** True if the IPv4 header checksum of the frame is right (always true for IPv6, which has none). */
    public static boolean ipv4ChecksumOk(byte[] frame) {
        return isIpv6(frame) || checksum(frame, 14, (frame[14] & 0x0f) * 4, 0) == 0;
    }

    /** True if the L4 checksum of the frame is right (a UDP/IPv4 checksum of 0 means none and counts as right). */
    public static boolean l4ChecksumOk(byte[] frame) {
        if (!isIpv6(frame) && protocol(frame) == PROTO_UDP && getShort(frame, checksumOffset(frame)) == 0) {
            return true;
        }
        return l4Sum(frame) == 0;
    }

    /** The Internet checksum over frame[offset, offset+length) plus a pseudo-header sum. */
    public static int checksum(byte[] data, int offset, int length, long initial) {
        long sum = initial + sumWords(data, offset, length);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sumWords(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        return sum;
    }

    public static int getShort(byte[] data, int offset) {
        return ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
    }

    public static void putShort(byte[] data, int offset, int value) {
        data[offset] = (byte) (value >> 8);
        data[offset + 1] = (byte) value;
    }

    public static InetAddress sourceAddress(byte[] frame) {
        return address(frame, isIpv6(frame) ? 14 + 8 : 14 + 12);
    }

    public static InetAddress destinationAddress(byte[] frame) {
        return address(frame, isIpv6(frame) ? 14 + 24 : 14 + 16);
    }

    private static InetAddress address(byte[] frame, int offset) {
        byte[] bytes = new byte[isIpv6(frame) ? 16 : 4];
        System.arraycopy(frame, offset, bytes, 0, bytes.length);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int sourcePort(byte[] frame) {
        return getShort(frame, l4Offset(frame));
    }

    public static int destinationPort(byte[] frame) {
        return getShort(frame, l4Offset(frame) + 2);
    }

    public static boolean isIpv4(InetAddress address) {
        return address instanceof Inet4Address;
    }
}
