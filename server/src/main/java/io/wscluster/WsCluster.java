package io.wscluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wscluster.cluster.NodeState;
import io.wscluster.hub.BusBridge;
import io.wscluster.hub.HubHooks;
import io.wscluster.hub.OpHandler;
import io.wscluster.hub.Session;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.Priority;
import io.wscluster.security.Authorizer;
import io.wscluster.security.Principal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * A running wscluster node, and the way to embed one in a Java application:
 *
 * <pre>{@code
 * WsCluster node = WsCluster.builder()
 *         .options(NodeOptions.builder().transport(t -> t.port(8080)).build())
 *         .onConnect(session -> log.info("hello {}", session.userId()))
 *         .authorizePublish((principal, room) -> !room.startsWith("admin:") || "root".equals(principal.userId()))
 *         .op("echo", (session, frame) -> CompletableFuture.completedFuture(frame.get("data")))
 *         .start();
 * node.publish("prices", Map.of("EURUSD", 1.08));
 * node.stop();
 * }</pre>
 *
 * <p>A facade: {@link NodeBootstrap} wires the node's parts and {@link NodeLifecycle} moves it
 * between its states.
 */
public final class WsCluster implements AutoCloseable {
    private final NodeIdentity self;
    private final NodeLifecycle lifecycle;
    private final BusBridge bus;
    private final PrometheusMeterRegistry registry;

    private WsCluster(NodeBootstrap.Node node) {
        this.self = node.self();
        this.lifecycle = node.lifecycle();
        this.bus = node.bus();
        this.registry = node.registry();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String nodeId() {
        return self.id();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return lifecycle.port();
    }

    /** The WebSocket URL clients use to reach this node. */
    public String url() {
        return self.url();
    }

    /** The base HTTP URL of this node's public listener, e.g. {@code http://127.0.0.1:8080}: health, readiness, the page. */
    public String httpUrl() {
        return url().replaceFirst("^ws", "http").replaceFirst("/ws$", "");
    }

    /** The base URL of this node's operator listener, e.g. {@code http://127.0.0.1:9080}: the HTTP API, admin, metrics. */
    public String adminUrl() {
        return self.adminUrl();
    }

    /**
     * The file holding this node's certificate when it serves TLS with {@code tls-self-signed}
     * ({@code <java.io.tmpdir>/wscluster-<user>/<node-id>.pem}), for clients to trust; null otherwise
     * or when it could not be written.
     */
    public Path selfSignedCertFile() {
        return lifecycle.selfSignedCertFile();
    }

    public NodeState state() {
        return self.state();
    }

    public NodeOptions options() {
        return self.options();
    }

    /** This node's meters (Prometheus text at {@code /metrics}). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Publishes {@code data} (any Jackson-serializable value) to a room; completes with its epoch and offset. */
    public CompletionStage<Message> publish(String room, Object data) {
        return bus.publish(Message.toRoom(Names.requireRoom(room), json(data), null, Priority.NORMAL));
    }

    /** Sends {@code data} to every connection of {@code user}, on any node. */
    public CompletionStage<Void> send(String user, Object data) {
        return bus.send(Message.toUser(Names.requireUser(user), json(data), null, Priority.NORMAL));
    }

    /** Sends {@code data} to every connection. */
    public CompletionStage<Void> broadcast(Object data) {
        return bus.broadcast(Message.toAll(json(data), null, Priority.NORMAL));
    }

    private static Payload json(Object data) {
        return Payload.of(data instanceof JsonNode node ? node : Encoding.JSON.mapper().valueToTree(data));
    }

    /**
     * Stops gracefully: {@code /ready} turns 503 and new upgrades are refused, every client gets
     * {@code reconnect} (reason {@code shutdown}) and close 1001, and the node waits for the
     * connections to close, at most the shutdown timeout, before cutting what remains and closing
     * the listener. Idempotent; returns when the node is offline.
     */
    public void stop() {
        lifecycle.stop().toCompletableFuture().join();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Drains the node for a deploy: {@code /ready} turns 503 and new upgrades are refused at once,
     * then the clients are sent to other nodes in paced batches ({@code drain-batch} per event loop
     * every {@code drain-pace}), each with a {@code reconnect} frame naming its new node; when none
     * is left, or at {@code drain-timeout}, the node stops. Idempotent; completes when stopped.
     */
    public CompletionStage<Void> drain() {
        return lifecycle.drain();
    }

    /**
     * Rebalances: sends {@code count} of this node's clients to node {@code to} (the moves of
     * {@code /api/cluster}'s imbalance report), paced as a drain, each with a {@code reconnect} frame
     * (reason {@code rebalance}) naming it. The node stays active.
     *
     * @throws IllegalArgumentException when {@code to} is not a node that takes connections
     */
    public CompletionStage<Void> shed(int count, String to) {
        return lifecycle.shed(count, to);
    }

    /** Completes once the node has stopped (after {@link #stop()} or a drain). */
    public CompletionStage<Void> stopped() {
        return lifecycle.stopped();
    }

    /** Builds and starts a node. */
    public static final class Builder {
        private NodeOptions options = NodeOptions.defaults();
        private final Map<String, OpHandler> ops = new HashMap<>();
        private Consumer<Session> onConnect = s -> { };
        private Consumer<Session> onDisconnect = s -> { };
        private BiPredicate<Principal, String> canSubscribe = (p, r) -> true;
        private BiPredicate<Principal, String> canPublish = (p, r) -> true;
        private EmbeddedCluster embedded;

        private Builder() {
        }

        public Builder options(NodeOptions v) {
            options = Objects.requireNonNull(v, "options");
            return this;
        }

        /**
         * Runs on every new connection before its {@code welcome}, on its event loop (do not block).
         * Throw a {@link io.wscluster.protocol.ProtocolException} to refuse the connection.
         */
        public Builder onConnect(Consumer<Session> v) {
            onConnect = Objects.requireNonNull(v, "onConnect");
            return this;
        }

        /** Runs when a connection has closed, on its event loop (do not block). */
        public Builder onDisconnect(Consumer<Session> v) {
            onDisconnect = Objects.requireNonNull(v, "onDisconnect");
            return this;
        }

        /** Decides subscribe, history and presence requests; must answer from memory. */
        public Builder authorizeSubscribe(BiPredicate<Principal, String> v) {
            canSubscribe = Objects.requireNonNull(v, "authorizeSubscribe");
            return this;
        }

        /** Decides publish requests; must answer from memory. */
        public Builder authorizePublish(BiPredicate<Principal, String> v) {
            canPublish = Objects.requireNonNull(v, "authorizePublish");
            return this;
        }

        /**
         * Makes this node one of several in this process sharing an embedded cluster (used when no
         * Redis is configured; with Redis the nodes meet there instead).
         */
        public Builder embedded(EmbeddedCluster v) {
            embedded = v;
            return this;
        }

        /** Handles an application op {@code name}; the protocol's own ops cannot be replaced. */
        public Builder op(String name, OpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("op name must not be empty");
            }
            if (io.wscluster.codec.FrameParser.isProtocolOp(name)) {
                throw new IllegalArgumentException("op '" + name + "' is part of the protocol and cannot be replaced");
            }
            ops.put(name, handler);
            return this;
        }

        /**
         * Starts the node: binds the port and begins serving.
         *
         * @throws StartupException when it cannot start, with a one-line reason
         */
        public WsCluster start() {
            return new WsCluster(NodeBootstrap.start(this));
        }

        NodeOptions options() {
            return options;
        }

        EmbeddedCluster embedded() {
            return embedded;
        }

        Map<String, OpHandler> ops() {
            return ops;
        }

        Authorizer authorizer() {
            BiPredicate<Principal, String> sub = canSubscribe;
            BiPredicate<Principal, String> pub = canPublish;
            return new Authorizer() {
                @Override
                public boolean canSubscribe(Principal principal, String room) {
                    return sub.test(principal, room);
                }

                @Override
                public boolean canPublish(Principal principal, String room) {
                    return pub.test(principal, room);
                }
            };
        }

        HubHooks hooks() {
            Consumer<Session> connect = onConnect;
            Consumer<Session> disconnect = onDisconnect;
            return new HubHooks() {
                @Override
                public void onConnect(Session session) {
                    connect.accept(session);
                }

                @Override
                public void onDisconnect(Session session) {
                    disconnect.accept(session);
                }
            };
        }
    }
}
