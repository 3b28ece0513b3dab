package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Backoff;
import io.wscluster.security.RoomAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token supplier against real nodes that verify HS256 tokens and close a connection whose token
 * expired: short-lived tokens are renewed in place before they expire (the connection outlives
 * them), a failed renewal is an error event and is tried again, a refused one keeps the current
 * token, and a reconnect opens with a fresh token.
 */
class TokenRefreshIT {
    private static final String SECRET = "token-refresh-secret";
    /** Each token lives this long: the node closes its connection (1008) within a second after. */
    private static final Duration LIFE = Duration.ofSeconds(3);

    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(false)
            .roomPublish(RoomAccess.ANYONE)).drain(d -> d.pace(Duration.ofMillis(20)).shutdownTimeout(Duration.ofSeconds(2)))).build();
    private final AtomicInteger asked = new AtomicInteger();
    private final List<ClientEvent> events = new CopyOnWriteArrayList<>();
    private WscClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        nodes.close();
    }

    @Test
    void shortLivedTokensAreRenewedInPlaceAndAReconnectUsesAFreshOne() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        // The second token (the first renewal) fails: an error event, and a retry with backoff.
        connect(ClientOptions.of(a.url(), b.url()).withTokenSupplier(() -> asked.incrementAndGet() == 2
                ? CompletableFuture.failedFuture(new IllegalStateException("auth server down"))
                : CompletableFuture.completedFuture(token("alice", LIFE))));
        Instant firstExpiry = Instant.now().plus(LIFE);

        Thread.sleep(LIFE.toMillis() * 2); // well past the first token's expiry, and the second's
        assertThat(Instant.now()).isAfter(firstExpiry.plusSeconds(2));
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(types()).as("events %s", events).doesNotContain(ClientEvent.Type.DISCONNECTED)
                .contains(ClientEvent.Type.TOKEN_REFRESHED, ClientEvent.Type.ERROR);
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.ERROR).first()
                .satisfies(e -> assertThat(e.detail()).contains("auth server down"));
        assertThat(client.publish("r", "still here").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(1);

        int before = asked.get();
        a.drain().toCompletableFuture().get(10, TimeUnit.SECONDS); // to b, which refuses an expired token with 401
        await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(client.node()) && client.state() == ClientState.CONNECTED);
        assertThat(asked.get()).as("asked again for the new connection").isGreaterThan(before);
    }

    @Test
    void aRefusedRenewalKeepsTheCurrentTokenUntilItExpiresThenTheClientReconnectsWithAGoodOne() throws Exception {
        WsCluster a = nodes.start("a");
        // The first renewal gets another secret's token: the node answers unauthorized.
        connect(ClientOptions.of(a.url()).withTokenSupplier(() -> CompletableFuture.completedFuture(
                asked.incrementAndGet() == 2 ? JWT.create().withSubject("alice").sign(Algorithm.HMAC256("not-the-secret"))
                        : token("alice", asked.get() == 1 ? LIFE : Duration.ofMinutes(10)))));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.type() == ClientEvent.Type.ERROR
                && e.detail().contains("unauthorized")));
        assertThat(client.state()).as("the current token stands").isEqualTo(ClientState.CONNECTED);
        // The retry (or, once the first token expired, the reconnect) gets a good token.
        await().atMost(Duration.ofSeconds(15)).until(() -> client.state() == ClientState.CONNECTED && asked.get() >= 3
                && client.publish("r", "x").toCompletableFuture().get(10, TimeUnit.SECONDS) > 0);
    }

    @Test
    void aRoomTheNextTokenNoLongerGrantsEndsWithAnEventAndIsNotAskedForAgain() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        // The first token grants the nodes' own metrics room; the one for the next connection does not.
        connect(ClientOptions.of(a.url()).withTokenSupplier(() -> CompletableFuture.completedFuture(asked.incrementAndGet() == 1
                ? JWT.create().withSubject("carol").withArrayClaim("rooms", new String[] {"wsc:metrics"})
                        .withExpiresAt(Instant.now().plus(Duration.ofMinutes(10))).sign(Algorithm.HMAC256(SECRET))
                : token("carol", Duration.ofMinutes(10)))));
        List<String> handled = new CopyOnWriteArrayList<>();
        client.subscribe("wsc:metrics", m -> {
            handled.add(m.data());
            throw new IllegalStateException("an application bug");
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() >= 2);
        assertThat(client.state()).as("a throwing handler does not cost the connection").isEqualTo(ClientState.CONNECTED);
        assertThat(events).anySatisfy(e -> assertThat(e.detail()).contains("an application bug"));

        a.drain().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.type() == ClientEvent.Type.UNSUBSCRIBED
                && "wsc:metrics".equals(e.detail())));
        assertThat(client.node()).isEqualTo("b");
        Thread.sleep(1000);
        assertThat(events).as("not asked for again").noneMatch(e -> e.detail() != null && e.detail().startsWith("resubscribing"));
    }

    private void connect(ClientOptions options) throws Exception {
        client = WscClient.connect(options.withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 2)));
        client.onEvent(events::add);
        client.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private List<ClientEvent.Type> types() {
        return events.stream().map(ClientEvent::type).toList();
    }

    private static String token(String user, Duration life) {
        return JWT.create().withSubject(user).withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plus(life))
                .withJWTId(java.util.UUID.randomUUID().toString()).sign(Algorithm.HMAC256(SECRET));
    }
}
