package io.wscluster.security;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys a JWKS URL publishes, by {@code kid}, fetched in the background: at start, every
 * {@code refreshEvery}, and when a token names a key not yet known (a rotation), at most once per
 * {@code minGap}. Lookups never block: a token signed with a key still being fetched is refused and
 * accepted on the client's next attempt. Only RSA and P-256 EC signing keys are kept. The fetching
 * itself is the caller's ({@link Fetch}): this part holds no sockets.
 */
public final class JwksKeys implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
    /** Most keys kept from one document; a JWKS holds a few. */
    static final int MAX_KEYS = 100;
    /** Longest the start waits for the first document. */
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    /** Reads the document at a URL: completes with its body, or fails saying why. */
    @FunctionalInterface
    public interface Fetch {
        CompletionStage<String> get(URI url);
    }

    private final URI url;
    private final Duration minGap;
    private final Fetch http;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile long lastFetchNanos = System.nanoTime() - Long.MAX_VALUE / 2;
    private ScheduledFuture<?> periodic;

    /** The least time between two fetches asked for by tokens naming an unknown key. */
    public static final Duration MIN_GAP = Duration.ofSeconds(10);

    public JwksKeys(URI url, Fetch fetch) {
        this(url, fetch, MIN_GAP);
    }

    JwksKeys(URI url, Fetch fetch, Duration minGap) {
        this.url = url;
        this.minGap = minGap;
        this.http = fetch;
    }

    /**
     * Fetches the keys once, waiting up to 10 s (a node that cannot reach the URL yet
     * starts anyway and refuses tokens until it can), then refreshes every {@code refreshEvery}.
     */
    public JwksKeys start(ScheduledExecutorService scheduler, Duration refreshEvery) {
        try {
            fetch().get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // logged by fetch; the periodic refresh and unknown kids try again
        }
        long every = refreshEvery.toMillis();
        periodic = scheduler.scheduleWithFixedDelay(this::fetch, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The key published under {@code kid}, or null (and a refresh is asked for, within the rate bound). */
    public PublicKey key(String kid) {
        PublicKey key = kid == null ? null : keys.get(kid);
        if (key == null) {
            refreshSoon();
        }
        return key;
    }

    /** How many keys are known now. */
    public int size() {
        return keys.size();
    }

    private void refreshSoon() {
        if (System.nanoTime() - lastFetchNanos >= minGap.toNanos()) {
            fetch();
        }
    }

    CompletableFuture<Void> fetch() {
        if (!fetching.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        lastFetchNanos = System.nanoTime();
        CompletionStage<String> document;
        try {
            document = http.get(url);
        } catch (RuntimeException e) {
            document = CompletableFuture.failedFuture(e);
        }
        return document.thenAccept(body -> keys = parse(body)).toCompletableFuture()
                .whenComplete((ok, error) -> {
                    fetching.set(false);
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        log.warn("JWKS {} could not be read ({}); keeping {} known keys", url, cause.getMessage(), keys.size());
                    }
                });
    }

    /** The signing keys of a JWKS document that carry a {@code kid}. */
    static Map<String, PublicKey> parse(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not a JWK set");
        }
        Map<String, PublicKey> found = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (found.size() == MAX_KEYS) {
                break;
            }
            if (jwk.getKeyID() == null || KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                continue;
            }
            try {
                if (jwk instanceof RSAKey rsa) {
                    found.put(jwk.getKeyID(), rsa.toRSAPublicKey());
                } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                    found.put(jwk.getKeyID(), ec.toECPublicKey());
                }
            } catch (com.nimbusds.jose.JOSEException e) {
                log.warn("JWKS key '{}' is not a usable public key: {}", jwk.getKeyID(), e.getMessage());
            }
        }
        return Map.copyOf(found);
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
