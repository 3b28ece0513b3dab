package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.wscluster.eventloops.EventLoops;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A connection to a wscluster that keeps itself alive:
 *
 * <pre>{@code
 * WscClient client = WscClient.connect(ClientOptions.of("ws://127.0.0.1:8000/ws").withToken(jwt));
 * client.subscribe("prices", m -> System.out.println(m.offset() + " " + m.data()));
 * long offset = client.publish("prices", Map.of("EURUSD", 1.08)).toCompletableFuture().join();
 * client.onEvent(e -> log.info("{}", e));
 * client.close();
 * }</pre>
 *
 * <p>What it does for the application: when the connection ends it reconnects, after the delay of
 * a {@code reconnect} frame (and to the URL it names) or with exponential backoff and jitter
 * through its URLs; it keeps its session id ({@code ?session=}, for sticky routing) and resubscribes
 * each room with {@code since} the last offset it handed to a handler, so the server replays exactly
 * what it missed; and it drops every room message at or below the
 * last offset it handed to a handler, so handlers see each message once, in order. Requests in
 * flight when a connection ends fail with {@link WscException} code {@code connection_lost} (the
 * server may or may not have accepted them). When the history no longer reaches back, listeners get
 * {@link ClientEvent.Type#GAP}; so they do when the server dropped messages it held back for a
 * client that read too slowly (a {@code gap} frame, in rooms whose namespace drops rather than
 * disconnects), with the offsets it dropped: the handler goes on with the messages after them, and
 * a later resubscription does not ask for them again. A room the server ends by itself (its grant
 * ended) is dropped, with {@link ClientEvent.Type#UNSUBSCRIBED}.
 *
 * <p>Threading: every handler and listener of one client runs on the one event-loop thread that
 * client is on (clients share a few loops); keep them short and never block in them. Methods are
 * callable from any thread.
 */
public final class WscClient implements AutoCloseable, Connection.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The event loops all clients of this JVM share (one thread per core, daemon): thousands of
     * clients cost no thread each. Each client stays on one loop, which keeps its state single-threaded.
     */
    private static final EventLoopGroup SHARED = EventLoops.group(0, "wsc-client");

    private final ClientOptions options;
    private final EventLoop loop = SHARED.next();
    private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
    private final Subscriptions subscriptions = new Subscriptions();
    private final Requests requests;
    private final ReconnectPlan plan;
    private final CopyOnWriteArrayList<Consumer<ClientEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<JsonNode> direct = m -> { };
    private volatile ClientState state = ClientState.CONNECTING;
    private Connection connection;
    private boolean welcomed;
    private String sessionId;
    private String node;
    private long lastHeardNanos;
    private final ScheduledFuture<?> watchdog;

    private WscClient(ClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.requests = new Requests(loop, options.requestTimeout());
        this.plan = new ReconnectPlan(options);
        long period = Math.max(5, options.keepAlive().toMillis() / 2);
        this.watchdog = loop.scheduleAtFixedRate(this::watch, period, period, TimeUnit.MILLISECONDS);
    }

    /** Pings a quiet connection; gives up on one silent for twice the keep-alive (a hung node). */
    private void watch() {
        if (!welcomed || state == ClientState.CLOSED) {
            return;
        }
        long silent = System.nanoTime() - lastHeardNanos;
        if (silent > 2 * options.keepAlive().toNanos()) {
            emit(ClientEvent.Type.ERROR, "no frame for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms: taking the node for hung");
            Connection dead = connection;
            onEnd(dead, 1006, "silent", null);
            dead.close();
        } else if (silent > options.keepAlive().toNanos()) {
            connection.send("{\"op\":\"ping\"}");
        }
    }

    /** Connects (and keeps reconnecting); the stage completes at the first welcome. */
    public static WscClient connect(ClientOptions options) {
        WscClient c = new WscClient(options);
        c.loop.execute(() -> c.open(options.urls().get(0)));
        return c;
    }

    /** Completes once the client was first welcomed by a node. */
    public CompletionStage<Void> connected() {
        return firstWelcome;
    }

    public ClientState state() {
        return state;
    }

    /** The node this client is connected to, or was last. */
    public String node() {
        return node;
    }

    /** The session id the server gave; the client asks for it again on every reconnect. */
    public String sessionId() {
        return sessionId;
    }

    /** Room messages dropped as duplicates (at or below the last offset handed to a handler). */
    public long duplicatesDropped() {
        return subscriptions.duplicatesDropped();
    }

    public void onEvent(Consumer<ClientEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Messages sent to this user ({@code send}) or to everyone ({@code broadcast}), as the server's frames. */
    public void onDirect(Consumer<JsonNode> handler) {
        direct = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Subscribes to {@code room}; {@code handler} gets every message from now on, once each, also
     * across reconnects. Completes with the server's {@code subscribed} frame, or with null when
     * the client is between connections (the subscription is then made at the next welcome).
     */
    public CompletionStage<JsonNode> subscribe(String room, Consumer<RoomMessage> handler) {
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        loop.execute(() -> {
            subscriptions.add(room, handler);
            request(frame("subscribe").put("room", room)).whenComplete((r, e) -> complete(done, r, e));
        });
        return done;
    }

    public CompletionStage<JsonNode> unsubscribe(String room) {
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        loop.execute(() -> {
            subscriptions.remove(room);
            request(frame("unsubscribe").put("room", room)).whenComplete((r, e) -> complete(done, r, e));
        });
        return done;
    }

    /**
     * Publishes {@code data} (any Jackson-serializable value); completes with its offset once the
     * cluster accepted it. Each publish carries an idempotency key of its own: when the outcome is
     * unknown ({@code outcome_unknown}, the connection lost with the publish in flight, no reply in
     * time) the client asks again with the same key, {@value KeyedPublish#ATTEMPTS} times at most
     * with backoff and waiting for a connection while it reconnects, and gets the first placement
     * back if there was one: a retry never stores the message twice. It fails with {@code
     * unavailable} only when the message is certainly not stored, and with {@code outcome_unknown}
     * when the attempts run out without a certain answer.
     */
    public CompletionStage<Long> publish(String room, Object data) {
        ObjectNode f = frame("publish").put("room", room).put("idempotency_key", java.util.UUID.randomUUID().toString());
        f.set("data", JSON.valueToTree(data));
        return new KeyedPublish(f, this::request, () -> welcomed, () -> state == ClientState.CLOSED, loop, options.backoff(),
                options.requestTimeout().multipliedBy(2)).start();
    }

    /** Sends {@code data} to every connection of {@code user}. */
    public CompletionStage<Void> send(String user, Object data) {
        return call(frame("send").put("user", user).set("data", JSON.valueToTree(data))).thenApply(ack -> null);
    }

    /** The room's presence frame: {@code users} and {@code connections}, cluster-wide. */
    public CompletionStage<JsonNode> presence(String room) {
        return call(frame("presence").put("room", room));
    }

    /** The room's {@code limit} newest stored messages (0: all kept), as the server's {@code history} frame. */
    public CompletionStage<JsonNode> history(String room, int limit) {
        return call(historyFrame(room, limit));
    }

    /**
     * The room's stored messages after {@code offset} of {@code epoch} ({@code limit} newest of them;
     * 0: all kept), as the server's {@code history} frame, oldest first. From another epoch than the
     * room's current one the reply holds the current epoch's messages: compare its {@code epoch}.
     * For instance what a {@link ClientEvent.Type#GAP} event's {@link ClientEvent.Lost} names: since
     * {@code lost.from() - 1}, keeping the messages up to {@code lost.to()}.
     */
    public CompletionStage<JsonNode> history(String room, String epoch, long offset, int limit) {
        Objects.requireNonNull(epoch, "epoch");
        ObjectNode f = historyFrame(room, limit);
        f.putObject("since").put("epoch", epoch).put("offset", offset);
        return call(f);
    }

    private static ObjectNode historyFrame(String room, int limit) {
        ObjectNode f = frame("history").put("room", room);
        if (limit > 0) {
            f.put("limit", limit);
        }
        return f;
    }

    private CompletionStage<JsonNode> call(ObjectNode f) {
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        loop.execute(() -> request(f).whenComplete((r, e) -> complete(done, r, e)));
        return done;
    }

    private static <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
        if (error != null) {
            f.completeExceptionally(error);
        } else {
            f.complete(value);
        }
    }

    /** On the loop: sends a request with an id and returns the future of its reply. */
    private CompletableFuture<JsonNode> request(ObjectNode f) {
        if (state == ClientState.CLOSED) {
            return CompletableFuture.failedFuture(new WscException("closed", "the client is closed"));
        }
        if (!welcomed) {
            // Subscriptions are made at the next welcome; other requests need a connection now.
            if (f.path("op").asText().equals("subscribe") || f.path("op").asText().equals("unsubscribe")) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.failedFuture(new WscException("connection_lost", "not connected; retry once reconnected"));
        }
        return requests.send(f, connection);
    }

    private static ObjectNode frame(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    // ---- the connection's life, on the loop ----

    private void open(String url) {
        if (state == ClientState.CLOSED) {
            return;
        }
        // The session id keeps sticky routing; resume=false because this client knows its exact
        // positions and resubscribes with since, which the server's record (a period behind) may not.
        String target = sessionId == null ? url
                : url + (url.contains("?") ? "&" : "?") + "session=" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)
                        + "&resume=false";
        plan.opening(url);
        connection = Connection.open(loop, URI.create(target), options.token(), this);
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
                if (f.has("room")) {
                    subscriptions.deliver(f);
                } else {
                    direct.accept(f);
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
        if (!resumed) {
            // No record on the server: subscribe each room again, from where this client is.
            for (String room : subscriptions.rooms()) {
                resubscribe(room, connection, 0);
            }
        }
        emit(ClientEvent.Type.CONNECTED, resumed ? "resumed" : "new session");
        firstWelcome.complete(null);
    }

    /** Subscribes {@code room} again with {@code since} its last offset, retrying with backoff while on this connection. */
    private void resubscribe(String room, Connection on, int failures) {
        if (!subscriptions.contains(room) || on != connection || !welcomed) {
            return;
        }
        request(subscriptions.since(room, frame("subscribe").put("room", room))).whenComplete((reply, error) -> {
            if (error != null && on == connection) {
                emit(ClientEvent.Type.ERROR, "resubscribing " + room + " failed: " + error.getMessage() + "; retrying");
                loop.schedule(() -> resubscribe(room, on, failures + 1), options.backoff().delay(failures).toMillis(),
                        TimeUnit.MILLISECONDS);
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
        requests.connectionLost(code);
        if (state == ClientState.CLOSED) {
            return;
        }
        state = ClientState.RECONNECTING;
        emit(ClientEvent.Type.DISCONNECTED, code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (cause == null ? "" : " " + cause.getMessage()));
        ReconnectPlan.Next next = plan.next();
        loop.schedule(() -> open(next.url()), next.delayMillis(), TimeUnit.MILLISECONDS);
    }

    private void emit(ClientEvent.Type type, String detail) {
        emit(type, detail, null);
    }

    private void emit(ClientEvent.Type type, String detail, ClientEvent.Lost lost) {
        ClientEvent e = new ClientEvent(type, node, detail, lost);
        for (Consumer<ClientEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException x) {
                // a listener's failure is its own
            }
        }
    }

    /** Closes the connection for good. */
    @Override
    public void close() {
        loop.execute(() -> {
            state = ClientState.CLOSED;
            if (connection != null) {
                connection.close();
            }
            watchdog.cancel(false);
            emit(ClientEvent.Type.CLOSED, null);
        });
    }
}
