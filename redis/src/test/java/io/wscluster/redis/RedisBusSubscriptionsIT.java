package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.wscluster.history.HistoryOptions;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a bus leaves subscribed on Redis: exactly the channels its node wants, after subscribes and
 * unsubscribes that overlap in flight and after a pub/sub link that dropped while the node let
 * rooms go (issue 13). Checked with {@code PUBSUB CHANNELS} on a real redis-server.
 */
class RedisBusSubscriptionsIT {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final String ns = SharedRedis.namespace();
    /** A second before each reconnect, so that what the test does after a drop meets a link that is down. */
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> admin;
    private RedisBus sut;
    private final RedisBusIT.Recorder listener = new RedisBusIT.Recorder();

    @BeforeEach
    void start() {
        resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofSeconds(1))).build();
        client = RedisClient.create(resources, redis.url());
        admin = client.connect();
        sut = new RedisBus(client, HistoryOptions.DEFAULT.limits(), BusOptions.builder().cluster(ns).build());
        sut.start(listener);
    }

    @AfterEach
    void stop() {
        sut.close();
        admin.close();
        client.shutdown();
        resources.shutdown();
    }

    @Test
    void subscribesAndUnsubscribesIssuedBackToBackLeaveExactlyTheWantedRooms() {
        Set<String> wanted = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String room = "r" + i;
            // Nothing waits for Redis: each unsubscribe goes out before the subscribe before it is confirmed.
            sut.subscribeRoom(room);
            sut.unsubscribeRoom(room);
            sut.subscribeRoom(room);
            if (i % 2 == 0) {
                sut.unsubscribeRoom(room);
            } else {
                wanted.add(channel(room));
            }
        }
        wanted.add(ns + ":b");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(channels()).isEqualTo(wanted));
    }

    @Test
    void aRoomLetGoWhileThePubSubLinkIsDownIsNotSubscribedAgainByTheReconnect() throws Exception {
        sut.subscribeRoom("gone").toCompletableFuture().get(5, TimeUnit.SECONDS);
        sut.subscribeRoom("kept").toCompletableFuture().get(5, TimeUnit.SECONDS);

        admin.sync().clientKill(KillArgs.Builder.typePubsub());
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.interruptions.get() > 0);
        sut.unsubscribeRoom("gone"); // refused at once: the link is down

        // Lettuce reconnects and subscribes again to what Redis last confirmed, "gone" included.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(channels()).contains(channel("kept")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(channels()).containsExactlyInAnyOrder(channel("kept"), ns + ":b"));
    }

    private String channel(String room) {
        return ns + ":{" + room + "}:c";
    }

    private Set<String> channels() {
        return new HashSet<>(admin.sync().pubsubChannels(ns + ":*"));
    }
}
