package io.wscluster.client;

import io.wscluster.protocol.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link WscClient} connects.
 *
 * @param urls           WebSocket URLs (nodes, or one gateway), e.g. {@code ws://host:8000/ws}: the first is tried
 *                       first, after a lost connection another one at random
 * @param token          a JWT sent as {@code Authorization: Bearer}, or null for an anonymous connection
 * @param backoff        waits between reconnect attempts (exponential with jitter)
 * @param requestTimeout how long a request (publish, presence, ...) waits for its reply
 * @param keepAlive      after this long without a frame the client pings; after twice as long it
 *                       takes the node for hung and reconnects elsewhere (a frozen node keeps its
 *                       sockets open: only silence tells)
 */
public record ClientOptions(List<String> urls, String token, Backoff backoff, Duration requestTimeout, Duration keepAlive) {
    public ClientOptions {
        urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one URL is needed");
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (keepAlive == null || keepAlive.toMillis() < 10) {
            throw new IllegalArgumentException("keepAlive must be at least 10 ms, got " + keepAlive);
        }
    }

    /** The URLs with defaults: anonymous, {@link Backoff#DEFAULT}, 10-s requests, 5-s keep-alive. */
    public static ClientOptions of(String... urls) {
        return new ClientOptions(List.of(urls), null, Backoff.DEFAULT, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    public ClientOptions withToken(String t) {
        return new ClientOptions(urls, t, backoff, requestTimeout, keepAlive);
    }

    public ClientOptions withBackoff(Backoff b) {
        return new ClientOptions(urls, token, b, requestTimeout, keepAlive);
    }

    public ClientOptions withKeepAlive(Duration d) {
        return new ClientOptions(urls, token, backoff, requestTimeout, d);
    }
}
