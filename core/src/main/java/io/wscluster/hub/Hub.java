package io.wscluster.hub;

import io.netty.buffer.ByteBufAllocator;
import io.wscluster.bus.Bus;
import io.wscluster.failover.RoomPositions;
import io.wscluster.failover.SessionStore;
import io.wscluster.bus.BusListener;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.PresenceStore;
import io.wscluster.protocol.ClientFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.ServerFrames;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.security.Authorizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's sessions and what they subscribe to, and the bridge between them and the bus.
 *
 * <p>The transport creates one {@link HubShard} per event loop with {@link #newShard}, then calls
 * {@link #open}, {@link #onFrame} and {@link #closed} for each session on that session's loop. The
 * hub subscribes on the bus to a room or user when its first local session needs it and
 * unsubscribes when the last one leaves, so messages cross only to nodes that need them.
 */
public final class Hub implements BusListener {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final String nodeId;
    private final long pingMillis;
    private final Bus bus;
    private final PresenceStore presence;
    private final SessionStore sessions;
    private final Authorizer authorizer;
    private final HubHooks hooks;
    private final Map<String, OpHandler> ops;
    private final NodeMetrics metrics;
    private final ByteBufAllocator alloc;
    private final List<HubShard> shards = new ArrayList<>();
    private final ConcurrentHashMap<String, Interest> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Interest> users = new ConcurrentHashMap<>();
    private volatile HubShard[] shardArray = new HubShard[0];
    private final java.util.concurrent.atomic.AtomicLong connectionSerial = new java.util.concurrent.atomic.AtomicLong();
    private final int recentPerRoom;
    private final long recentBudget;
    /** Frames kept for recovery over every room ({@link RecentFrames}). */
    private final java.util.concurrent.atomic.AtomicLong recentFrames = new java.util.concurrent.atomic.AtomicLong();

    public Hub(HubConfig config) {
        this.nodeId = config.nodeId();
        this.pingMillis = config.pingMillis();
        this.bus = config.bus();
        this.presence = config.presence();
        this.sessions = config.sessions();
        this.authorizer = config.authorizer();
        this.hooks = config.hooks();
        this.ops = Map.copyOf(config.ops());
        this.metrics = config.metrics();
        this.alloc = config.alloc();
        this.recentPerRoom = config.recentPerRoom();
        this.recentBudget = config.recentBudget();
        metrics.gauge(NodeMetrics.ROOMS, "Rooms with local subscribers", rooms, Map::size);
        metrics.gauge(NodeMetrics.RECOVERY_CACHE_FRAMES, "Recent room messages kept to answer subscribes with since",
                recentFrames, java.util.concurrent.atomic.AtomicLong::get);
        bus.start(this);
    }

    /** Creates the shard for one event loop; call once per loop, before any session opens. */
    public synchronized HubShard newShard(Executor executor, BooleanSupplier inExecutor) {
        HubShard shard = new HubShard(shards.size(), executor, inExecutor, metrics);
        shards.add(shard);
        shardArray = shards.toArray(new HubShard[0]);
        return shard;
    }

    public String nodeId() {
        return nodeId;
    }

    public Bus bus() {
        return bus;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    // ---- session lifecycle, on the session's loop ----

    /** Registers a new session on {@code shard}, runs the connect hook and sends {@code welcome}. */
    public void open(Session s, HubShard shard) {
        open(s, shard, SessionRecord.NEW);
    }

    /**
     * Registers a new session; with {@link SessionRecord#RESUME} (the client asked for this session
     * id) the session's record is looked up first, and when it belongs to the same user the welcome
     * says {@code "resumed": true} and every recorded room is subscribed again from its recorded
     * position: the client gets {@code subscribed} frames and every message it missed, without
     * asking room by room. With {@link SessionRecord#OWN_POSITIONS} the session is not recorded.
     */
    public void open(Session s, HubShard shard, SessionRecord record) {
        s.recorded = record != SessionRecord.OWN_POSITIONS;
        boolean resume = record == SessionRecord.RESUME;
        s.serial = connectionSerial.incrementAndGet();
        shard.add(s);
        metrics.connectionOpened();
        try {
            hooks.onConnect(s);
        } catch (ProtocolException e) {
            fail(s, e);
            s.close(CloseCode.POLICY_VIOLATION, e.getMessage());
            return;
        }
        if (s.userId() != null && shard.addUserSession(s)) {
            acquire(users, s.userId(), shard, bus::subscribeUser, false);
        }
        if (!resume) {
            s.send(ServerFrames.welcome(s.id(), nodeId, s.userId(), pingMillis, false));
            return;
        }
        onLoop(s, sessions.load(s.id()), (saved, error) -> {
            if (s.closed) {
                return;
            }
            if (error != null) {
                log.debug("session {} could not be loaded, starting afresh: {}", s.id(), error.toString());
            }
            boolean resumed = saved != null && java.util.Objects.equals(saved.userId(), s.userId());
            s.send(ServerFrames.welcome(s.id(), nodeId, s.userId(), pingMillis, resumed));
            if (resumed) {
                resubscribe(s, saved);
            }
        });
    }

    private void resubscribe(Session s, SessionStore.Saved saved) {
        saved.rooms().forEach((room, since) -> {
            try {
                new SubscribeFlow(this, s, new ClientFrame.Subscribe(0, room, since), true).start();
            } catch (ProtocolException e) {
                fail(s, e); // e.g. no subscribe permission any more
            }
        });
    }

    /** Forgets a closed session: its subscriptions, presence entries and user registration. */
    public void closed(Session s) {
        if (s.closed) {
            return;
        }
        s.closed = true;
        HubShard shard = s.shard;
        Map<String, StreamPosition> drained = new HashMap<>();
        if (s.subscriptions != null) {
            for (Subscription sub : s.subscriptions.values()) {
                if (sub.live) {
                    drained.put(sub.room, sub.settled()); // one look behind, as the node's positions are
                }
                leaveRoom(sub);
            }
            s.subscriptions = null;
        }
        if (s.userId() != null && shard.removeUserSession(s)) {
            release(users, s.userId(), shard, bus::unsubscribeUser);
        }
        if (s.recorded) {
            sessions.closed(s.id(), drained);
        }
        shard.remove(s);
        metrics.connectionClosed();
        try {
            hooks.onDisconnect(s);
        } catch (RuntimeException e) {
            log.warn("disconnect hook failed for session {}", s.id(), e);
        }
    }

    /** Handles one request; errors become {@code error} frames and the connection stays open. */
    public void onFrame(Session s, ClientFrame frame) {
        metrics.messageIn();
        try {
            dispatch(s, frame);
        } catch (ProtocolException e) {
            fail(s, e.withRequestId(frame.id()));
        } catch (RuntimeException e) {
            log.error("request {} failed on session {}", frame.getClass().getSimpleName(), s.id(), e);
            fail(s, new ProtocolException(ErrorCode.INTERNAL, "internal error", frame.id()));
        }
    }

    /** Sends an error frame for a request that could not even be parsed. */
    public void reject(Session s, ProtocolException e) {
        metrics.messageIn();
        fail(s, e);
    }

    private void dispatch(Session s, ClientFrame frame) {
        if (frame instanceof ClientFrame.Subscribe f) {
            new SubscribeFlow(this, s, f).start();
        } else if (frame instanceof ClientFrame.Unsubscribe f) {
            unsubscribe(s, f);
        } else if (frame instanceof ClientFrame.Publish f) {
            requirePublish(s, f.room());
            reply(s, f.id(), publish(Message.toRoom(f.room(), f.data(), s.userId(), f.priority())),
                    placed -> ServerFrames.ack(f.id(), placed.offset()));
        } else if (frame instanceof ClientFrame.Send f) {
            reply(s, f.id(), send(Message.toUser(f.user(), f.data(), s.userId(), f.priority())),
                    v -> ServerFrames.ack(f.id(), -1));
        } else if (frame instanceof ClientFrame.Broadcast f) {
            reply(s, f.id(), broadcast(Message.toAll(f.data(), s.userId(), f.priority())),
                    v -> ServerFrames.ack(f.id(), -1));
        } else if (frame instanceof ClientFrame.Presence f) {
            requireSubscribe(s, f.room());
            reply(s, f.id(), presence.get(f.room()),
                    p -> ServerFrames.presence(f.id(), f.room(), p.users(), p.connections()));
        } else if (frame instanceof ClientFrame.History f) {
            requireSubscribe(s, f.room());
            reply(s, f.id(), bus.history().read(f.room(), f.since(), f.limit()),
                    h -> ServerFrames.history(f.id(), f.room(), h.latest(), h.messages()));
        } else if (frame instanceof ClientFrame.Ping f) {
            s.send(ServerFrames.pong(f.id()));
        } else if (frame instanceof ClientFrame.Custom f) {
            OpHandler handler = ops.get(f.op());
            if (handler == null) {
                throw ProtocolException.badRequest("unknown op '" + f.op() + "'");
            }
            CompletionStage<com.fasterxml.jackson.databind.JsonNode> result = handler.handle(s, f.frame());
            if (result != null) {
                onLoop(s, result, (data, error) -> {
                    if (error != null) {
                        fail(s, handlerError(error, f));
                    } else if (data != null) {
                        s.send(ServerFrames.reply(f.id(), data));
                    }
                });
            }
        } else {
            throw new IllegalStateException("unhandled frame " + frame);
        }
    }

    // ---- publishing, from any thread ----

    /** Publishes to a room; completes with the message as placed, or exceptionally when the bus refused it. */
    public CompletionStage<Message> publish(Message message) {
        return bus.publish(message).thenApply(placed -> {
            metrics.published();
            return placed;
        });
    }

    public CompletionStage<Void> send(Message message) {
        return bus.send(message);
    }

    public CompletionStage<Void> broadcast(Message message) {
        return bus.broadcast(message);
    }

    // ---- bus delivery, on the bus's thread ----

    @Override
    public void onRoomMessage(Message message) {
        Interest interest = rooms.get(message.room());
        if (interest != null) {
            // Kept only once the bus delivers the room here: from then on nothing is missed.
            boolean keep = interest.recent != null && interest.ready.isDone() && !interest.ready.isCompletedExceptionally();
            fanOut(message, interest, keep ? interest.recent : null);
        }
    }

    @Override
    public void onUserMessage(Message message) {
        Interest interest = users.get(message.user());
        if (interest != null) {
            fanOut(message, interest, null);
        }
    }

    @Override
    public void onDeliveryInterrupted() {
        rooms.values().forEach(i -> {
            if (i.recent != null) {
                i.recent.clear();
            }
        });
    }

    @Override
    public void onBroadcast(Message message) {
        HubShard[] all = shardArray;
        SharedFrame frame = new SharedFrame(message, alloc, all.length);
        for (HubShard shard : all) {
            shard.enqueue(frame);
        }
    }

    /** Hands {@code message} to every interested shard, as one shared frame; keeps it in {@code recent} first, if given. */
    private void fanOut(Message message, Interest interest, RecentFrames recent) {
        HubShard[] all = shardArray;
        // One snapshot of the interested shards decides both the reference count and the targets:
        // counting and choosing in two passes could skip a shard when another joins in between.
        HubShard[] targets = new HubShard[all.length];
        int n = 0;
        for (HubShard shard : all) {
            if (interest.on(shard)) {
                targets[n++] = shard;
            }
        }
        if (n == 0) {
            return;
        }
        SharedFrame frame = new SharedFrame(message, alloc, recent == null ? n : n + 1);
        if (recent != null) {
            // Before any shard sees it: a subscriber that reads the recent frames and misses this one
            // has joined its shard already, and gets it live.
            recent.add(frame);
        }
        for (int i = 0; i < n; i++) {
            targets[i].enqueue(frame);
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

    // ---- resume positions ----

    /**
     * Hands the session store, per room, the earliest position this node's live, recorded
     * subscribers are surely at (their bytes left the process; see {@link
     * HubShard#drainedPositions}): where this node's sessions may resume after a crash. One pass
     * over the subscriptions on each shard's loop; call once per period. Completes when handed over.
     */
    public CompletionStage<Void> recordPositions() {
        HubShard[] all = shardArray;
        List<CompletableFuture<Map<String, StreamPosition>>> parts = new ArrayList<>(all.length);
        for (HubShard shard : all) {
            CompletableFuture<Map<String, StreamPosition>> part = new CompletableFuture<>();
            shard.executor().execute(() -> {
                Map<String, StreamPosition> found = new HashMap<>();
                shard.drainedPositions(found);
                part.complete(found);
            });
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenRun(() -> {
            Map<String, StreamPosition> merged = new HashMap<>();
            parts.forEach(p -> p.join().forEach((room, at) -> merged.merge(room, at, RoomPositions::earlier)));
            sessions.positions(merged);
        });
    }

    // ---- subscriptions ----

    /** Adds a pending subscription and makes sure the bus delivers the room here; completes when it does. */
    CompletionStage<Void> joinRoom(Subscription sub) {
        HubShard shard = sub.session.shard;
        sub.session.subscriptionsForUpdate().put(sub.room, sub);
        shard.addMember(sub);
        return acquire(rooms, sub.room, shard, bus::subscribeRoom, true);
    }

    private void unsubscribe(Session s, ClientFrame.Unsubscribe f) {
        Subscription sub = s.subscriptions == null ? null : s.subscriptions.remove(f.room());
        if (sub != null) {
            leaveRoom(sub);
            if (s.recorded) {
                sessions.unsubscribed(s.id(), f.room());
            }
        }
        s.send(ServerFrames.unsubscribed(f.id(), f.room()));
    }

    void leaveRoom(Subscription sub) {
        HubShard shard = sub.session.shard;
        shard.removeMember(sub);
        release(rooms, sub.room, shard, bus::unsubscribeRoom);
        if (sub.live) {
            presence.leave(sub.room, presenceKey(sub.session));
        }
    }

    void requireSubscribe(Session s, String room) {
        if (!authorizer.canSubscribe(s.principal(), room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "no subscribe permission on room '" + room + "'");
        }
    }

    private void requirePublish(Session s, String room) {
        if (!authorizer.canPublish(s.principal(), room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "no publish permission on room '" + room + "'");
        }
    }

    /**
     * A connection's key in presence: unique in the cluster, unlike the session id, which a
     * reconnecting client reuses while its old connection may still be open. Built when needed so
     * an idle connection does not carry it.
     */
    String presenceKey(Session s) {
        return nodeId + "/" + s.serial;
    }

    SessionStore sessions() {
        return sessions;
    }

    PresenceStore presence() {
        return presence;
    }

    /**
     * Counts one more local holder of a room or user on {@code shard}; the first holder on the node
     * subscribes on the bus. Returns when the bus delivers it here.
     */
    private CompletionStage<Void> acquire(ConcurrentHashMap<String, Interest> map, String key, HubShard shard,
                                          java.util.function.Function<String, CompletionStage<Void>> subscribe, boolean room) {
        Interest interest = map.compute(key, (k, existing) -> {
            Interest i = existing != null ? existing : new Interest(shardArray.length,
                    room && recentPerRoom > 0 && recentBudget > 0 ? new RecentFrames(recentPerRoom, recentBudget, recentFrames) : null);
            if (i.total++ == 0) {
                i.ready = subscribe.apply(k).toCompletableFuture();
            }
            i.add(shard, 1);
            return i;
        });
        return interest.ready;
    }

    private void release(ConcurrentHashMap<String, Interest> map, String key, HubShard shard,
                         java.util.function.Function<String, CompletionStage<Void>> unsubscribe) {
        map.computeIfPresent(key, (k, i) -> {
            i.add(shard, -1);
            if (--i.total == 0) {
                unsubscribe.apply(k);
                if (i.recent != null) {
                    i.recent.close();
                }
                return null;
            }
            return i;
        });
    }

    // ---- replies ----

    /** Runs {@code then} on the session's loop when {@code stage} completes: inline when it already has. */
    <T> void onLoop(Session s, CompletionStage<T> stage, java.util.function.BiConsumer<T, Throwable> then) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone() && s.shard.inExecutor()) {
            T value = null;
            Throwable error = null;
            try {
                value = f.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                error = e.getCause() == null ? e : e.getCause();
            }
            then.accept(value, error);
        } else {
            f.whenCompleteAsync((v, e) -> then.accept(v, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e),
                    s.shard.executor());
        }
    }

    private <T> void reply(Session s, long id, CompletionStage<T> stage,
                           java.util.function.Function<T, io.wscluster.protocol.OutboundFrame> ok) {
        onLoop(s, stage, (value, error) -> {
            if (error != null) {
                fail(s, asProtocolError(error, id));
            } else {
                s.send(ok.apply(value));
            }
        });
    }

    void fail(Session s, ProtocolException e) {
        metrics.error(e.code());
        s.send(ServerFrames.error(e));
    }

    /** What the client is told when an application op fails: its own code, else {@code internal} (see {@link OpHandler}). */
    private ProtocolException handlerError(Throwable error, ClientFrame.Custom f) {
        if (error instanceof ProtocolException pe) {
            return pe.withRequestId(f.id());
        }
        log.error("handler of op '{}' failed", f.op(), error);
        return new ProtocolException(ErrorCode.INTERNAL, "internal error", f.id());
    }

    /** Maps a failure to what the client is told: its own code, or {@code unavailable} for a bus failure. */
    ProtocolException asProtocolError(Throwable error, long id) {
        if (error instanceof ProtocolException pe) {
            return pe.withRequestId(id);
        }
        // Debug, not warn: while the bus is down every request fails, and the outage itself is
        // logged once by the bus.
        log.debug("request {} failed: {}", id, error.toString());
        return new ProtocolException(ErrorCode.UNAVAILABLE, "the cluster bus is unavailable; nothing was accepted", id);
    }

    /** Local holders of one room or user, per shard, and the bus subscription they wait on. */
    private static final class Interest {
        final java.util.concurrent.atomic.AtomicIntegerArray perShard;
        /** A room's newest messages, for subscribes with since; null for users, or when kept nowhere. */
        final RecentFrames recent;
        int total;
        CompletableFuture<Void> ready;

        Interest(int shards, RecentFrames recent) {
            perShard = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(shards, 1));
            this.recent = recent;
        }

        void add(HubShard shard, int delta) {
            perShard.addAndGet(shard.index(), delta);
        }

        boolean on(HubShard shard) {
            return shard.index() < perShard.length() && perShard.get(shard.index()) > 0;
        }
    }
}
