package io.wscluster.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** A cluster of one: the embedded bus has no other nodes to know about. */
public final class LocalMembership implements Membership {
    private final Supplier<NodeInfo> self;

    public LocalMembership(Supplier<NodeInfo> self) {
        this.self = self;
    }

    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        return CompletableFuture.completedFuture(List.of(self.get()));
    }
}
