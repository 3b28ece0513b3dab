package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.wscluster.protocol.Futures;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The life of one client's connections, on the client's event loop: opens them (with a fresh
 * token), takes the welcome, subscribes the rooms again, then sends the requests held meanwhile;
 * hands each frame to what it concerns; watches for silence; and on an end, plans the next
 * connection. {@link WscClient} is its public face.
 */
final class Link implements Connection.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The codes the client gives itself: not the server's refusal of a subscription. */
    private static final Set<String> OWN_CODES = Set.of("connection_lost", "timeout", "held_queue_full", "closed", "unsubscribed");
    /** The server's answers to a resubscription that asking again cannot change. */
    private static final Set<String> REFUSALS = Set.of("forbidden", "unauthorized", "bad_request", "not_found", "too_large");

    private final ClientOptions options;
    private final EventLoop loop;
    private final Subscriptions subscriptions;
    private final Requests requests;
    private final HeldRequests held;
    private final ReconnectPlan plan;
    private final TokenKeeper tokens;
    private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
    private final Listeners listeners = new Listeners();
    /** Subscriptions asked for that no connection has made yet: completed by the next welcome's. */
    private final Map<String, CompletableFuture<JsonNode>> awaiting = new HashMap<>();
    private final ScheduledFuture<?> watchdog;
    volatile Consumer<DirectMessage> direct = m -> { };
    volatile ClientState state = ClientState.CONNECTING;
    volatile String sessionId;
    volatile String node;
    private Connection connection;
    private String connectionToken;
    private boolean welcomed;
    /** Welcomed, rooms subscribed again, held requests all sent: requests go straight out. */
    private boolean ready;
    /** Resubscriptions of this connection not answered yet; held requests wait for them. */
    private int resubscribing;
    private long lastHeardNanos;

    Link(ClientOptions options, EventLoop loop) {
        this.options = options;
        this.loop = loop;
        this.subscriptions = new Subscriptions(options.codec());
        this.requests = new Requests(loop, options.requestTimeout());
        this.held = new HeldRequests(loop, options.requestTimeout(), options.maxHeldRequests());
        this.plan = new ReconnectPlan(options);
        this.tokens = new TokenKeeper(options, loop, f -> welcomed ? requests.send(f, connection) : null, this::emit);
        long period = Math.max(5, options.keepAlive().toMillis() / 2);
        this.watchdog = loop.scheduleAtFixedRate(this::watch, period, period, TimeUnit.MILLISECONDS);
    }

    CompletableFuture<Void> firstWelcome() {
        return firstWelcome;
    }

    void addListener(Consumer<ClientEvent> listener) {
        listeners.add(listener);
    }

    long duplicatesDropped() {
        return subscriptions.duplicatesDropped();
    }

    // ---- requests, on the loop ----

    /** Sends a request now, or holds it until the next connection is ready; the future of its reply. */
    CompletableFuture<JsonNode> request(ObjectNode f) {
        if (state == ClientState.CLOSED) {
            return CompletableFuture.failedFuture(new WscException("closed", "the client is closed", true));
        }
        return ready ? requests.send(f, connection) : held.hold(f);
    }

    boolean closed() {
        return state == ClientState.CLOSED;
    }

    /** Subscribes {@code room} now, or at the next welcome; {@code done} gets the {@code subscribed} frame. */
    void subscribe(String room, Consumer<RoomMessage> handler, CompletableFuture<JsonNode> done) {
        if (state == ClientState.CLOSED) {
            done.completeExceptionally(new WscException("closed", "the client is closed", true));
            return;
        }
        boolean had = subscriptions.contains(room);
        subscriptions.add(room, handler);
        CompletableFuture<JsonNode> earlier = awaiting.remove(room);
        if (earlier != null) {
            earlier.completeExceptionally(new WscException("bad_request", "subscribed to " + room + " again before this was made", true));
        }
        if (!welcomed) {
            await(room, done);
            return;
        }
        requests.send(frame("subscribe").put("room", room), connection).whenComplete((reply, error) -> {
            String code = code(error);
            if (error == null) {
                done.complete(reply);
            } else if ("connection_lost".equals(code) && subscriptions.contains(room) && state != ClientState.CLOSED) {
                await(room, done); // made at the next welcome
            } else {
                if (!had && code != null && !OWN_CODES.contains(code)) {
                    subscriptions.remove(room); // refused: nothing to subscribe again
                }
                done.completeExceptionally(Futures.cause(error));
            }
        });
    }

    /** Waits for the next welcome's subscription of {@code room}, at most the request timeout (the room stays subscribed). */
    private void await(String room, CompletableFuture<JsonNode> done) {
        awaiting.put(room, done);
        loop.schedule(() -> {
            if (awaiting.remove(room, done)) {
                done.completeExceptionally(new WscException("timeout", "no connection within " + options.requestTimeout()
                        + "; the room is subscribed at the next one", true));
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    void unsubscribe(String room, CompletableFuture<JsonNode> done) {
        subscriptions.remove(room);
        CompletableFuture<JsonNode> waiting = awaiting.remove(room);
        if (waiting != null) {
            waiting.completeExceptionally(new WscException("unsubscribed", "unsubscribed before the subscription was made", true));
        }
        if (welcomed) {
            requests.send(frame("unsubscribe").put("room", room), connection).whenComplete((r, e) -> {
                if (e == null) {
                    done.complete(r);
                } else {
                    done.completeExceptionally(Futures.cause(e));
                }
            });
        } else {
            done.complete(null); // no connection holds it: the next one will not subscribe it
        }
    }

    static ObjectNode frame(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    private static String code(Throwable error) {
        return error != null && Futures.cause(error) instanceof WscException w ? w.code() : null;
    }

    // ---- the connection's life, on the loop ----

    void open(String url) {
        if (state == ClientState.CLOSED) {
            return;
        }
        // The session id keeps sticky routing; resume=false because this client knows its exact
        // positions and resubscribes with since, which the server's record (a period behind) may not.
        String target = sessionId == null ? url
                : url + (url.contains("?") ? "&" : "?") + "session=" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)
                        + "&resume=false";
        plan.opening(url);
        tokens.forConnect().whenComplete((token, error) -> loop.execute(() -> {
            if (state == ClientState.CLOSED) {
                return;
            }
            if (error != null) {
                emit(ClientEvent.Type.ERROR, "the token supplier failed: " + Futures.cause(error).getMessage() + "; retrying");
                reconnectLater();
                return;
            }
            connectionToken = token;
            lastHeardNanos = System.nanoTime(); // the welcome is due within twice the keep-alive
            connection = Connection.open(loop, URI.create(target), token, options.tls(), this);
        }));
    }

    @Override
    public void onOpen(Connection c) {
        // the welcome frame follows
    }

    @Override
    public void onText(Connection c, String text) {
        if (c != connection) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        JsonNode f;
        try {
            f = JSON.readTree(text);
        } catch (Exception e) {
            return;
        }
        switch (f.path("op").asText()) {
            case "welcome" -> welcome(f);
            case "message" -> {
                try {
                    if (f.has("room")) {
                        subscriptions.deliver(f);
                    } else {
                        direct.accept(Replies.direct(f, options.codec()));
                    }
                } catch (RuntimeException e) {
                    // The application's failure is its own: the connection and the room's position go on.
                    emit(ClientEvent.Type.ERROR, "a message handler threw: " + e);
                }
            }
            case "subscribed" -> {
                ClientEvent.Type meaning = subscriptions.subscribed(f);
                if (meaning != null) {
                    emit(meaning, f.path("room").asText());
                }
                requests.replied(f);
            }
            case "gap" -> {
                ClientEvent.Lost lost = subscriptions.gap(f);
                if (lost != null) {
                    emit(ClientEvent.Type.GAP, f.path("room").asText(), lost);
                }
            }
            case "unsubscribed" -> {
                if (f.has("id")) {
                    requests.replied(f); // the answer to this client's own unsubscribe
                } else if (subscriptions.ended(f)) {
                    emit(ClientEvent.Type.UNSUBSCRIBED, f.path("room").asText());
                }
            }
            case "direct_gap" -> emit(ClientEvent.Type.DIRECT_GAP, f.path("of").asText());
            case "reconnect" -> {
                String to = f.hasNonNull("url") ? f.get("url").asText() : null;
                plan.moveRequested(to, f.path("after_ms").asLong(0));
                emit(ClientEvent.Type.MOVE_REQUESTED, f.path("reason").asText() + (to == null ? "" : " to " + to));
            }
            case "error" -> requests.refused(f);
            default -> requests.replied(f);
        }
    }

    private void welcome(JsonNode f) {
        sessionId = f.path("session").asText();
        node = f.path("node").asText();
        plan.welcomed();
        boolean resumed = f.path("resumed").asBoolean(false);
        welcomed = true;
        state = ClientState.CONNECTED;
        tokens.welcomed(connectionToken);
        // No record on the server: subscribe each room again, from where this client is; the held
        // requests follow once each has its answer, so that they meet the rooms in place.
        List<String> rooms = resumed ? List.of() : subscriptions.rooms();
        resubscribing = rooms.size();
        for (String room : rooms) {
            resubscribe(room, connection, 0);
        }
        if (resubscribing == 0) {
            release();
        }
        emit(ClientEvent.Type.CONNECTED, resumed ? "resumed" : "new session");
        firstWelcome.complete(null);
    }

    /** Subscribes {@code room} again with {@code since} its last offset, retrying with backoff while on this connection. */
    private void resubscribe(String room, Connection on, int failures) {
        if (!subscriptions.contains(room) || on != connection || !welcomed) {
            answered(on, failures);
            return;
        }
        requests.send(subscriptions.since(room, frame("subscribe").put("room", room)), on).whenComplete((reply, error) -> {
            if (on != connection) {
                return;
            }
            answered(on, failures);
            CompletableFuture<JsonNode> waiting = awaiting.remove(room);
            String code = code(error);
            if (error == null) {
                if (waiting != null) {
                    waiting.complete(reply);
                }
            } else if (waiting != null && code != null && !OWN_CODES.contains(code)) {
                subscriptions.remove(room); // a first subscription the server refuses is not asked again
                waiting.completeExceptionally(Futures.cause(error));
            } else if (waiting == null && REFUSALS.contains(code)) {
                subscriptions.remove(room); // asking again cannot change this answer (the grant is gone)
                emit(ClientEvent.Type.UNSUBSCRIBED, room);
            } else {
                if (waiting != null) {
                    awaiting.put(room, waiting);
                }
                emit(ClientEvent.Type.ERROR, "resubscribing " + room + " failed: " + error.getMessage() + "; retrying");
                loop.schedule(() -> resubscribe(room, on, failures + 1), options.backoff().delay(failures).toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** One resubscription of connection {@code on} had its first answer; after the last, the held requests go. */
    private void answered(Connection on, int failures) {
        if (failures == 0 && on == connection && welcomed && !ready && --resubscribing == 0) {
            release();
        }
    }

    /** Sends the held requests on this connection; new requests queue behind them until none is left. */
    private void release() {
        Connection on = connection;
        held.drain(f -> on == connection && welcomed ? requests.send(f, on) : null, () -> {
            if (on == connection && welcomed) {
                ready = true;
            }
        });
    }

    @Override
    public void onEnd(Connection c, int code, String reason, Throwable cause) {
        if (c != connection) {
            return;
        }
        connection = null; // a late end of this connection (after a give-up) is ignored
        welcomed = false;
        ready = false;
        tokens.ended();
        requests.connectionLost(code);
        if (state == ClientState.CLOSED) {
            return;
        }
        state = ClientState.RECONNECTING;
        emit(ClientEvent.Type.DISCONNECTED, code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (cause == null ? "" : " " + cause.getMessage()));
        reconnectLater();
    }

    private void reconnectLater() {
        ReconnectPlan.Next next = plan.next();
        loop.schedule(() -> open(next.url()), next.delayMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Pings a quiet connection; gives up on one silent for twice the keep-alive (a hung node), and
     * on one not welcomed within that time (a node or proxy that took the socket and says nothing).
     */
    private void watch() {
        if (connection == null || state == ClientState.CLOSED) {
            return;
        }
        long silent = System.nanoTime() - lastHeardNanos;
        if (silent > 2 * options.keepAlive().toNanos()) {
            emit(ClientEvent.Type.ERROR, (welcomed ? "no frame for " : "no welcome for ") + TimeUnit.NANOSECONDS.toMillis(silent)
                    + " ms: taking the node for hung");
            Connection dead = connection;
            onEnd(dead, 1006, "silent", null);
            dead.close();
        } else if (welcomed && silent > options.keepAlive().toNanos()) {
            connection.send("{\"op\":\"ping\"}");
        }
    }

    void emit(ClientEvent.Type type, String detail) {
        emit(type, detail, null);
    }

    private void emit(ClientEvent.Type type, String detail, ClientEvent.Lost lost) {
        listeners.emit(new ClientEvent(type, node, detail, lost));
    }

    /** Closes for good: held requests and waiting subscriptions fail with {@code closed}. */
    void close() {
        if (state == ClientState.CLOSED) {
            return;
        }
        state = ClientState.CLOSED;
        held.failAll("closed", "the client was closed before the request could be sent");
        for (CompletableFuture<JsonNode> waiting : new ArrayList<>(awaiting.values())) {
            waiting.completeExceptionally(new WscException("closed", "the client was closed before the subscription was made", true));
        }
        awaiting.clear();
        tokens.ended();
        if (connection != null) {
            connection.close();
        }
        watchdog.cancel(false);
        emit(ClientEvent.Type.CLOSED, null);
    }
}
