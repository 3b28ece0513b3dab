package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.PresenceStore;
import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.codec.ServerFrames;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.resources.QuietLog;
import io.wscluster.security.PermissionProxy;
import io.wscluster.security.RoomAction;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a client may ask of this node, between the transport and the hub: a session's opening
 * (connect hook, {@code welcome}, resume), each request it sends, and its end. Checks permissions
 * before anything touches the bus; every failure becomes an {@code error} frame and the connection
 * stays open. The transport calls it on the session's event loop.
 */
public final class ClientRequests {
    private static final Logger log = LoggerFactory.getLogger(ClientRequests.class);
    /** A client that provokes the same failure again and again costs one line a minute per kind of failure. */
    private static final QuietLog quiet = new QuietLog(log, Level.ERROR, Duration.ofMinutes(1));

    final Hub hub;
    final BusBridge bridge;
    final Replies replies;
    final PresenceStore presence;
    final SessionRecords records;
    final Permissions permissions;
    final PermissionProxy proxy;
    final ClientBudgets budgets;
    final RoomGrants grants = new RoomGrants(this);
    private final HubHooks hooks;
    private final Map<String, OpHandler> ops;
    private final NodeMetrics metrics;
    private final long pingMillis;

    public ClientRequests(HubConfig config, Hub hub, BusBridge bridge) {
        this.hub = hub;
        this.bridge = bridge;
        this.metrics = config.metrics();
        this.replies = new Replies(metrics);
        this.presence = config.presence();
        this.records = config.records();
        this.permissions = new Permissions(config.rooms(), config.authorizer(), config.tokens());
        this.proxy = config.proxy();
        this.budgets = new ClientBudgets(config.limits(), config.userLimits());
        this.hooks = config.hooks();
        this.ops = config.ops();
        this.pingMillis = config.pingMillis();
    }

    /** The back end asked about connects (by the transport, before the upgrade), subscribes and publishes. */
    public PermissionProxy proxy() {
        return proxy;
    }

    /** What ends rooms whose tokens expired: the transport's periodic sweep calls it. */
    public RoomGrants grants() {
        return grants;
    }

    // ---- a session's life, on its loop ----

    /**
     * Registers a new session on {@code shard}, runs the connect hook and sends {@code welcome}.
     * When the session asked to resume ({@link SessionRecord#RESUME}) its record is looked up first,
     * and when it belongs to the same user the welcome says {@code "resumed": true} and every
     * recorded room is subscribed again from its recorded position: the client gets {@code
     * subscribed} frames and every message it missed, without asking room by room.
     */
    public void open(Session s, HubShard shard) {
        hub.add(s, shard);
        try {
            hooks.onConnect(s);
        } catch (ProtocolException e) {
            replies.fail(s, e);
            s.close(CloseCode.POLICY_VIOLATION, e.getMessage());
            return;
        }
        if (s.userId() != null && hub.addUser(s)) {
            bridge.acquireUser(s.userId(), shard);
        }
        if (s.record() != SessionRecord.RESUME) {
            welcome(s, false, s.record() == SessionRecord.REISSUED ? SessionRecord.REISSUED_WHY : null);
            return;
        }
        Replies.onLoop(s, records.resume(s), (rooms, error) -> {
            if (s.closed) {
                return;
            }
            if (error instanceof ProtocolException refused && refused.code() == ErrorCode.FORBIDDEN) {
                // Another user's session: taking its id would take over its record.
                replies.fail(s, refused);
                s.close(CloseCode.POLICY_VIOLATION, refused.getMessage());
                return;
            }
            if (error != null) {
                log.debug("session {} could not be loaded, starting afresh: {}", s.id(), error.toString());
            }
            welcome(s, rooms != null, null);
            if (rooms != null) {
                rooms.forEach((room, since) -> {
                    try {
                        new SubscribeFlow(this, s, new ClientFrame.Subscribe(0, room, since), true).start();
                    } catch (ProtocolException e) {
                        replies.fail(s, e); // e.g. no subscribe permission any more
                    }
                });
            }
        });
    }

    private void welcome(Session s, boolean resumed, String sessionRefused) {
        s.send(ServerFrames.welcome(s.id(), hub.nodeId(), s.userId(), pingMillis, resumed, sessionRefused));
    }

    /** Forgets a closed session: its subscriptions, presence entries and user registration. */
    public void closed(Session s) {
        if (s.closed) {
            return;
        }
        s.closed = true;
        s.dropBacklog();
        Map<String, StreamPosition> positions = new HashMap<>();
        if (s.subscriptions != null) {
            for (Subscription sub : s.subscriptions.values()) {
                if (sub.live) {
                    positions.put(sub.room, sub.settled()); // one look behind, as the node's positions are
                }
                leaveRoom(sub);
            }
            s.subscriptions = null;
        }
        if (s.userId() != null && hub.removeUser(s)) {
            bridge.releaseUser(s.userId(), s.shard);
        }
        records.closed(s, positions);
        hub.remove(s);
        try {
            hooks.onDisconnect(s);
        } catch (RuntimeException e) {
            log.warn("disconnect hook failed for session {}", s.id(), e);
        }
    }

    /** The connection's socket drained: what was held back for it goes out, while it takes more. On the session's loop. */
    public void writable(Session s) {
        if (!s.closed) {
            s.drainBacklog();
        }
    }

    /** Handles one request; errors become {@code error} frames and the connection stays open. */
    public void onFrame(Session s, ClientFrame frame) {
        onFrame(s, frame, 0);
    }

    /**
     * Handles one request of {@code bytes} bytes on the wire; errors become {@code error} frames and
     * the connection stays open, but for one that goes on writing far over its rate (1008).
     */
    public void onFrame(Session s, ClientFrame frame, int bytes) {
        metrics.messageIn(frame, bytes);
        try {
            budgets.take(s, frame, bytes);
            dispatch(s, frame);
        } catch (ProtocolException e) {
            replies.fail(s, e.withRequestId(frame.id()));
            if (e.code() == ErrorCode.RATE_LIMITED && !ClientBudgets.isWrite(frame)) {
                budgets.refused(s);
            }
        } catch (RuntimeException e) {
            quiet.log(e.getClass().getName(), e, "request {} failed on session {}", frame.getClass().getSimpleName(), s.id());
            replies.fail(s, new ProtocolException(ErrorCode.INTERNAL, "internal error", frame.id()));
        }
    }

    /** Sends an error frame for a request of {@code bytes} bytes that could not even be parsed. */
    public void reject(Session s, ProtocolException e, int bytes) {
        metrics.invalidIn(bytes);
        replies.fail(s, e);
    }

    private void dispatch(Session s, ClientFrame frame) {
        if (frame instanceof ClientFrame.Subscribe f) {
            new SubscribeFlow(this, s, f, false).start();
        } else if (frame instanceof ClientFrame.Unsubscribe f) {
            unsubscribe(s, f);
        } else if (frame instanceof ClientFrame.Publish f) {
            permissions.require(s, RoomAction.PUBLISH, f.room());
            budgets.requireRoomBudget(s, f.room());
            Message m = Message.toRoom(f.room(), Payload.of(f.data()), s.userId(), f.priority());
            String key = idempotencyKey(s, f);
            replies.reply(s, f.id(), proxy.asksOnPublish() ? askThenPublish(s, f, m, key) : bridge.publish(m, key),
                    placed -> ServerFrames.ack(f.id(), placed.offset()));
        } else if (frame instanceof ClientFrame.Send f) {
            permissions.requireSend(s, f.user());
            replies.reply(s, f.id(), bridge.send(Message.toUser(f.user(), Payload.of(f.data()), s.userId(), f.priority())),
                    v -> ServerFrames.ack(f.id(), -1));
        } else if (frame instanceof ClientFrame.Broadcast f) {
            permissions.requireBroadcast(s);
            replies.reply(s, f.id(), bridge.broadcast(Message.toAll(Payload.of(f.data()), s.userId(), f.priority())),
                    v -> ServerFrames.ack(f.id(), -1));
        } else if (frame instanceof ClientFrame.Presence f) {
            permissions.require(s, RoomAction.PRESENCE, f.room());
            if (!permissions.tracksPresence(f.room())) {
                throw ProtocolException.badRequest("presence is not kept for room '" + f.room() + "' (its namespace turns it off)");
            }
            replies.reply(s, f.id(), presence.get(f.room()),
                    p -> ServerFrames.presence(f.id(), f.room(), p.users(), p.connections()));
        } else if (frame instanceof ClientFrame.History f) {
            permissions.require(s, RoomAction.HISTORY, f.room());
            budgets.requireRoomBudget(s, f.room());
            replies.reply(s, f.id(), bridge.history().read(f.room(), f.since(), f.limit()),
                    h -> ServerFrames.history(f.id(), f.room(), h.latest(), h.messages()));
        } else if (frame instanceof ClientFrame.Ping f) {
            s.send(ServerFrames.pong(f.id()));
        } else if (frame instanceof ClientFrame.Refresh f) {
            grants.refresh(s, f);
        } else if (frame instanceof ClientFrame.Custom f) {
            custom(s, f);
        } else {
            throw new IllegalStateException("unhandled frame " + frame);
        }
    }

    /**
     * Asks the back end, then publishes on the session's loop. Questions go out at once; the
     * publishes they allow go to the bus in the session's order, whatever order the answers come in.
     */
    private CompletionStage<Message> askThenPublish(Session s, ClientFrame.Publish f, Message m, String key) {
        CompletionStage<Void> asked = proxy.publish(s.principal(), s.id(), f.room(), f.data());
        CompletableFuture<Void> handed = new CompletableFuture<>();
        CompletionStage<Void> previous = s.publishTurn;
        s.publishTurn = handed;
        return previous.thenCompose(v -> asked).handleAsync((v, error) -> {
            handed.complete(null);
            if (error != null) {
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            return bridge.publish(m, key);
        }, s.shard.executor()).thenCompose(placed -> placed);
    }

    /**
     * The publish's idempotency key scoped to its publisher, so that two clients' keys never meet:
     * the user, or for an anonymous client its session (which it keeps across reconnects); null
     * when the client gave none.
     */
    private static String idempotencyKey(Session s, ClientFrame.Publish f) {
        String key = f.idempotencyKey();
        return key == null ? null : (s.userId() != null ? "u:" + s.userId() : "s:" + s.id()) + ":" + key;
    }

    private void custom(Session s, ClientFrame.Custom f) {
        OpHandler handler = ops.get(f.op());
        if (handler == null) {
            throw ProtocolException.badRequest("unknown op '" + f.op() + "'");
        }
        CompletionStage<JsonNode> result = handler.handle(s, f.frame());
        if (result != null) {
            Replies.answerOnLoop(s, result, (data, error) -> {
                if (error != null) {
                    replies.fail(s, replies.handlerError(error, f.op(), f.id()));
                } else if (data != null) {
                    s.send(ServerFrames.reply(f.id(), data));
                }
            });
        }
    }

    private void unsubscribe(Session s, ClientFrame.Unsubscribe f) {
        Subscription sub = s.subscriptions == null ? null : s.subscriptions.remove(f.room());
        if (sub != null) {
            leaveRoom(sub);
            records.unsubscribed(s, f.room());
        }
        s.send(ServerFrames.unsubscribed(f.id(), f.room()));
    }

    // ---- rooms, for the subscribe flow ----

    /** Adds a pending subscription and makes sure the bus delivers the room here; completes when it does. */
    CompletionStage<Void> joinRoom(Subscription sub) {
        return hub.join(sub) ? bridge.acquireRoom(sub.room, sub.session.shard) : bridge.roomReady(sub.room);
    }

    /** Takes a subscription off its shard (the caller takes it off its session) and its entry out of presence. */
    void leaveRoom(Subscription sub) {
        if (hub.leave(sub)) {
            bridge.releaseRoom(sub.room, sub.session.shard);
        }
        if (sub.live && permissions.tracksPresence(sub.room)) {
            presence.leave(sub.room, hub.presenceKey(sub.session));
        }
    }
}
