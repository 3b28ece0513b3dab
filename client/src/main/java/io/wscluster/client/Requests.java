package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Request correlation for one client: gives each request an id, keeps the future of its reply until
 * a frame with that id answers, fails it with {@code timeout} after the request timeout, and fails
 * every request still waiting with {@code connection_lost} when the connection ends. Ids keep
 * counting across connections. Used on the client's event loop only.
 */
final class Requests {
    private final EventLoop loop;
    private final Duration timeout;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new HashMap<>();
    private long nextId = 1;

    Requests(EventLoop loop, Duration timeout) {
        this.loop = loop;
        this.timeout = timeout;
    }

    /** Puts the next id into {@code frame}, sends it on {@code connection}, and returns the future of its reply. */
    CompletableFuture<JsonNode> send(ObjectNode frame, Connection connection) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        long id = nextId++;
        frame.put("id", id);
        pending.put(id, reply);
        connection.send(frame.toString());
        loop.schedule(() -> {
            CompletableFuture<JsonNode> late = pending.remove(id);
            if (late != null) {
                late.completeExceptionally(new WscException("timeout", "no reply within " + timeout));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return reply;
    }

    /** Completes the waiting request whose id {@code frame} carries, if any. */
    void replied(JsonNode frame) {
        if (frame.has("id")) {
            CompletableFuture<JsonNode> r = pending.remove(frame.get("id").asLong());
            if (r != null) {
                r.complete(frame);
            }
        }
    }

    /** Fails the waiting request an {@code error} frame answers, with the frame's code and message. */
    void refused(JsonNode error) {
        CompletableFuture<JsonNode> r = error.has("id") ? pending.remove(error.get("id").asLong()) : null;
        if (r != null) {
            r.completeExceptionally(new WscException(error.path("code").asText(), error.path("message").asText()));
        }
    }

    /** The connection ended with close {@code code}: no reply can come, whatever the server did with the requests. */
    void connectionLost(int code) {
        pending.values().forEach(r -> r.completeExceptionally(new WscException("connection_lost",
                "the connection ended before the reply (" + code + "); the request may or may not have been accepted")));
        pending.clear();
    }
}
