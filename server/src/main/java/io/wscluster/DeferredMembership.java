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
    private final Supplier<Membership> factory;
    /** The membership once created; health questions before that must not create it. */
    private volatile Membership created;

    /** @param membership creates the membership at the first call and returns the same one after */
    DeferredMembership(Supplier<Membership> membership) {
        this.factory = Objects.requireNonNull(membership, "membership");
    }

    private Membership membership() {
        Membership m = factory.get();
        created = m;
        return m;
    }

    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        return membership().nodes();
    }

    /** {@link #NOT_HEALTHY} until the node serves and its membership exists. */
    @Override
    public long healthySinceNanos() {
        Membership m = created;
        return m == null ? NOT_HEALTHY : m.healthySinceNanos();
    }

    @Override
    public long lastHeartbeatNanos() {
        Membership m = created;
        return m == null ? NOT_HEALTHY : m.lastHeartbeatNanos();
    }

    @Override
    public void addListener(Consumer<MembershipEvent> listener) {
        membership().addListener(listener);
    }

    @Override
    public void removeListener(Consumer<MembershipEvent> listener) {
        membership().removeListener(listener);
    }

    @Override
    public void onRegistrationLost(Runnable action) {
        membership().onRegistrationLost(action);
    }
}
