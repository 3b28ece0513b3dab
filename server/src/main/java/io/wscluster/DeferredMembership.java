package io.wscluster;

import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node's membership for the parts built before it exists (directory, cluster view): it is
 * created, and starts registering, on first use, once the node serves and can describe itself.
 */
final class DeferredMembership implements Membership {
    private final Supplier<Membership> membership;

    /** @param membership creates the membership at the first call and returns the same one after */
    DeferredMembership(Supplier<Membership> membership) {
        this.membership = Objects.requireNonNull(membership, "membership");
    }

    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        return membership.get().nodes();
    }

    @Override
    public void addListener(Consumer<MembershipEvent> listener) {
        membership.get().addListener(listener);
    }

    @Override
    public void removeListener(Consumer<MembershipEvent> listener) {
        membership.get().removeListener(listener);
    }

    @Override
    public void onRegistrationLost(Runnable action) {
        membership.get().onRegistrationLost(action);
    }
}
