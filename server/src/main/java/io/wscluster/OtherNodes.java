package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's nodes but this one, as one list object per snapshot of the underlying list (the
 * router counts placements per snapshot, by identity).
 */
final class OtherNodes implements Supplier<List<NodeInfo>> {
    private final Supplier<List<NodeInfo>> all;
    private final String self;
    private List<NodeInfo> seen;
    private List<NodeInfo> others = List.of();

    OtherNodes(Supplier<List<NodeInfo>> all, String self) {
        this.all = all;
        this.self = self;
    }

    @Override
    public synchronized List<NodeInfo> get() {
        List<NodeInfo> now = all.get();
        if (now != seen) {
            seen = now;
            others = now.stream().filter(n -> !n.id().equals(self)).toList();
        }
        return others;
    }
}
