package io.wscluster.routing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * A consistent-hash ring with virtual nodes: each node owns {@code virtualNodes} points on a 64-bit
 * circle, and a key belongs to the owner of the first point at or after the key's hash. Adding or
 * removing one of N nodes moves only the keys of the points it gains or loses, about 1/N of all
 * keys; many points per node keep every node's share close to 1/N (with 256 points the share of
 * a node is within a few percent of 1/N).
 *
 * <p>Immutable and thread-safe; build a new ring when the nodes change (a few microseconds per
 * node).
 */
public final class HashRing {
    public static final int DEFAULT_VIRTUAL_NODES = 256;

    private final long[] points;
    private final String[] owners;

    public HashRing(Collection<String> nodeIds) {
        this(nodeIds, DEFAULT_VIRTUAL_NODES);
    }

    public HashRing(Collection<String> nodeIds, int virtualNodes) {
        Objects.requireNonNull(nodeIds, "nodeIds");
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be at least 1, got " + virtualNodes);
        }
        int n = nodeIds.size() * virtualNodes;
        long[] hashes = new long[n];
        String[] byIndex = new String[n];
        int i = 0;
        for (String id : nodeIds) {
            for (int v = 0; v < virtualNodes; v++) {
                hashes[i] = hash(id + "#" + v);
                byIndex[i] = id;
                i++;
            }
        }
        // Sort the points, carrying their owners along (ties, astronomically rare, break by id).
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Long.compareUnsigned(hashes[x], hashes[y]);
            return c != 0 ? c : byIndex[x].compareTo(byIndex[y]);
        });
        points = new long[n];
        owners = new String[n];
        for (int k = 0; k < n; k++) {
            points[k] = hashes[order[k]];
            owners[k] = byIndex[order[k]];
        }
    }

    /** The node owning {@code key}; null when the ring is empty. */
    public String nodeFor(String key) {
        if (points.length == 0) {
            return null;
        }
        long h = hash(key);
        int lo = 0;
        int hi = points.length; // first point >= h, by unsigned order
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return owners[lo == points.length ? 0 : lo];
    }

    public boolean isEmpty() {
        return points.length == 0;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then MurmurHash3's finalizer to spread the bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
