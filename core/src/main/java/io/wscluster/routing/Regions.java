package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which regions are near which, from the {@code region-neighbors} setting:
 * {@code "eu-west:eu-central,us-east;us-east:us-west,eu-west"} says that a client of eu-west goes
 * to eu-west, else eu-central, else us-east, else anywhere. A region without a line falls back
 * straight to anywhere. Immutable.
 */
public final class Regions {
    public static final Regions NONE = new Regions(Map.of());

    private final Map<String, List<String>> neighbors;

    private Regions(Map<String, List<String>> neighbors) {
        this.neighbors = neighbors;
    }

    /** Throws {@link IllegalArgumentException} naming the part that is malformed. */
    public static Regions parse(String text) {
        Objects.requireNonNull(text, "text");
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : text.split(";")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            String region = colon < 0 ? "" : line.substring(0, colon).trim();
            if (region.isEmpty()) {
                throw new IllegalArgumentException("expected 'region:neighbor,neighbor,...', got '" + line.trim() + "'");
            }
            List<String> near = new ArrayList<>();
            for (String n : line.substring(colon + 1).split(",")) {
                if (!n.isBlank()) {
                    near.add(n.trim());
                }
            }
            m.put(region, List.copyOf(near));
        }
        return new Regions(Map.copyOf(m));
    }

    /**
     * The candidates of the nearest region to {@code region} that has any: its own, then its
     * neighbors in order, then all of them.
     */
    public List<NodeInfo> nearest(String region, List<NodeInfo> candidates) {
        if (region == null) {
            return candidates;
        }
        List<NodeInfo> own = inRegion(region, candidates);
        if (!own.isEmpty()) {
            return own;
        }
        for (String near : neighbors.getOrDefault(region, List.of())) {
            List<NodeInfo> in = inRegion(near, candidates);
            if (!in.isEmpty()) {
                return in;
            }
        }
        return candidates;
    }

    private static List<NodeInfo> inRegion(String region, List<NodeInfo> candidates) {
        List<NodeInfo> in = new ArrayList<>();
        for (NodeInfo n : candidates) {
            if (region.equals(n.region())) {
                in.add(n);
            }
        }
        return in;
    }
}
