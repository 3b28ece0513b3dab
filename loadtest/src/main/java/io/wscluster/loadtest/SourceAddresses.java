package io.wscluster.loadtest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --source-ips}: single addresses and IPv4 ranges such as {@code 127.0.0.2-127.0.0.60}.
 * Each local address gives a connection its own range of ephemeral ports towards one target.
 */
final class SourceAddresses {
    private SourceAddresses() {
    }

    static List<InetSocketAddress> parse(List<String> specs) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String spec : specs) {
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int dash = p.indexOf('-');
                if (dash < 0) {
                    out.add(new InetSocketAddress(address(p), 0));
                } else {
                    long from = ipv4(p.substring(0, dash));
                    long to = ipv4(p.substring(dash + 1));
                    if (to < from || to - from > 65_535) {
                        throw new IllegalArgumentException("--source-ips: '" + p + "' is not a range of at most 65536 addresses");
                    }
                    for (long a = from; a <= to; a++) {
                        out.add(new InetSocketAddress(address((a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255)), 0));
                    }
                }
            }
        }
        return out;
    }

    private static long ipv4(String s) {
        byte[] b = address(s).getAddress();
        if (b.length != 4) {
            throw new IllegalArgumentException("--source-ips: ranges take IPv4 addresses, not '" + s + "'");
        }
        return ((b[0] & 255L) << 24) | ((b[1] & 255L) << 16) | ((b[2] & 255L) << 8) | (b[3] & 255L);
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s.trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--source-ips: '" + s + "' is not an address");
        }
    }
}
