package io.wscluster.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wscluster.NodeOptions;
import io.wscluster.WsCluster;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.RoomAccess;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat service embedded in an application: the node is built in code, the application hooks
 * connect and disconnect, decides who may publish where, adds two ops of its own, and publishes
 * from its own code (a clock in room {@code clock}).
 *
 * <p>Run it with {@code mvn -q install -DskipTests && mvn -q -pl examples exec:java}, then open
 * http://127.0.0.1:8090/ and join room {@code clock}.
 */
public final class ChatServer implements AutoCloseable {
    private final WsCluster node;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger online = new AtomicInteger();

    private ChatServer(int port) {
        node = WsCluster.builder()
                // Rooms let anyone publish; the authorizer below narrows that (both must allow).
                .options(NodeOptions.builder().nodeId("chat-1").transport(t -> t.port(port).page(true))
                        .security(s -> s.roomPublish(RoomAccess.ANYONE)).build())
                .onConnect(session -> {
                    if (session.remoteAddress().contains("blocked")) {
                        throw new ProtocolException(ErrorCode.FORBIDDEN, "not welcome here");
                    }
                    online.incrementAndGet();
                })
                .onDisconnect(session -> online.decrementAndGet())
                // Anyone may chat; only the server writes to announce:* rooms and to the clock.
                .authorizePublish((principal, room) -> !room.startsWith("announce:") && !room.equals("clock"))
                .op("echo", (session, frame) -> CompletableFuture.completedFuture(frame.path("data")))
                .op("whoami", (session, frame) -> CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()
                        .put("session", session.id())
                        .put("user", session.userId())
                        .put("online", online.get())))
                .start();
        clock.scheduleAtFixedRate(() -> node.publish("clock", Map.of("now", Instant.now().toString())),
                1, 1, TimeUnit.SECONDS);
    }

    /** Starts the chat service on {@code port} (0 picks a free one). */
    public static ChatServer start(int port) {
        return new ChatServer(port);
    }

    public WsCluster node() {
        return node;
    }

    /** Posts an announcement from application code. */
    public CompletableFuture<Long> announce(String text) {
        return node.publish("announce:all", Map.of("text", text)).toCompletableFuture().thenApply(m -> m.offset());
    }

    @Override
    public void close() {
        clock.shutdownNow();
        node.stop();
    }

    public static void main(String[] args) throws InterruptedException {
        ChatServer chat = start(args.length > 0 ? Integer.parseInt(args[0]) : 8090);
        System.out.println("chat example on " + chat.node().httpUrl() + "/ (Ctrl-C stops it)");
        Runtime.getRuntime().addShutdownHook(new Thread(chat::close));
        Thread.currentThread().join();
    }
}
