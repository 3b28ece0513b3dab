package io.wscluster.hub;

import io.wscluster.bus.Bus;
import io.wscluster.bus.BusListener;
import io.wscluster.bus.LocalBus;
import io.wscluster.history.HistoryRead;
import io.wscluster.history.HistoryStore;
import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A thin wrapper around a real {@link LocalBus}: it records the subscribe and unsubscribe calls, can
 * fail publishes as an unreachable backend would (the future fails, nothing is stored or delivered),
 * and can complete subscriptions and history reads later (on another thread, or when the test
 * says so), as a remote bus does.
 */
final class RecordingBus implements Bus {
    private final LocalBus delegate;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean failPublishes;
    private volatile Executor completeOn;
    private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger historyReads = new java.util.concurrent.atomic.AtomicInteger();

    RecordingBus(LocalBus delegate) {
        this.delegate = delegate;
    }

    /** From now on every publish fails and nothing reaches the real bus. */
    void failPublishes(boolean fail) {
        failPublishes = fail;
    }

    /** From now on subscriptions and history reads complete on {@code executor} (null: at once). */
    void completeOn(Executor executor) {
        completeOn = executor;
    }

    /** From now on subscriptions and history reads wait until {@link #releaseHeld()}. */
    void holdAnswers() {
        completeOn(held::add);
    }

    /** Runs the answers held so far, not those they hold back in turn; returns how many ran. */
    int releaseHeld() {
        int n = held.size();
        for (int i = 0; i < n; i++) {
            held.poll().run();
        }
        return n;
    }

    /** Calls of the history store so far (positions and reads). */
    int historyReads() {
        return historyReads.get();
    }

    /** The subscribe and unsubscribe calls so far, as "subscribeRoom r", "unsubscribeUser u" and so on. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    private <T> CompletionStage<T> later(CompletionStage<T> stage) {
        Executor e = completeOn;
        return e == null ? stage : stage.thenApplyAsync(v -> v, e);
    }

    @Override
    public void start(BusListener listener) {
        delegate.start(listener);
    }

    @Override
    public CompletionStage<Message> publish(Message message, String idempotencyKey) {
        if (failPublishes) {
            return CompletableFuture.failedFuture(new IOException("bus unreachable"));
        }
        return delegate.publish(message, idempotencyKey);
    }

    @Override
    public CompletionStage<Void> send(Message message) {
        return delegate.send(message);
    }

    @Override
    public CompletionStage<Void> broadcast(Message message) {
        return delegate.broadcast(message);
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        calls.add("subscribeRoom " + room);
        return later(delegate.subscribeRoom(room));
    }

    @Override
    public CompletionStage<Void> unsubscribeRoom(String room) {
        calls.add("unsubscribeRoom " + room);
        return delegate.unsubscribeRoom(room);
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        calls.add("subscribeUser " + user);
        return later(delegate.subscribeUser(user));
    }

    @Override
    public CompletionStage<Void> unsubscribeUser(String user) {
        calls.add("unsubscribeUser " + user);
        return delegate.unsubscribeUser(user);
    }

    @Override
    public HistoryStore history() {
        HistoryStore real = delegate.history();
        return new HistoryStore() {
            @Override
            public CompletionStage<StreamPosition> position(String room) {
                historyReads.incrementAndGet();
                return later(real.position(room));
            }

            @Override
            public CompletionStage<HistoryRead> read(String room, StreamPosition since, int limit) {
                historyReads.incrementAndGet();
                return later(real.read(room, since, limit));
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }
}
