package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.api.sync.RedisCommands;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.security.ClientLimits;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, bounded Redis use per client: one connection with the default limits, publishing large
 * messages into new rooms far faster than it may and then subscribing to and leaving new rooms as
 * fast as it can, makes Redis hold no more than its limits allow, by the worst-case figures of
 * docs/security.md ("Limits on one connection"): what it published, at most 1.25 times over once
 * stored, and 5 KiB for each room it used. A real node on a real redis-server.
 */
class AbusivePublisherIT {
    private static final int MESSAGE_BYTES = 60_000;
    private static final Duration PUBLISHING = Duration.ofSeconds(6);
    /** Four times the default byte rate: far over it, yet refused less than ten times its rate, so the connection stays. */
    private static final long PAUSE_MILLIS = 1000L * MESSAGE_BYTES / (4L * ClientLimits.DEFAULT_PUBLISH_BYTES_RATE);
    private static final int SUBSCRIBE_FLOOD = 1_500;
    private static final long SUBSCRIBE_IDS = 100_000;
    private static final long UNSUBSCRIBE_IDS = 200_000;
    /** What docs/security.md allows per room used: its position, its stream's first node, with a 200-character name. */
    private static final long ROOM_BYTES = 5 * 1024;
    /** Stored messages weigh at most this much more than their bytes (allocator size classes, entry headers). */
    private static final double STORED_OVER_SENT = 1.25;
    /** What else Redis may gain meanwhile: the node's own keys, scripts, buffers. */
    private static final long SLACK = 1 << 20;

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    private final String ns = SharedRedis.namespace();
    private WsCluster node;
    private RedisCommands<String, String> raw;

    @BeforeEach
    void start() {
        // The fixture lifts client limits for tests of delivery; this test puts the defaults back.
        node = fixture.cluster(b -> b.options(o -> o.security(s -> s.clientPublishRate(ClientLimits.DEFAULT_PUBLISH_RATE)
                .clientPublishBytes(ClientLimits.DEFAULT_PUBLISH_BYTES_RATE).clientRoomsPerMinute(ClientLimits.DEFAULT_ROOMS_PER_MINUTE))
                .bus(bus -> bus.redisUrl(redis.url()).cluster(ns)))).start("n1");
        raw = RedisInspector.open(redis);
    }

    @Test
    void anAbusivePublisherMakesRedisHoldNoMoreThanItsLimitsAllow() throws Exception {
        TestClient abuser = fixture.connect(node.url());
        abuser.next("welcome");
        long before = usedMemory();

        String data = "x".repeat(MESSAGE_BYTES);
        long started = System.nanoTime();
        int acked = 0;
        int limited = 0;
        for (int i = 0; System.nanoTime() - started < PUBLISHING.toNanos(); i++) {
            JsonNode reply = abuser.request(abuser.frame("publish").put("room", room("pub", i)).put("data", data));
            if (reply.path("op").asText().equals("ack")) {
                acked++;
            } else {
                assertThat(reply.path("code").asText()).as(reply.toString()).isEqualTo("rate_limited");
                limited++;
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long allowedBytes = 2L * ClientLimits.DEFAULT_PUBLISH_BYTES_RATE + (long) (seconds * ClientLimits.DEFAULT_PUBLISH_BYTES_RATE);
        assertThat((long) acked * MESSAGE_BYTES).as("bytes published in %.1f s", seconds).isLessThanOrEqualTo(allowedBytes);
        assertThat(limited).as("refused").isPositive();

        int subscribed = subscribeAndLeave(abuser);
        assertThat(acked + subscribed).as("rooms used within the minute").isLessThanOrEqualTo(ClientLimits.DEFAULT_ROOMS_PER_MINUTE);
        assertThat(abuser.awaitClose(Duration.ofSeconds(5)).code()).as("closed for asking on after 100 refusals in a second")
                .isIn(1008, 1006);

        long grown = usedMemory() - before;
        long bound = (long) (STORED_OVER_SENT * acked * MESSAGE_BYTES) + ClientLimits.DEFAULT_ROOMS_PER_MINUTE * ROOM_BYTES + SLACK;
        assertThat(grown).as("Redis grew by %d bytes; %d messages of %d bytes and %d rooms", grown, acked, MESSAGE_BYTES,
                ClientLimits.DEFAULT_ROOMS_PER_MINUTE).isLessThanOrEqualTo(bound);
    }

    /**
     * Subscribes to and leaves new rooms, all sent at once; returns how many subscribes were let
     * through. Those get no answer (their unsubscribe overtakes them); refused ones get an error
     * before their unsubscribe's answer, as requests are handled in order. The node closes the
     * connection once it has refused more than 100 in a second: the rest are never handled, and
     * answers still in flight may be lost to the reset of a socket closed with the flood unread,
     * so what this returns is what the client saw.
     */
    private static int subscribeAndLeave(TestClient c) {
        List<JsonNode> frames = new ArrayList<>(2 * SUBSCRIBE_FLOOD);
        for (int i = 0; i < SUBSCRIBE_FLOOD; i++) {
            frames.add(c.frame("subscribe").put("room", room("sub", i)).put("id", SUBSCRIBE_IDS + i));
            frames.add(c.frame("unsubscribe").put("room", room("sub", i)).put("id", UNSUBSCRIBE_IDS + i));
        }
        c.sendAll(frames);
        int refused = 0;
        int left = 0;
        for (JsonNode f; left < SUBSCRIBE_FLOOD && (f = c.poll(Duration.ofSeconds(5))) != null; ) {
            if (f.path("id").asLong() >= UNSUBSCRIBE_IDS) {
                left++;
            } else if (f.path("id").asLong() >= SUBSCRIBE_IDS) {
                assertThat(f.path("code").asText()).as(f.path("op").asText() + " " + f.path("message").asText()).isEqualTo("rate_limited");
                refused++;
            }
        }
        // A refused subscribe's error comes before its unsubscribe's answer: the pairs answered, less those refused.
        return left - refused;
    }

    /** Rooms with 200-character names, the longest there are: the worst case for the keys they make. */
    private static String room(String kind, int i) {
        String name = kind + "-" + i + "-";
        return name + "r".repeat(200 - name.length());
    }

    private long usedMemory() throws InterruptedException {
        Thread.sleep(500); // what was in flight lands
        for (String line : raw.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new AssertionError("no used_memory in INFO");
    }
}
