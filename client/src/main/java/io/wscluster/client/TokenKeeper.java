package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.protocol.Futures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tokens of one client. Each connect asks the supplier for a token, so that a reconnect never
 * opens with an expired one. While a connection lives, the supplier is asked again before the
 * token's {@code exp} ({@link JwtExpiry#refreshDelayMillis}) and the new token renews the
 * connection in place with {@code refresh}: the node would otherwise close it (1008) when the
 * token expires, and the client would lose its connection for nothing. A refresh that fails (the
 * supplier fails, or the node refuses the token: {@code unauthorized}, {@code forbidden}) is an
 * {@code ERROR} event and is tried again with backoff; the connection keeps the token it has until
 * that expires. A fixed token ({@code withToken}) is never refreshed. Used on the client's event
 * loop only.
 */
final class TokenKeeper {
    private final ClientOptions options;
    private final ScheduledExecutorService loop;
    /** Sends a request on the live connection now, or returns null when there is none. */
    private final Function<ObjectNode, CompletableFuture<JsonNode>> sendNow;
    private final BiConsumer<ClientEvent.Type, String> emit;
    /** Changes at every connection's start and end: a timer or a reply of an earlier one does nothing. */
    private long generation;
    private ScheduledFuture<?> timer;
    private int failures;

    TokenKeeper(ClientOptions options, ScheduledExecutorService loop, Function<ObjectNode, CompletableFuture<JsonNode>> sendNow,
                BiConsumer<ClientEvent.Type, String> emit) {
        this.options = options;
        this.loop = loop;
        this.sendNow = sendNow;
        this.emit = emit;
    }

    /** The token for a new connection: null for anonymous; fails when the supplier does. */
    CompletionStage<String> forConnect() {
        return ask();
    }

    /** A connection opened with {@code token} was welcomed: its refresh is scheduled. */
    void welcomed(String token) {
        cancel();
        failures = 0;
        schedule(token);
    }

    /** The connection ended (or the client closed): no refresh for it. */
    void ended() {
        cancel();
    }

    private void schedule(String token) {
        long exp = JwtExpiry.millis(token);
        if (!options.refreshing() || exp == 0) {
            return;
        }
        long g = generation;
        timer = loop.schedule(() -> refresh(g), JwtExpiry.refreshDelayMillis(exp, System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        generation++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void refresh(long g) {
        ask().whenComplete((token, error) -> loop.execute(() -> {
            if (g != generation) {
                return;
            }
            if (error != null) {
                failed(g, "the token supplier failed: " + Futures.cause(error).getMessage());
                return;
            }
            CompletableFuture<JsonNode> reply = sendNow.apply(JsonNodeFactory.instance.objectNode().put("op", "refresh").put("token", token));
            if (reply == null) {
                return; // between connections: the next connect asks for a token anyway
            }
            reply.whenComplete((refreshed, refused) -> {
                if (g != generation) {
                    return;
                }
                if (refused != null) {
                    failed(g, "refreshing the token failed: " + Futures.cause(refused).getMessage() + "; the current one stands until it expires");
                } else {
                    failures = 0;
                    JsonNode at = refreshed.path("expires_at");
                    emit.accept(ClientEvent.Type.TOKEN_REFRESHED, at.isNumber() ? at.asText() : "none");
                    schedule(token);
                }
            });
        }));
    }

    private void failed(long g, String why) {
        emit.accept(ClientEvent.Type.ERROR, why + "; retrying");
        timer = loop.schedule(() -> refresh(g), options.backoff().delay(failures++).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the supplier; a throw, a failed stage and a null token are all failures. */
    private CompletionStage<String> ask() {
        Supplier<? extends CompletionStage<String>> tokens = options.tokens();
        if (tokens == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<String> stage;
        try {
            stage = tokens.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the token supplier returned no stage"));
        }
        return stage.thenApply(t -> {
            if (t == null) {
                throw new IllegalStateException("the token supplier gave no token");
            }
            return t;
        });
    }
}
