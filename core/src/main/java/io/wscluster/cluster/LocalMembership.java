package io.wscluster.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Membership without Redis: the nodes of this process. A node alone is a cluster of one; nodes
 * that share a {@link Registry} (the in-process demo) see each other.
 */
public final class LocalMembership implements Membership {
    private final Registry registry;

    /** A cluster of one. */
    public LocalMembership(Supplier<NodeInfo> self) {
        this.registry = new Registry();
        registry.nodes.add(self);
    }

    private LocalMembership(Registry registry) {
        this.registry = registry;
    }

    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        List<NodeInfo> all = registry.nodes.stream().map(Supplier::get)
                .filter(n -> n.state() != NodeState.OFFLINE)
                .sorted(Comparator.comparing(NodeInfo::id)).toList();
        return CompletableFuture.completedFuture(all);
    }

    /** The nodes of one process. Thread-safe. */
    public static final class Registry {
        private final List<Supplier<NodeInfo>> nodes = new CopyOnWriteArrayList<>();

        /** Adds a node; the returned membership lists every node of the registry. */
        public Membership join(Supplier<NodeInfo> self) {
            nodes.add(self);
            return new LocalMembership(this);
        }

        /** Lists the registry's nodes without adding one (an in-process gateway). */
        public Membership observer() {
            return new LocalMembership(this);
        }
    }
}
