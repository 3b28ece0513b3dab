package io.wscluster.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The requests a node makes to back ends (a JWKS, the permission proxies): each bounded in time,
 * at most {@code maxInFlight} at once (beyond, it fails at once rather than queue), answered only
 * by a 200. Never blocks the caller; completes on the HTTP client's threads.
 */
public final class BackendHttp {
    private final HttpClient http;
    private final Duration timeout;
    private final Semaphore inFlight;

    public BackendHttp(Duration timeout, int maxInFlight) {
        this.timeout = timeout;
        this.inFlight = new Semaphore(maxInFlight);
        // HTTP/1.1: the default asks plain-HTTP servers for an h2c upgrade, which a node's own listener takes for a bad WebSocket upgrade.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The body of {@code url}. */
    public CompletableFuture<String> get(URI url) {
        return send(HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET().build());
    }

    /** The body of {@code url}, asked with {@code Authorization: Bearer <key>} when a key is given. */
    public CompletableFuture<String> get(URI url, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET();
        return send(key == null ? request.build() : request.header("Authorization", "Bearer " + key).build());
    }

    /** The body of the answer to {@code json} posted to {@code url}. */
    public CompletableFuture<String> postJson(URI url, String json) {
        return send(HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private CompletableFuture<String> send(HttpRequest request) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(new BackendException("too many requests to it in flight", false));
        }
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.failedFuture(new BackendException("unreachable", false));
        }
        return sent.handle((response, error) -> {
            inFlight.release();
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                boolean late = cause instanceof java.net.http.HttpTimeoutException;
                throw new BackendException(late ? "no answer within " + timeout.toMillis() + " ms" : "unreachable",
                        late || cause instanceof java.net.ConnectException);
            }
            if (response.statusCode() != 200) {
                throw new BackendException("answered HTTP " + response.statusCode(), true);
            }
            return response.body();
        });
    }

    /** Why a back end gave no usable answer, in a few words for logs and error frames. */
    public static final class BackendException extends RuntimeException {
        private final boolean notServing;

        public BackendException(String message, boolean notServing) {
            super(message, null, false, false);
            this.notServing = notServing;
        }

        /**
         * The back end itself is not serving: it refused the connection, gave no answer in time, or
         * answered other than 200. False when the failure may be this side's (a certificate it does
         * not trust, too many requests in flight).
         */
        public boolean notServing() {
            return notServing;
        }
    }
}
