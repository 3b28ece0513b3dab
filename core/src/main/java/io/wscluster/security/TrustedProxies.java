package io.wscluster.security;

import java.util.List;

/**
 * The proxies in front of a gateway or node whose {@code X-Forwarded-*} headers it believes: addresses
 * or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}). From anyone else those headers are the
 * client's own words, and a client could pick its address (and so its node, with {@code ip}
 * stickiness) by writing one.
 */
public final class TrustedProxies {
    private final AddressBlocks blocks;

    /** @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block */
    public TrustedProxies(List<String> entries) {
        blocks = new AddressBlocks("trusted-proxies", entries);
    }

    public boolean trusts(String ip) {
        return blocks.contains(ip);
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
}
