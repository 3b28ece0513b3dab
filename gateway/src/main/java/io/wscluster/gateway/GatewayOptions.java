package io.wscluster.gateway;

import io.wscluster.routing.RoutingOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * What a gateway is configured with.
 *
 * @param redisUrl       the cluster's Redis ({@code redis://} or {@code redis-cluster://}); null
 *                       when the caller supplies membership and sticky registry itself (in-process)
 * @param cluster        the cluster's name: the namespace of its Redis keys
 * @param heartbeat      the nodes' heartbeat: how often the gateway re-reads membership
 * @param ioThreads      event loops; 0: one per core
 * @param connectTimeout how long the gateway waits for a node to accept the TCP connection
 */
public record GatewayOptions(String host, int port, String redisUrl, String cluster, Duration heartbeat,
                             RoutingOptions routing, int ioThreads, Duration connectTimeout) {
    public static final int DEFAULT_PORT = 8000;

    public GatewayOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: '" + port + "' is not valid, expected 0 to 65535");
        }
        Objects.requireNonNull(cluster, "cluster");
        if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat: '" + heartbeat + "' is not valid, expected a positive duration");
        }
        Objects.requireNonNull(routing, "routing");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("io-threads: '" + ioThreads + "' is not valid, expected 0 or more");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout: '" + connectTimeout + "' is not valid, expected a positive duration");
        }
    }

    /** Loopback, a free port, no Redis, default routing: for tests and the in-process demo. */
    public static GatewayOptions local(RoutingOptions routing, Duration heartbeat) {
        return new GatewayOptions("127.0.0.1", 0, null, "wsc", heartbeat, routing, 0, Duration.ofSeconds(2));
    }
}
