package io.wscluster.security;

import io.wscluster.options.Check;
import java.util.List;

/**
 * What one source address may open, on a node or a gateway, so that one host cannot take a
 * listener's every socket: connections at once, and new WebSocket connections a second (a token
 * bucket of that many). Addresses in {@code exempt} are not limited: by default loopback, so that a
 * load generator or a proxy on the same host is not taken for one abusive client.
 *
 * @param maxConnections connections one address may hold at once; 0: no limit
 * @param newPerSecond   new WebSocket connections one address may open a second; 0: no limit
 * @param exempt         addresses and CIDR blocks never limited
 */
public record AddressLimits(int maxConnections, int newPerSecond, List<String> exempt) {
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final int DEFAULT_NEW_PER_SECOND = 20;
    public static final List<String> DEFAULT_EXEMPT = List.of("127.0.0.1", "::1");
    public static final AddressLimits DEFAULT = new AddressLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_NEW_PER_SECOND, DEFAULT_EXEMPT);
    /** No limit at all. */
    public static final AddressLimits NONE = new AddressLimits(0, 0, List.of());

    /** @throws IllegalArgumentException naming the setting of a negative number or of an entry that is not an address */
    public AddressLimits {
        Check.setting(maxConnections >= 0, "max-connections-per-address", maxConnections, "0 (no limit) or more");
        Check.setting(newPerSecond >= 0, "connection-rate-per-address", newPerSecond, "0 (no limit) or more");
        exempt = List.copyOf(exempt);
        new AddressBlocks("address-limit-exempt", exempt);
    }

    public AddressLimits withMaxConnections(int v) { return new AddressLimits(v, newPerSecond, exempt); }
    public AddressLimits withNewPerSecond(int v) { return new AddressLimits(maxConnections, v, exempt); }
    public AddressLimits withExempt(List<String> v) { return new AddressLimits(maxConnections, newPerSecond, v); }
}
