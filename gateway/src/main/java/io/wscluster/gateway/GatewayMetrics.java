package io.wscluster.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wscluster.routing.StickyRegistry;
import java.util.concurrent.atomic.LongAdder;

/** The gateway's meters, exposed at its {@code /metrics}. Thread-safe. */
final class GatewayMetrics {
    static final String CONNECTIONS_REFUSED = "wsc_gateway_connections_refused";
    /** The reason of a connection refused with 503 because no node took connections. */
    static final String NO_NODE = "no-node";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter relayed;
    private final Counter nodeRefused;
    private final Counter failedOver;
    private final Counter nodeShed;
    private final LongAdder bytesToNodes = new LongAdder();
    private final LongAdder bytesToClients = new LongAdder();

    GatewayMetrics(Links links, StickyRegistry sticky) {
        relayed = Counter.builder("wsc_gateway_connections_relayed").description("Upgrades placed on a node and relayed")
                .register(registry);
        nodeRefused = Counter.builder("wsc_gateway_node_refusals")
                .description("Upgrades a node answered with something other than 101 (passed on to the client)").register(registry);
        nodeShed = Counter.builder("wsc_gateway_node_sheds")
                .description("Upgrades a node refused with 503 (draining or over a load limit) and the gateway sent to another node")
                .register(registry);
        failedOver = Counter.builder("wsc_gateway_failover_closes")
                .description("Client connections closed with 1012 because their node was lost: it dropped the connection without a close"
                        + " frame, or membership declared it failed").register(registry);
        Gauge.builder("wsc_gateway_connections", links, Links::count).description("Connections relayed now").register(registry);
        FunctionCounter.builder("wsc_gateway_bytes_to_nodes", bytesToNodes, LongAdder::sum).description("Bytes relayed from clients to nodes").register(registry);
        FunctionCounter.builder("wsc_gateway_bytes_to_clients", bytesToClients, LongAdder::sum).description("Bytes relayed from nodes to clients").register(registry);
        Gauge.builder("wsc_sticky_cache_hit_ratio", sticky, StickyRegistry::cacheHitRate)
                .description("Sticky-session lookups answered from the local cache").register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    void relayed() {
        relayed.increment();
    }

    /**
     * A client connection refused, by {@code reason}: {@link #NO_NODE} (503), or a connection limit of
     * {@link io.wscluster.security.ConnectionLimiter} (closed at accept, or 429 at the upgrade).
     */
    void refused(String reason) {
        Counter.builder(CONNECTIONS_REFUSED).description("Client connections refused, by reason").tag("reason", reason)
                .register(registry).increment();
    }

    void nodeRefused() {
        nodeRefused.increment();
    }

    void nodeShed() {
        nodeShed.increment();
    }

    void failedOver(int n) {
        failedOver.increment(n);
    }

    LongAdder bytesToNodes() {
        return bytesToNodes;
    }

    LongAdder bytesToClients() {
        return bytesToClients;
    }
}
