package io.wscluster.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The six balancing algorithms, by the names of the {@code algorithm} setting. */
public enum Algorithm {
    ROUND_ROBIN, LEAST_CONNECTIONS, WEIGHTED, IP_HASH, RANDOM, ADAPTIVE;

    /** {@code round-robin}, {@code least-connections}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Throws {@link IllegalArgumentException} listing the valid names. */
    public static Algorithm parse(String name) {
        for (Algorithm a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "': expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Algorithm::wireName).collect(Collectors.joining(", "));
    }

    /** A new balancer of this algorithm, with its own state. */
    public LoadBalancer create(AdaptiveWeights weights) {
        return switch (this) {
            case ROUND_ROBIN -> new RoundRobin();
            case LEAST_CONNECTIONS -> new LeastConnections();
            case WEIGHTED -> new Weighted();
            case IP_HASH -> new IpHash();
            case RANDOM -> new RandomChoice();
            case ADAPTIVE -> new Adaptive(weights);
        };
    }
}
