package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.security.RoomAccess;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's publish when the node cannot know its outcome: the node's link to Redis stalls after the
 * command left (a proxy that holds the bytes, then lets them through); the SDK asks again with the
 * publish's idempotency key and the message is stored once, at the offset the SDK reports.
 */
class IdempotentRetryIT {
    private final RedisServer redis = start();
    private final FaultProxy proxy = proxyTo(redis);
    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE))
            .bus(b -> b.redisUrl(proxy.url()).cluster("idem-" + System.nanoTime()).heartbeat(Duration.ofSeconds(3)))).build();
    private WscClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        nodes.close();
        proxy.close();
        redis.stop();
    }

    @Test
    void aPublishWhoseOutcomeWasUnknownIsStoredOnceAfterTheSdksRetry() throws Exception {
        WsCluster node = nodes.start("a");
        client = WscClient.connect(ClientOptions.of(node.url()));
        client.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(client.publish("r", "before").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(1);

        proxy.blackhole();
        CompletableFuture<Long> publish = client.publish("r", "once").toCompletableFuture();
        Thread.sleep(2_500); // the node's command timeout (2 s) passes: its answer is outcome_unknown
        proxy.pass(); // the held command reaches Redis and is stored; the SDK's retry finds it

        assertThat(publish.get(30, TimeUnit.SECONDS)).as("the first placement").isEqualTo(2);
        var history = client.history("r", 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(history.messages()).as("stored once: " + history).hasSize(2);
    }

    private static RedisServer start() {
        try {
            return RedisServer.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static FaultProxy proxyTo(RedisServer redis) {
        try {
            return FaultProxy.to(redis.port());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
