package io.wscluster.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies in front of a gateway or node whose {@code X-Forwarded-*} headers it believes: addresses
 * or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}). From anyone else those headers are the
 * client's own words, and a client could pick its address (and so its node, with {@code ip}
 * stickiness) by writing one.
 */
public final class TrustedProxies {
    private record Block(byte[] network, int bits) {
    }

    private final List<Block> blocks = new ArrayList<>();

    /** @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block */
    public TrustedProxies(List<String> entries) {
        for (String entry : entries) {
            String[] parts = entry.trim().split("/", 2);
            byte[] address = literal(parts[0], entry);
            int bits = address.length * 8;
            if (parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("trusted-proxies: '" + entry + "' is not valid, expected an address or CIDR block");
                }
            }
            blocks.add(new Block(address, bits));
        }
    }

    public boolean trusts(String ip) {
        if (ip == null || blocks.isEmpty()) {
            return false;
        }
        byte[] address;
        try {
            address = literal(ip, ip);
        } catch (IllegalArgumentException e) {
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
     * The client's address: the peer's, unless the peer is a trusted proxy; then the nearest hop of
     * {@code forwardedFor} (read from the right) that is not a trusted proxy.
     */
    public String clientIp(String peer, String forwardedFor) {
        if (!trusts(peer) || forwardedFor == null) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!trusts(hop)) {
                return hop;
            }
        }
        return hops[0].trim();
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

    /** An IP literal's bytes, never a name lookup. */
    private static byte[] literal(String text, String entry) {
        String t = text.trim();
        boolean looksLiteral = t.contains(":") || t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!looksLiteral) {
            throw new IllegalArgumentException("trusted-proxies: '" + entry + "' is not valid, expected an address or CIDR block");
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("trusted-proxies: '" + entry + "' is not valid, expected an address or CIDR block");
        }
    }
}
