package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cluster's nodes but this one and those {@code excluded} names, as one list object per
 * snapshot of the underlying list and exclusions (the router counts placements per snapshot, by
 * identity).
 */
final class OtherNodes implements Supplier<List<NodeInfo>> {
    private final Supplier<List<NodeInfo>> all;
    private final String self;
    private final Supplier<Set<String>> excluded;
    private List<NodeInfo> seen;
    private Set<String> seenExcluded;
    private List<NodeInfo> others = List.of();

    OtherNodes(Supplier<List<NodeInfo>> all, String self) {
        this(all, self, Set::of);
    }

    /** @param excluded ids left out besides this node's, one set object per change */
    OtherNodes(Supplier<List<NodeInfo>> all, String self, Supplier<Set<String>> excluded) {
        this.all = all;
        this.self = self;
        this.excluded = excluded;
    }

    @Override
    public synchronized List<NodeInfo> get() {
        List<NodeInfo> now = all.get();
        Set<String> out = excluded.get();
        if (now != seen || out != seenExcluded) {
            seen = now;
            seenExcluded = out;
            others = now.stream().filter(n -> !n.id().equals(self) && !out.contains(n.id())).toList();
        }
        return others;
    }
}
