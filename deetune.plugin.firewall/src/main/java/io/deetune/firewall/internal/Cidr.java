package io.deetune.firewall.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix; host bits are cleared. Parsed without name resolution. */
public final class Cidr {

    private final byte[] address;
    private final int prefixLength;

    private Cidr(byte[] address, int prefixLength) {
        this.address = address;
        this.prefixLength = prefixLength;
        for (int bit = prefixLength; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    public static Cidr of(byte[] address, int prefixLength) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of 0.." + address.length * 8);
        }
        return new Cidr(address.clone(), prefixLength);
    }

    /**
     * Parses {@code a.b.c.d[/n]} or {@code ipv6[/n]}; a bare address is a full-length prefix.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(host, text);
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            String len = t.substring(slash + 1);
            if (decimal(len, 3) < 0 || Integer.parseInt(len) > max) {
                throw new IllegalArgumentException("bad prefix length '" + len + "' in '" + text + "' (0.." + max + ")");
            }
            length = Integer.parseInt(len);
        }
        return new Cidr(bytes, length);
    }

    private static byte[] literal(String host, String text) {
        if (!host.isEmpty() && host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("bad IPv4 address '" + host + "' in '" + text + "'");
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = decimal(parts[i], 3);
                if (octet < 0 || octet > 255) {
                    throw new IllegalArgumentException("bad IPv4 address '" + host + "' in '" + text + "'");
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (host.contains(":") && host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            try {
                InetAddress address = InetAddress.ofLiteral(host);
                if (address instanceof Inet6Address) {
                    return address.getAddress();
                }
                // An IPv4-mapped literal (::ffff:a.b.c.d) comes back as IPv4; keep the IPv6 form the user wrote.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad IPv6 address '" + host + "' in '" + text + "'");
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or prefix");
    }

    /** The value of 1 to {@code maxDigits} decimal digits, or -1 (no regex: rule files have 100k lines). */
    static int decimal(String digits, int maxDigits) {
        if (digits.isEmpty() || digits.length() > maxDigits) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    public boolean ipv6() {
        return address.length == 16;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The network address (host bits cleared), 4 or 16 bytes. */
    public byte[] address() {
        return address.clone();
    }

    /** The netmask as bytes, 4 or 16. */
    public byte[] mask() {
        byte[] mask = new byte[address.length];
        for (int bit = 0; bit < prefixLength; bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }

    /** Whether {@code other} (an address of the same family) lies inside this prefix. */
    public boolean contains(byte[] other) {
        if (other.length != address.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int m = 0x80 >>> (bit % 8);
            if ((other[bit / 8] & m) != (address[bit / 8] & m)) {
                return false;
            }
        }
        return true;
    }

    /** Whether both prefixes hold a common address (for prefixes: one contains the other). */
    public boolean overlaps(Cidr other) {
        if (other.address.length != address.length) {
            return false;
        }
        return prefixLength <= other.prefixLength ? contains(other.address) : other.contains(address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        if (address.length == 16) {
            return ipv6Text(address) + "/" + prefixLength;
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An IPv6 address in RFC 5952's form (what {@code ip} and nft print): lower-case hex without leading zeros, the
     * longest run of two or more zero groups (the first of equal runs) as {@code ::}. Java's own text is the long form.
     */
    static String ipv6Text(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
