package io.wscluster.bus;

import io.wscluster.history.HistoryStore;
import io.wscluster.codec.Message;
import java.util.concurrent.CompletionStage;

/**
 * Delivers messages to every node that has subscribers for them, and only to those.
 *
 * <p><b>Contract.</b> {@link #publish} places a room message in the room's stream (next offset of
 * the current epoch, appended to history) and delivers it, in one atomic step: two publishes to one
 * room are delivered to every node in the order of their offsets. Its future completes only after
 * the message is accepted and stored, so a caller never acknowledges a dropped message; when it
 * fails, its error says what is known: {@code unavailable} when nothing was stored (the backend
 * refused or was never reached), {@code outcome_unknown} when it took the command and did not
 * answer (the message may be stored; a repeat with the same idempotency key finds out).
 *
 * <p>A node receives room and user messages only for what it subscribed to with {@link
 * #subscribeRoom} and {@link #subscribeUser}; broadcasts reach every node. Subscriptions are not
 * counted: the caller subscribes once per room and unsubscribes when its last local subscriber
 * leaves, and the calls for one room or user reach the bus in the order the caller made them. An
 * unsubscribe holds even when its command is lost (a timeout, an outage, a reconnect): the node
 * stops receiving the room, and leaves nothing subscribed behind in the backend.
 *
 * <p><b>Threading.</b> Every method may be called from any thread and never blocks. Futures
 * complete on an unspecified thread. Listener calls follow {@link BusListener}.
 */
public interface Bus extends AutoCloseable {

    /** Starts delivery to {@code listener}. Called once, before anything else. */
    void start(BusListener listener);

    /** How long a publish's idempotency key is remembered: a repeat within it stores nothing and answers the first placement. */
    java.time.Duration IDEMPOTENCY_WINDOW = java.time.Duration.ofMinutes(5);

    /** Places and delivers a room message; completes with the message as placed (epoch, offset). */
    default CompletionStage<Message> publish(Message message) {
        return publish(message, null);
    }

    /**
     * As {@link #publish(Message)}, once per {@code idempotencyKey} (null: no key) and room within
     * {@link #IDEMPOTENCY_WINDOW}: a repeat completes with the message as the first publish placed
     * it, and nothing is stored or delivered again. The caller scopes the key (to its publisher):
     * the bus compares it as given. When the outcome cannot be known (the backend took the command
     * but did not answer), the stage fails with {@link io.wscluster.protocol.ErrorCode#OUTCOME_UNKNOWN};
     * with {@link io.wscluster.protocol.ErrorCode#UNAVAILABLE} only when nothing was stored.
     */
    CompletionStage<Message> publish(Message message, String idempotencyKey);

    /** Delivers a message to every connection of its user, on any node. */
    CompletionStage<Void> send(Message message);

    /** Delivers a message to every connection of the cluster. */
    CompletionStage<Void> broadcast(Message message);

    /** Completes once this node receives the room's messages. */
    CompletionStage<Void> subscribeRoom(String room);

    CompletionStage<Void> unsubscribeRoom(String room);

    /** Completes once this node receives the user's messages. */
    CompletionStage<Void> subscribeUser(String user);

    CompletionStage<Void> unsubscribeUser(String user);

    /** Low-priority messages refused so far because the bus was saturated (0 for a bus that never is). */
    default long droppedLowPriority() {
        return 0;
    }

    /** The history this bus writes to. */
    HistoryStore history();

    /** Stops delivery and releases resources; never throws. */
    @Override
    void close();
}
