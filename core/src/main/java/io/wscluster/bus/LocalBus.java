package io.wscluster.bus;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.wscluster.history.HistoryStore;
import io.wscluster.history.LocalHistory;
import io.wscluster.codec.Message;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The embedded bus: one process is the whole cluster. Publishing places the message in {@link
 * LocalHistory} and hands it to the listener in the same locked step, so offsets and delivery order
 * agree exactly as with Redis. Delivery happens on the publisher's thread; the listener only queues
 * work, so publishing stays cheap.
 *
 * <p>Several nodes in one process (the demo) share one {@link Group}: each has its own
 * {@code LocalBus} with its own subscriptions, and a message reaches every member subscribed to it,
 * as it would reach every subscribed node through Redis. The group expires its history every
 * {@value #EXPIRY_SECONDS} seconds on a scheduler its owner provides.
 */
public final class LocalBus implements Bus {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    static final int EXPIRY_SECONDS = 10;

    private final LocalHistory history;
    private final Group group;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    /** Whether this bus alone uses its group, which it then closes with itself. */
    private final boolean ownsGroup;
    private volatile BusListener listener;

    /**
     * A bus of its own: this process is a cluster of one.
     *
     * @param scheduler expires the history; the node's, never shut down here
     */
    public LocalBus(LocalHistory history, ScheduledExecutorService scheduler) {
        this(new Group(history, scheduler), true);
    }

    private LocalBus(Group group, boolean ownsGroup) {
        this.group = group;
        this.history = group.history;
        this.ownsGroup = ownsGroup;
    }

    @Override
    public void start(BusListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        group.members.add(this);
    }

    @Override
    public CompletionStage<Message> publish(Message message, String idempotencyKey) {
        requireTarget(message, Message.Target.ROOM);
        if (idempotencyKey == null) {
            return CompletableFuture.completedFuture(place(message));
        }
        // Placed inside the key's entry: a repeat racing the first waits for it and answers its placement.
        return CompletableFuture.completedFuture(group.placedByKey.asMap()
                .computeIfAbsent(message.room() + '\u0000' + idempotencyKey, k -> place(message)));
    }

    private Message place(Message message) {
        return history.append(message, placed -> {
            for (LocalBus member : group.members) {
                if (member.rooms.contains(placed.room())) {
                    member.listener.onRoomMessage(placed);
                }
            }
        });
    }

    @Override
    public CompletionStage<Void> send(Message message) {
        requireTarget(message, Message.Target.USER);
        for (LocalBus member : group.members) {
            if (member.users.contains(message.user())) {
                member.listener.onUserMessage(message);
            }
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> broadcast(Message message) {
        requireTarget(message, Message.Target.BROADCAST);
        for (LocalBus member : group.members) {
            member.listener.onBroadcast(message);
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        rooms.add(room);
        return DONE;
    }

    @Override
    public CompletionStage<Void> unsubscribeRoom(String room) {
        rooms.remove(room);
        return DONE;
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        users.add(user);
        return DONE;
    }

    @Override
    public CompletionStage<Void> unsubscribeUser(String user) {
        users.remove(user);
        return DONE;
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public void close() {
        group.members.remove(this);
        if (ownsGroup) {
            group.close();
        }
    }

    /** Nodes of one process sharing rooms, offsets and history. Thread-safe. */
    public static final class Group implements AutoCloseable {
        private final LocalHistory history;
        private final java.util.List<LocalBus> members = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** The placement of each idempotency key (by room) within the window; bounded like the node's other per-key state. */
        private final Cache<String, Message> placedByKey = Caffeine.newBuilder().expireAfterWrite(IDEMPOTENCY_WINDOW)
                .maximumSize(1_000_000).build();
        private final ScheduledFuture<?> expiry;

        /** @param scheduler expires the history every {@value LocalBus#EXPIRY_SECONDS} s; its owner shuts it down */
        public Group(LocalHistory history, ScheduledExecutorService scheduler) {
            this.history = Objects.requireNonNull(history, "history");
            this.expiry = Objects.requireNonNull(scheduler, "scheduler").scheduleWithFixedDelay(
                    () -> history.expire(System.currentTimeMillis()), EXPIRY_SECONDS, EXPIRY_SECONDS, TimeUnit.SECONDS);
        }

        /** A bus for one more node of this group. */
        public LocalBus join() {
            return new LocalBus(this, false);
        }

        /** Stops expiring the history; the members' buses keep working. */
        @Override
        public void close() {
            expiry.cancel(false);
        }
    }

    private static void requireTarget(Message m, Message.Target target) {
        if (m.target() != target) {
            throw new IllegalArgumentException("expected a " + target + " message, got " + m.target());
        }
    }
}
