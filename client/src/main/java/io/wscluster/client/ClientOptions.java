package io.wscluster.client;

import io.wscluster.protocol.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * How a {@link WscClient} connects: immutable, built from {@link #of(String...)} and the {@code
 * with...} methods, each of which returns a copy with one setting changed.
 *
 * <pre>{@code
 * ClientOptions.of("ws://a:8080/ws", "ws://b:8080/ws")
 *         .withTokenSupplier(() -> auth.fetchToken())   // asked at every connect and before expiry
 *         .withRequestTimeout(Duration.ofSeconds(5));
 * }</pre>
 */
public final class ClientOptions {
    /** How many requests wait for a connection at most, by default. */
    public static final int DEFAULT_MAX_HELD_REQUESTS = 1000;

    private final List<String> urls;
    private final Supplier<? extends CompletionStage<String>> tokens;
    private final boolean refreshing;
    private final Backoff backoff;
    private final Duration requestTimeout;
    private final Duration keepAlive;
    private final int maxHeldRequests;
    private final JsonCodec codec;
    private final SSLContext tls;

    private ClientOptions(List<String> urls, Supplier<? extends CompletionStage<String>> tokens, boolean refreshing,
                          Backoff backoff, Duration requestTimeout, Duration keepAlive, int maxHeldRequests, JsonCodec codec,
                          SSLContext tls) {
        this.urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        if (this.urls.isEmpty()) {
            throw new IllegalArgumentException("at least one URL is needed");
        }
        this.tokens = tokens;
        this.refreshing = refreshing;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (requestTimeout == null || requestTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("requestTimeout must be at least 1 ms, got " + requestTimeout);
        }
        this.requestTimeout = requestTimeout;
        if (keepAlive == null || keepAlive.toMillis() < 10) {
            throw new IllegalArgumentException("keepAlive must be at least 10 ms, got " + keepAlive);
        }
        this.keepAlive = keepAlive;
        if (maxHeldRequests < 0) {
            throw new IllegalArgumentException("maxHeldRequests must be 0 or more, got " + maxHeldRequests);
        }
        this.maxHeldRequests = maxHeldRequests;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.tls = tls;
    }

    /**
     * Options with defaults: anonymous, {@link Backoff#DEFAULT}, 10-s requests, 5-s keep-alive, at
     * most {@value #DEFAULT_MAX_HELD_REQUESTS} held requests, {@link JsonCodec#jackson()}.
     *
     * @param urls WebSocket URLs (nodes, or one gateway), e.g. {@code ws://host:8000/ws}: the first
     *             is tried first, after a lost connection another one at random
     * @return the options
     */
    public static ClientOptions of(String... urls) {
        return of(List.of(urls));
    }

    /**
     * As {@link #of(String...)}.
     *
     * @param urls WebSocket URLs, the first tried first
     * @return the options
     */
    public static ClientOptions of(List<String> urls) {
        return new ClientOptions(urls, null, false, Backoff.DEFAULT, Duration.ofSeconds(10), Duration.ofSeconds(5),
                DEFAULT_MAX_HELD_REQUESTS, JsonCodec.jackson(), null);
    }

    /**
     * A fixed token (a JWT), sent as {@code Authorization: Bearer} on every connect and never
     * renewed; replaces a token supplier.
     *
     * @param token the token, or null for anonymous connections
     * @return a copy with that token
     */
    public ClientOptions withToken(String token) {
        Supplier<CompletionStage<String>> fixed = token == null ? null : () -> CompletableFuture.completedFuture(token);
        return new ClientOptions(urls, fixed, false, backoff, requestTimeout, keepAlive, maxHeldRequests, codec, tls);
    }

    /**
     * Where tokens come from, for tokens that expire: asked at every connect (so that no connection
     * opens with an expired token) and, while connected, again before the current token's {@code
     * exp} (at 85% of its remaining life, and at least 5 s before it when it has more than 10 s),
     * the new token then renewing the live connection ({@code refresh}). Replaces a fixed token.
     *
     * @param supplier gives a token (a JWT) for the same user each time; a stage that fails, or
     *                 completes with null, counts as a failed attempt
     * @return a copy with that supplier
     */
    public ClientOptions withTokenSupplier(Supplier<? extends CompletionStage<String>> supplier) {
        return new ClientOptions(urls, Objects.requireNonNull(supplier, "supplier"), true, backoff, requestTimeout, keepAlive,
                maxHeldRequests, codec, tls);
    }

    /**
     * Waits between reconnect attempts (and between refresh and resubscription retries).
     *
     * @param b the backoff
     * @return a copy with that backoff
     */
    public ClientOptions withBackoff(Backoff b) {
        return new ClientOptions(urls, tokens, refreshing, b, requestTimeout, keepAlive, maxHeldRequests, codec, tls);
    }

    /**
     * How long a request waits for its reply once sent, and, apart from that, how long it may wait
     * for a connection while the client is between connections.
     *
     * @param d at least 1 ms
     * @return a copy with that timeout
     */
    public ClientOptions withRequestTimeout(Duration d) {
        return new ClientOptions(urls, tokens, refreshing, backoff, d, keepAlive, maxHeldRequests, codec, tls);
    }

    /**
     * After this long without a frame the client pings; after twice as long it takes the node for
     * hung and reconnects elsewhere (a frozen node keeps its sockets open: only silence tells).
     *
     * @param d at least 10 ms
     * @return a copy with that keep-alive
     */
    public ClientOptions withKeepAlive(Duration d) {
        return new ClientOptions(urls, tokens, refreshing, backoff, requestTimeout, d, maxHeldRequests, codec, tls);
    }

    /**
     * How many requests may wait for a connection while the client is between connections; one
     * more fails at once with {@code held_queue_full}.
     *
     * @param n 0 (requests made between connections fail at once) or more
     * @return a copy with that bound
     */
    public ClientOptions withMaxHeldRequests(int n) {
        return new ClientOptions(urls, tokens, refreshing, backoff, requestTimeout, keepAlive, n, codec, tls);
    }

    /**
     * How application data becomes JSON and back.
     *
     * @param c the codec
     * @return a copy with that codec
     */
    public ClientOptions withCodec(JsonCodec c) {
        return new ClientOptions(urls, tokens, refreshing, backoff, requestTimeout, keepAlive, maxHeldRequests, c, tls);
    }

    /**
     * The TLS context of {@code wss://} connections, for a certificate the JVM's default trust store
     * does not hold (a private CA, a development node's self-signed one). The server's host name is
     * verified against its certificate either way.
     *
     * @param context the context, or null for the JVM's default
     * @return a copy with that context
     */
    public ClientOptions withTls(SSLContext context) {
        return new ClientOptions(urls, tokens, refreshing, backoff, requestTimeout, keepAlive, maxHeldRequests, codec, context);
    }

    /** Returns the WebSocket URLs, the first tried first. */
    public List<String> urls() {
        return urls;
    }

    /** Returns the backoff between reconnect attempts. */
    public Backoff backoff() {
        return backoff;
    }

    /** Returns how long a request waits for its reply, and for a connection. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Returns the silence after which the client pings. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Returns how many requests may wait for a connection. */
    public int maxHeldRequests() {
        return maxHeldRequests;
    }

    /** Returns the codec of application data. */
    public JsonCodec codec() {
        return codec;
    }

    /** Where each connect's token comes from, or null for anonymous connections. */
    Supplier<? extends CompletionStage<String>> tokens() {
        return tokens;
    }

    /** The TLS context of {@code wss://} connections, or null for the JVM's default. */
    SSLContext tls() {
        return tls;
    }

    /** Whether tokens are renewed before they expire (a supplier, not a fixed token). */
    boolean refreshing() {
        return refreshing;
    }
}
