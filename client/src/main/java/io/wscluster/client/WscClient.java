package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.protocol.Futures;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A connection to a wscluster that keeps itself alive:
 *
 * <pre>{@code
 * WscClient client = WscClient.connect(ClientOptions.of("ws://127.0.0.1:8000/ws").withToken(jwt));
 * client.subscribe("prices", m -> System.out.println(m.offset() + " " + m.data(Quote.class)));
 * long offset = client.publish("prices", Map.of("EURUSD", 1.08)).toCompletableFuture().join();
 * client.onEvent(e -> log.info("{}", e));
 * client.close();
 * }</pre>
 *
 * <p>What it does for the application: when the connection ends it reconnects, after the delay of
 * a {@code reconnect} frame (and to the URL it names) or with exponential backoff and jitter
 * through its URLs (another one at random after a loss); it asks the token supplier for a token at
 * every connect and renews the token in place before it expires ({@link
 * ClientOptions#withTokenSupplier}); it keeps its session id ({@code ?session=}, for sticky
 * routing) and resubscribes each room with {@code since} the last offset it handed to a handler, so
 * the server replays exactly what it missed; and it drops every room message at or below that
 * offset, so handlers see each message once, in order.
 *
 * <p>Requests made while the client is between connections (or before its first welcome) wait for
 * the next connection, in order, and are sent once its rooms are subscribed again: at most {@link
 * ClientOptions#withMaxHeldRequests} of them (one more fails at once with {@code held_queue_full}),
 * each at most the request timeout (then it fails with {@code timeout}); {@link #close()} fails
 * them with {@code closed}. Requests in flight when a connection ends fail with {@link
 * WscException} code {@code connection_lost} (the server may or may not have acted on them), except
 * publishes, which the client asks again with their idempotency key.
 *
 * <p>When the history no longer reaches back, listeners get {@link ClientEvent.Type#GAP}; so they
 * do when the server dropped messages it held back for a client that read too slowly (a {@code gap}
 * frame, in rooms whose namespace drops rather than disconnects), with the offsets it dropped: the
 * handler goes on with the messages after them, and a later resubscription does not ask for them
 * again. A room the server ends by itself (its grant ended) is dropped, with {@link
 * ClientEvent.Type#UNSUBSCRIBED}.
 *
 * <p>Threading: every handler and listener of one client runs on the one event-loop thread that
 * client is on (clients share a few loops); keep them short and never block in them. Methods are
 * callable from any thread; stages complete on the client's thread.
 */
public final class WscClient implements AutoCloseable {
    /**
     * The event loops all clients of this JVM share (one thread per core, daemon): thousands of
     * clients cost no thread each. Each client stays on one loop, which keeps its state single-threaded.
     */
    private static final EventLoopGroup SHARED = EventLoops.group(0, "wsc-client");

    private final ClientOptions options;
    private final EventLoop loop;
    private final Link link;

    private WscClient(ClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.loop = SHARED.next();
        this.link = new Link(options, loop);
    }

    /**
     * Starts connecting, and keeps connecting; returns at once.
     *
     * @param options where and how
     * @return the client; {@link #connected()} completes at its first welcome
     */
    public static WscClient connect(ClientOptions options) {
        WscClient c = new WscClient(options);
        c.loop.execute(() -> c.link.open(options.urls().get(0)));
        return c;
    }

    /** Returns a stage that completes once the client was first welcomed by a node. */
    public CompletionStage<Void> connected() {
        return link.firstWelcome();
    }

    /** Returns where the client is: connecting, connected, reconnecting or closed. */
    public ClientState state() {
        return link.state;
    }

    /** Returns the node this client is connected to, or was last; null before the first welcome. */
    public String node() {
        return link.node;
    }

    /** Returns the session id the server gave; the client asks for it again on every reconnect. */
    public String sessionId() {
        return link.sessionId;
    }

    /** Returns how many room messages were dropped as duplicates (at or below the last offset handed to a handler). */
    public long duplicatesDropped() {
        return link.duplicatesDropped();
    }

    /**
     * Adds a listener of what happens to the connection.
     *
     * @param listener called on the client's thread
     */
    public void onEvent(Consumer<ClientEvent> listener) {
        link.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Sets the handler of messages sent to this client's user ({@code send}) or to everyone
     * ({@code broadcast}); it replaces the previous one.
     *
     * @param handler called on the client's thread
     */
    public void onDirect(Consumer<DirectMessage> handler) {
        link.direct = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Subscribes to {@code room}; {@code handler} gets every message from now on, once each, in
     * order, also across reconnects, until {@link #unsubscribe}. Made at once when connected, else
     * at the next welcome.
     *
     * @param room    the room
     * @param handler called on the client's thread with each message
     * @return the server's answer; fails with the server's code when it refuses (the room is then
     *         dropped), or with {@code timeout} when no connection made it within the request
     *         timeout (the room stays: it is subscribed at the next welcome)
     */
    public CompletionStage<Subscribed> subscribe(String room, Consumer<RoomMessage> handler) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        loop.execute(() -> link.subscribe(room, handler, reply));
        return reply.thenApply(Replies::subscribed);
    }

    /**
     * Ends the subscription of {@code room}: its handler gets nothing more, and no reconnect
     * subscribes it again.
     *
     * @param room the room
     * @return completes once the server answered, or at once when there is no connection
     */
    public CompletionStage<Void> unsubscribe(String room) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        loop.execute(() -> link.unsubscribe(room, reply));
        return reply.thenApply(r -> null);
    }

    /**
     * Publishes {@code data} to {@code room}. Each publish carries an idempotency key of its own:
     * when the outcome is unknown ({@code outcome_unknown}, the connection lost with the publish in
     * flight, no reply in time) the client asks again with the same key, {@value
     * KeyedPublish#ATTEMPTS} times at most with backoff (held while it reconnects), and gets the
     * first placement back if there was one: a retry never stores the message twice.
     *
     * @param room the room
     * @param data any value the codec writes
     * @return the message's offset once the cluster accepted it; fails with {@code unavailable} only
     *         when the message is certainly not stored, with {@code outcome_unknown} when the
     *         attempts ran out without a certain answer
     */
    public CompletionStage<Long> publish(String room, Object data) {
        Objects.requireNonNull(room, "room");
        ObjectNode f;
        try {
            f = withData(Link.frame("publish").put("room", room).put("idempotency_key", UUID.randomUUID().toString()), data);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return new KeyedPublish(f, link::request, link::closed, loop, options.backoff(), options.requestTimeout().multipliedBy(2))
                .start();
    }

    /**
     * Sends {@code data} to every connection of {@code user}, on any node (the node's {@code
     * client-send} setting must allow it).
     *
     * @param user the user id
     * @param data any value the codec writes
     * @return completes once the cluster accepted it
     */
    public CompletionStage<Void> send(String user, Object data) {
        Objects.requireNonNull(user, "user");
        return call(() -> withData(Link.frame("send").put("user", user), data), r -> null);
    }

    /**
     * Sends {@code data} to every connection of the cluster (the node's {@code client-broadcast}
     * setting must allow it).
     *
     * @param data any value the codec writes
     * @return completes once the cluster accepted it
     */
    public CompletionStage<Void> broadcast(Object data) {
        return call(() -> withData(Link.frame("broadcast"), data), r -> null);
    }

    /**
     * Who is in {@code room}, cluster-wide.
     *
     * @param room the room
     * @return the room's presence
     */
    public CompletionStage<Presence> presence(String room) {
        Objects.requireNonNull(room, "room");
        return call(() -> Link.frame("presence").put("room", room), Replies::presence);
    }

    /**
     * The room's stored messages, oldest first.
     *
     * @param room  the room
     * @param limit how many of the newest at most; 0: all kept
     * @return the messages
     */
    public CompletionStage<History> history(String room, int limit) {
        Objects.requireNonNull(room, "room");
        return call(() -> historyFrame(room, limit), r -> Replies.history(r, options.codec()));
    }

    /**
     * The room's stored messages after {@code offset} of {@code epoch}, oldest first. From another
     * epoch than the room's current one the answer holds the current epoch's messages: compare its
     * {@link History#epoch()}. For instance what a {@link ClientEvent.Type#GAP} event's {@link
     * ClientEvent.Lost} names: since {@code lost.from() - 1}, keeping the messages up to {@code
     * lost.to()}.
     *
     * @param room   the room
     * @param epoch  the epoch of {@code offset}
     * @param offset the last offset not wanted
     * @param limit  how many of the newest at most; 0: all kept
     * @return the messages
     */
    public CompletionStage<History> history(String room, String epoch, long offset, int limit) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(epoch, "epoch");
        return call(() -> {
            ObjectNode f = historyFrame(room, limit);
            f.putObject("since").put("epoch", epoch).put("offset", offset);
            return f;
        }, r -> Replies.history(r, options.codec()));
    }

    private static ObjectNode historyFrame(String room, int limit) {
        ObjectNode f = Link.frame("history").put("room", room);
        if (limit > 0) {
            f.put("limit", limit);
        }
        return f;
    }

    /** Puts {@code data}, as the codec writes it, into {@code f}. */
    private ObjectNode withData(ObjectNode f, Object data) {
        f.putRawValue("data", new RawValue(options.codec().encode(data)));
        return f;
    }

    /** Builds a frame (a failure to is the stage's), sends or holds it on the loop, and reads the reply as {@code as} says. */
    private <T> CompletionStage<T> call(java.util.function.Supplier<ObjectNode> frame, Function<JsonNode, T> as) {
        ObjectNode f;
        try {
            f = frame.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        loop.execute(() -> link.request(f).whenComplete((reply, error) -> {
            if (error != null) {
                done.completeExceptionally(Futures.cause(error));
            } else {
                try {
                    done.complete(as.apply(reply));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        }));
        return done;
    }

    /** Closes the connection for good; requests still held fail with {@code closed}. */
    @Override
    public void close() {
        loop.execute(link::close);
    }
}
