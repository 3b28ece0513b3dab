package io.wscluster.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The channels of a node's pub/sub connection, kept to those the node wants whatever becomes of
 * the commands that change them.
 *
 * <p>Why: an {@code UNSUBSCRIBE} can be lost. Lettuce drops a command that timed out before it was
 * written, and rejects one issued while the link is down; after a reconnect it subscribes again to
 * every channel Redis last confirmed, one whose unsubscribe was lost included. Each left the node
 * subscribed to a room with no local subscriber for the life of the process (issue 13: 14,268
 * channels after one abusive client).
 *
 * <p>How: per channel, whether the node wants it and whether Redis's last confirmation for it (the
 * {@code subscribe} / {@code unsubscribe} replies, which arrive in order on the connection's
 * thread) says subscribed. A channel that is subscribed but not wanted is unsubscribed, and again
 * when that fails while the link is up ({@link #RETRY} later) or when a reconnect confirms it anew.
 * A channel released before its subscribe was confirmed is unsubscribed when the confirmation comes
 * (a subscribe that never reached Redis needs nothing). Every command of a channel is issued inside
 * the update of its entry, so a repeated unsubscribe can never overtake a subscribe issued after it:
 * they reach Redis in the order they were issued.
 *
 * <p>Cost: one map update per subscribe, unsubscribe and confirmation (not per message), and one
 * small entry per channel while it is wanted or subscribed. Thread-safe.
 */
final class ChannelSubscriptions {
    static final Duration RETRY = Duration.ofSeconds(1);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final RedisLinks links;
    private final ScheduledExecutorService timer;
    private final Consumer<String> resubscribed;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param timer        where retries wait; never shut down here
     * @param resubscribed told of a wanted channel that Redis confirmed again while it was subscribed
     *                     already: Lettuce's resubscribe after a reconnect, before the channel's next
     *                     message (on the connection's thread)
     */
    ChannelSubscriptions(RedisLinks links, ScheduledExecutorService timer, Consumer<String> resubscribed) {
        this.links = links;
        this.timer = timer;
        this.resubscribed = resubscribed;
        links.onConfirmation(this::confirmed);
    }

    /** Subscribes; completes when Redis confirmed it. */
    CompletionStage<Void> subscribe(String channel) {
        Sent sent = new Sent();
        channels.compute(channel, (c, s) -> {
            Channel state = s == null ? new Channel() : s;
            state.wanted = true;
            state.unsubscribe = null; // a confirmation from now on may answer this subscribe: no unsubscribe covers it
            sent.command = links.subscribe(c);
            return state;
        });
        return sent.command;
    }

    /**
     * Subscribes again to each wanted channel {@code which} accepts, and again {@link #RETRY} later
     * while that fails and the channel is still wanted: on a Redis Cluster, the subscriptions held on
     * a shard's master are gone when it dies, and Lettuce does not make them on the replica promoted
     * in its place ({@link ShardMasterChanges}). Redis's confirmation, as after a reconnect, tells
     * {@code resubscribed}, and the node reads what it missed.
     */
    void resubscribe(Predicate<String> which) {
        channels.forEach((channel, state) -> {
            if (which.test(channel)) {
                resubscribe(channel);
            }
        });
    }

    private void resubscribe(String channel) {
        Sent sent = new Sent();
        channels.computeIfPresent(channel, (c, state) -> {
            if (state.wanted && !closed) {
                sent.command = links.subscribe(c); // inside the update: ordered with the channel's other commands
            }
            return state;
        });
        if (sent.command != null) {
            sent.command.whenComplete((v, error) -> {
                if (error != null && !closed) {
                    timer.schedule(() -> resubscribe(channel), RETRY.toMillis(), TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    /** Stops retrying; the connection is closed by its owner. */
    void close() {
        closed = true;
    }

    /** Unsubscribes, now or once Redis confirms a subscribe still on its way; completes when the command (if any) did. */
    CompletionStage<Void> unsubscribe(String channel) {
        return update(channel, state -> state.wanted = false);
    }

    /** Redis confirmed a subscribe or an unsubscribe; on the connection's thread. */
    private void confirmed(String channel, boolean subscribed) {
        boolean[] again = {false};
        update(channel, state -> {
            again[0] = subscribed && state.subscribed && state.wanted;
            state.subscribed = subscribed;
        });
        if (again[0]) {
            resubscribed.accept(channel);
        }
    }

    /**
     * Changes a channel's state and unsubscribes it when it is then subscribed, not wanted, and no
     * unsubscribe is on its way; drops the entry once it is neither wanted nor subscribed.
     */
    private CompletionStage<Void> update(String channel, Consumer<Channel> change) {
        Sent sent = new Sent();
        channels.compute(channel, (c, s) -> {
            Channel state = s == null ? new Channel() : s;
            change.accept(state);
            if (state.subscribed && !state.wanted && state.unsubscribe == null) {
                sent.command = links.unsubscribe(c);
                state.unsubscribe = sent.command;
            }
            return state.kept() ? state : null;
        });
        if (sent.command == null) {
            return DONE;
        }
        // Outside the update: a command rejected at once completes here, and this takes the entry again.
        CompletionStage<Void> command = sent.command;
        command.whenComplete((v, error) -> unsubscribed(channel, command, error));
        return command;
    }

    /**
     * An unsubscribe ended. Its confirmation (which follows a success) says what Redis holds; after a
     * failure, one is tried again later while the link is up, and after a reconnect the confirmation
     * of Lettuce's resubscribe brings the channel back here.
     */
    private void unsubscribed(String channel, CompletionStage<Void> command, Throwable error) {
        channels.computeIfPresent(channel, (c, state) -> {
            if (state.unsubscribe == command) {
                state.unsubscribe = null;
            }
            return state.kept() ? state : null;
        });
        if (error != null && links.pubsub().isOpen()) {
            timer.schedule(() -> update(channel, state -> { }), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One channel's state; changed only inside its entry's update. */
    private static final class Channel {
        boolean wanted;
        /** What Redis's last confirmation said (Lettuce subscribes to these again after a reconnect). */
        boolean subscribed;
        /** The unsubscribe on its way, issued after the last subscribe; null when none. */
        CompletionStage<Void> unsubscribe;

        /** Whether the entry is still needed: wanted, subscribed, or an unsubscribe on its way. */
        boolean kept() {
            return wanted || subscribed || unsubscribe != null;
        }
    }

    /** The command issued inside an update, handed out of it. */
    private static final class Sent {
        CompletionStage<Void> command;
    }
}
