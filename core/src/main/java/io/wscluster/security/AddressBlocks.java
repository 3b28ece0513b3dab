package io.wscluster.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}) from a setting, matched by
 * their bytes, so that every spelling of an address ({@code ::1}, {@code 0:0:0:0:0:0:0:1}) is the
 * same address. Entries are IP literals only: a host name would need a lookup at every match.
 */
public final class AddressBlocks {
    private record Block(byte[] network, int bits) {
    }

    private final List<Block> blocks = new ArrayList<>();

    /** @throws IllegalArgumentException naming {@code setting} and an entry that is not an IP address or CIDR block */
    public AddressBlocks(String setting, List<String> entries) {
        for (String entry : entries) {
            String[] parts = entry.trim().split("/", 2);
            byte[] address = literal(parts[0]);
            int bits = address == null ? -1 : address.length * 8;
            if (address != null && parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    bits = -1;
                }
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' is not valid, expected an address or CIDR block");
            }
            blocks.add(new Block(address, bits));
        }
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code ip} (an IP literal) is one of the addresses or inside one of the blocks; false for anything else. */
    public boolean contains(String ip) {
        if (ip == null || blocks.isEmpty()) {
            return false;
        }
        byte[] address = literal(ip);
        if (address == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network().length == address.length && samePrefix(b.network(), address, b.bits())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bytes of an IP literal (4 for IPv4, an IPv4-mapped IPv6 address included; 16 for IPv6), or
     * null when {@code text} is not one. Never a name lookup.
     */
    static byte[] literal(String text) {
        String t = text.trim();
        boolean looksLiteral = t.contains(":") || t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!looksLiteral) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }
}
