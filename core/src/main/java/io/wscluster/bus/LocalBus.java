package io.wscluster.bus;

import io.wscluster.history.HistoryStore;
import io.wscluster.history.LocalHistory;
import io.wscluster.protocol.Message;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded bus: one process is the whole cluster. Publishing places the message in {@link
 * LocalHistory} and hands it to the listener in the same locked step, so offsets and delivery order
 * agree exactly as with Redis. Delivery happens on the publisher's thread; the listener only queues
 * work, so publishing stays cheap.
 */
public final class LocalBus implements Bus {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final LocalHistory history;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService expiry;
    private volatile BusListener listener;

    public LocalBus(LocalHistory history) {
        this.history = Objects.requireNonNull(history, "history");
        this.expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wsc-local-history-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start(BusListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        expiry.scheduleWithFixedDelay(() -> history.expire(System.currentTimeMillis()), 10, 10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<Message> publish(Message message) {
        requireTarget(message, Message.Target.ROOM);
        BusListener l = listener;
        return CompletableFuture.completedFuture(history.append(message, placed -> {
            if (rooms.contains(placed.room())) {
                l.onRoomMessage(placed);
            }
        }));
    }

    @Override
    public CompletionStage<Void> send(Message message) {
        requireTarget(message, Message.Target.USER);
        if (users.contains(message.user())) {
            listener.onUserMessage(message);
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> broadcast(Message message) {
        requireTarget(message, Message.Target.BROADCAST);
        listener.onBroadcast(message);
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
        expiry.shutdownNow();
    }

    private static void requireTarget(Message m, Message.Target target) {
        if (m.target() != target) {
            throw new IllegalArgumentException("expected a " + target + " message, got " + m.target());
        }
    }
}
