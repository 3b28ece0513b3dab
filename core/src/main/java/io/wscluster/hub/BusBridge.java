package io.wscluster.hub;

import io.wscluster.bus.Bus;
import io.wscluster.bus.BusListener;
import io.wscluster.history.HistoryStore;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Between the hub and the bus: subscribes on the bus to a room or user while some shard has a
 * local holder of it, hands what the bus delivers to those shards, publishes for the node, and
 * keeps each subscribed room's newest frames for recovery ({@link RecentFrames}). A room's messages
 * pass its {@link RoomStream} first, which hands them on once and in order, reads from history
 * what the bus did not deliver, and tells the subscribers where it cannot.
 *
 * <p>Implementation notes. Interest is kept per shard, not per holder: a shard's first holder of a
 * room calls {@link #acquireRoom}, its last {@link #releaseRoom} (the shard counts its holders),
 * and the node subscribes on the bus when the first shard comes and unsubscribes when the last
 * goes. Those bus calls are made under the lock of the room's {@link Interest}, never inside a map
 * operation: an unsubscribe and the subscribe of a shard that comes right after it reach the bus in
 * that order, because the next interest of the room can only be created once the old one is gone
 * from the map, which happens after its unsubscribe was issued.
 */
public final class BusBridge implements BusListener {
    private final Hub hub;
    private final Bus bus;
    private final NodeMetrics metrics;
    private final ConcurrentHashMap<String, Interest> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Interest> users = new ConcurrentHashMap<>();
    private final int recentPerRoom;
    /** What the recent frames of every room may hold together ({@link RecentFrames}). */
    private final RecentBudget recentBudget;

    /** Starts the bus's delivery to the hub. */
    public BusBridge(HubConfig config, Hub hub) {
        this.hub = hub;
        this.bus = config.bus();
        this.metrics = config.metrics();
        this.recentPerRoom = config.recentPerRoom();
        this.recentBudget = new RecentBudget(config.recentBudget(), config.recentBudgetBytes());
        metrics.gauge(NodeMetrics.ROOMS, "Rooms with local subscribers", rooms, ConcurrentHashMap::size);
        metrics.gauge(NodeMetrics.RECOVERY_CACHE_FRAMES, "Recent room messages kept to answer subscribes with since",
                recentBudget, RecentBudget::frames);
        metrics.gauge(NodeMetrics.RECOVERY_CACHE_BYTES, "Bytes the recent room messages are counted for (estimated from their data)",
                recentBudget, RecentBudget::bytes);
        bus.start(this);
    }

    // ---- publishing, from any thread ----

    /** Publishes to a room; completes with the message as placed, or exceptionally when the bus refused it. */
    public CompletionStage<Message> publish(Message message) {
        return publish(message, null);
    }

    /** As {@link #publish(Message)}, once per scoped idempotency key ({@link io.wscluster.bus.Bus#publish(Message, String)}). */
    public CompletionStage<Message> publish(Message message, String idempotencyKey) {
        long asked = System.nanoTime();
        return bus.publish(message, idempotencyKey).thenApply(placed -> {
            metrics.published();
            metrics.publishAcked(System.nanoTime() - asked);
            return placed;
        });
    }

    public CompletionStage<Void> send(Message message) {
        return bus.send(message);
    }

    public CompletionStage<Void> broadcast(Message message) {
        return bus.broadcast(message);
    }

    HistoryStore history() {
        return bus.history();
    }

    // ---- bus delivery, on the bus's thread ----

    @Override
    public void onRoomMessage(Message message) {
        Interest interest = rooms.get(message.room());
        if (interest != null) {
            interest.stream.arrived(message);
        }
    }

    /** Hands a room's message to its shards ({@link RoomStream.Sink}); {@code next}: it follows the last one. */
    private void fanOut(Interest interest, Message message, boolean next) {
        // Kept only once the bus delivers the room here: from then on nothing is missed.
        CompletableFuture<Void> ready = interest.ready;
        boolean keep = next && interest.recent != null && ready.isDone() && !ready.isCompletedExceptionally();
        hub.fanOut(message, interest.shards, keep ? interest.recent : null);
    }

    private void restarted(Interest interest, String room, StreamPosition at, String reason) {
        metrics.streamRestarted(reason);
        hub.restarted(new StreamRestart(room, at, reason), interest.shards);
    }

    @Override
    public void onUserMessage(Message message) {
        Interest interest = users.get(message.user());
        if (interest != null) {
            hub.fanOut(message, interest.shards, null);
        }
    }

    @Override
    public void onBroadcast(Message message) {
        hub.broadcast(message);
    }

    @Override
    public void onDeliveryInterrupted() {
        rooms.values().forEach(i -> {
            i.stream.interrupted();
            if (i.recent != null) {
                i.recent.clear();
            }
        });
    }

    @Override
    public void onRoomResubscribed(String room) {
        Interest interest = rooms.get(room);
        if (interest != null) {
            interest.stream.resubscribed();
        }
    }

    @Override
    public void onDirectResubscribed(String user, long interruptedAtMillis) {
        DirectGap gap = new DirectGap(user, interruptedAtMillis, System.currentTimeMillis());
        if (user == null) {
            hub.missed(gap, null);
        } else {
            Interest interest = users.get(user);
            if (interest == null) {
                return;
            }
            hub.missed(gap, interest.shards);
        }
        metrics.directGap(gap.of());
    }

    /** A subscriber read the room's position: the node's stream of it starts there if no message came yet. */
    void seen(String room, StreamPosition position) {
        Interest interest = rooms.get(room);
        if (interest != null) {
            interest.stream.seen(position);
        }
    }

    /**
     * The room's recent frames after {@code since} (retained: release them), or only its newest
     * position when {@code since} is null; null when the node does not hold them (then read the
     * history). Counts hits and misses.
     */
    RecentFrames.Hit recent(String room, StreamPosition since) {
        Interest interest = rooms.get(room);
        RecentFrames.Hit hit = interest == null || interest.recent == null ? null : interest.recent.since(since);
        metrics.recoveryCache(hit != null);
        return hit;
    }

    // ---- interest, on the shard's loop ----

    /** {@code shard} has its first holder of {@code room}; completes when the bus delivers the room here. */
    CompletionStage<Void> acquireRoom(String room, HubShard shard) {
        return acquire(rooms, room, shard, bus::subscribeRoom, true);
    }

    /** Completes when the bus delivers {@code room} here; only while the caller's shard holds the room. */
    CompletionStage<Void> roomReady(String room) {
        return rooms.get(room).ready;
    }

    /** {@code shard} lost its last holder of {@code room}. */
    void releaseRoom(String room, HubShard shard) {
        release(rooms, room, shard, bus::unsubscribeRoom);
    }

    void acquireUser(String user, HubShard shard) {
        acquire(users, user, shard, bus::subscribeUser, false);
    }

    void releaseUser(String user, HubShard shard) {
        release(users, user, shard, bus::unsubscribeUser);
    }

    private CompletionStage<Void> acquire(ConcurrentHashMap<String, Interest> map, String key, HubShard shard,
                                          Function<String, CompletionStage<Void>> subscribe, boolean room) {
        while (true) {
            Interest interest = map.computeIfAbsent(key, k -> room ? newRoom(k) : new Interest(hub.shardCount(), null, null));
            CompletionStage<Void> subscribed = null;
            synchronized (interest) {
                if (interest.gone) {
                    continue; // its last shard left meanwhile: take the room's next interest
                }
                if (interest.shards.add(shard)) {
                    subscribed = subscribe.apply(key);
                }
            }
            if (subscribed != null) {
                // Outside the lock: a bus that completes at once runs the waiting subscribes here.
                CompletableFuture<Void> ready = interest.ready;
                subscribed.whenComplete((v, e) -> {
                    if (e != null) {
                        ready.completeExceptionally(e);
                    } else {
                        ready.complete(null);
                    }
                });
            }
            return interest.ready;
        }
    }

    private void release(ConcurrentHashMap<String, Interest> map, String key, HubShard shard,
                         Function<String, CompletionStage<Void>> unsubscribe) {
        Interest interest = map.get(key);
        if (interest == null) {
            return;
        }
        synchronized (interest) {
            if (!interest.shards.remove(shard)) {
                return;
            }
            interest.gone = true;
            unsubscribe.apply(key);
            map.remove(key, interest);
        }
        if (interest.stream != null) {
            interest.stream.close();
        }
        if (interest.recent != null) {
            interest.recent.close();
        }
    }

    private Interest newRoom(String room) {
        RecentFrames recent = recentPerRoom > 0 && recentBudget.keepsAny() ? new RecentFrames(recentPerRoom, recentBudget) : null;
        Interest[] self = new Interest[1];
        RoomStream stream = new RoomStream(room, new RoomStream.Sink() {
            @Override
            public void message(Message m, boolean next) {
                fanOut(self[0], m, next);
            }

            @Override
            public void restarted(StreamPosition at, String reason) {
                BusBridge.this.restarted(self[0], room, at, reason);
            }

            @Override
            public void repairing() {
                metrics.streamRepair();
            }
        }, since -> bus.history().read(room, since, 0));
        self[0] = new Interest(hub.shardCount(), recent, stream);
        return self[0];
    }

    /** The shards holding one room or user, and the bus subscription they wait on. */
    private static final class Interest {
        final ShardSet shards;
        /** A room's newest messages, for subscribes with since; null for users, or when kept nowhere. */
        final RecentFrames recent;
        /** A room's messages in order, holes repaired; null for users. */
        final RoomStream stream;
        /** Completes when the bus delivers the room or user here; one per interest, as it subscribes once. */
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        /** Its last shard left and it is no longer in the map (guarded by this). */
        boolean gone;

        Interest(int shards, RecentFrames recent, RoomStream stream) {
            this.shards = new ShardSet(shards);
            this.recent = recent;
            this.stream = stream;
        }
    }
}
