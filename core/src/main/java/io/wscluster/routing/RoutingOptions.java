package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How new connections are placed; shared by the nodes' {@code /api/route} and the gateway.
 * Immutable; change with the {@code with...} methods.
 *
 * @param stickyKey          the query parameter whose value is the key of {@link Stickiness#KEY}
 * @param regionNeighbors    the {@code region-neighbors} text, parsed by {@link Regions#parse}
 * @param imbalanceThreshold spread of load (see {@link Imbalance}) above which the cluster is imbalanced
 * @param scaling            the thresholds of the autoscaling advice
 */
public record RoutingOptions(Algorithm algorithm, AdaptiveWeights weights, Stickiness stickiness, Duration stickyTtl,
                             String stickyKey, String regionNeighbors, double imbalanceThreshold, ScalingAdvice scaling) {
    public static final RoutingOptions DEFAULT = new RoutingOptions(Algorithm.LEAST_CONNECTIONS, AdaptiveWeights.DEFAULT,
            Stickiness.USER, Duration.ofHours(1), "key", "", Imbalance.DEFAULT_THRESHOLD, ScalingAdvice.DEFAULT);

    public RoutingOptions {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(stickiness, "stickiness");
        Objects.requireNonNull(scaling, "scaling");
        if (stickyTtl == null || stickyTtl.isNegative() || stickyTtl.isZero()) {
            throw new IllegalArgumentException("must be a positive duration, got " + stickyTtl);
        }
        if (stickyKey == null || stickyKey.isBlank()) {
            throw new IllegalArgumentException("must name a query parameter");
        }
        Regions.parse(Objects.requireNonNull(regionNeighbors, "regionNeighbors"));
        if (!(imbalanceThreshold > 0) || Double.isInfinite(imbalanceThreshold)) {
            throw new IllegalArgumentException("must be a number above 0, got " + imbalanceThreshold);
        }
    }

    public RoutingOptions withAlgorithm(Algorithm a) {
        return new RoutingOptions(a, weights, stickiness, stickyTtl, stickyKey, regionNeighbors, imbalanceThreshold, scaling);
    }

    public RoutingOptions withWeights(AdaptiveWeights w) {
        return new RoutingOptions(algorithm, w, stickiness, stickyTtl, stickyKey, regionNeighbors, imbalanceThreshold, scaling);
    }

    public RoutingOptions withStickiness(Stickiness s) {
        return new RoutingOptions(algorithm, weights, s, stickyTtl, stickyKey, regionNeighbors, imbalanceThreshold, scaling);
    }

    public RoutingOptions withStickyTtl(Duration ttl) {
        return new RoutingOptions(algorithm, weights, stickiness, ttl, stickyKey, regionNeighbors, imbalanceThreshold, scaling);
    }

    public RoutingOptions withStickyKey(String key) {
        return new RoutingOptions(algorithm, weights, stickiness, stickyTtl, key, regionNeighbors, imbalanceThreshold, scaling);
    }

    public RoutingOptions withRegionNeighbors(String text) {
        return new RoutingOptions(algorithm, weights, stickiness, stickyTtl, stickyKey, text, imbalanceThreshold, scaling);
    }

    public RoutingOptions withImbalanceThreshold(double t) {
        return new RoutingOptions(algorithm, weights, stickiness, stickyTtl, stickyKey, regionNeighbors, t, scaling);
    }

    public RoutingOptions withScaling(ScalingAdvice a) {
        return new RoutingOptions(algorithm, weights, stickiness, stickyTtl, stickyKey, regionNeighbors, imbalanceThreshold, a);
    }

    /** A router with these options over {@code nodes}; a client with no node to go to is told to retry after a few seconds. */
    public Router router(Supplier<List<NodeInfo>> nodes, StickyRegistry registry, Duration heartbeat) {
        int retryAfter = (int) Math.max(1, Math.min(60, heartbeat.toSeconds() * 2));
        return new Router(nodes, algorithm.create(weights), stickiness, registry, Regions.parse(regionNeighbors), retryAfter);
    }
}
