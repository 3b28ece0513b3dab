package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.KillArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, nothing left behind: connections that subscribe to thousands of distinct rooms as fast
 * as they can and leave (with a close frame, or with a TCP reset) while those subscribes' bus
 * subscriptions, history reads and presence writes are still in flight leave no room channel
 * subscribed on Redis and no presence entry: {@code PUBSUB CHANNELS} and the rooms' presence keys
 * return to what they were before, and {@code presence} answers 0 connections for those rooms.
 * Three nodes on a real redis-server; {@code max-subscriptions} is raised so one connection can
 * flood.
 */
class AbusiveSubscriberIT {
    private static final int ROOMS_PER_CONNECTION = 1_500;
    /** Replies a flooder waits for before leaving: its later subscribes are still in flight then. */
    private static final int ANSWERED_BEFORE_LEAVING = 100;
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Longest the nodes may take to clean up after the flooders left. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    private final String ns = SharedRedis.namespace();
    private LocalNodes nodes;
    private RedisCommands<String, String> raw;

    @BeforeEach
    void start() {
        nodes = fixture.cluster(b -> b.options(o -> o.security(s -> s.maxSubscriptions(ROOMS_PER_CONNECTION))
                .bus(bus -> bus.redisUrl(redis.url()).cluster(ns).heartbeat(HEARTBEAT))).idPrefix("n"));
        nodes.start(3);
        raw = RedisInspector.open(redis);
    }

    @Test
    void floodersThatLeaveMidwayLeaveNoChannelAndNoPresenceBehind() throws Exception {
        Set<String> baseline = channels();
        List<TestClient> flooders = flood("left", 2);

        for (int i = 0; i < flooders.size(); i++) {
            if (i % 2 == 0) {
                flooders.get(i).close();
            } else {
                flooders.get(i).abort();
            }
        }

        assertNothingLeftBehind(baseline, "left");
    }

    @Test
    void aPubSubReconnectWhileFloodersLeaveLeavesNoChannelBehind() throws Exception {
        Set<String> baseline = channels();
        List<TestClient> flooders = flood("cut", 2);

        // Every node loses its pub/sub link as its clients leave: unsubscribes meet a link that is
        // down, and the client library subscribes again, after its reconnect, what it last knew.
        raw.clientKill(KillArgs.Builder.typePubsub());
        flooders.forEach(TestClient::abort);

        assertNothingLeftBehind(baseline, "cut");
    }

    @Test
    void everyPresenceKeyOfALiveNodeExpires() throws Exception {
        List<TestClient> flooders = flood("kept", 1);
        for (TestClient f : flooders) {
            for (int i = ANSWERED_BEFORE_LEAVING; i < ROOMS_PER_CONNECTION; i++) {
                f.next("subscribed");
            }
        }
        await().atMost(SETTLE).untilAsserted(() -> assertThat(presenceKeys("kept")).hasSize(3 * 2 * ROOMS_PER_CONNECTION));

        List<String> keys = new ArrayList<>(presenceKeys("kept"));
        keys.add(ns + ":pl:n1");
        for (String key : keys) {
            assertThat(raw.pttl(key)).as("TTL of %s", key).isPositive();
        }
    }

    /**
     * Connects {@code perNode} flooders to each node, each sending subscribes to
     * {@link #ROOMS_PER_CONNECTION} rooms of its own at once, and returns once each has had its
     * first {@link #ANSWERED_BEFORE_LEAVING} answers: the rest are in flight.
     */
    private List<TestClient> flood(String prefix, int perNode) throws Exception {
        List<TestClient> flooders = new ArrayList<>();
        for (WsCluster node : nodes.nodes()) {
            for (int i = 0; i < perNode; i++) {
                TestClient c = fixture.connect(node.url());
                c.next("welcome");
                flooders.add(c);
            }
        }
        for (int f = 0; f < flooders.size(); f++) {
            TestClient c = flooders.get(f);
            List<JsonNode> subscribes = new ArrayList<>(ROOMS_PER_CONNECTION);
            for (int r = 0; r < ROOMS_PER_CONNECTION; r++) {
                subscribes.add(c.frame("subscribe").put("room", room(prefix, f, r)));
            }
            c.sendAll(subscribes);
        }
        for (TestClient c : flooders) {
            for (int i = 0; i < ANSWERED_BEFORE_LEAVING; i++) {
                c.next("subscribed");
            }
        }
        return flooders;
    }

    private static String room(String prefix, int flooder, int i) {
        return prefix + "-" + flooder + "-" + i;
    }

    private void assertNothingLeftBehind(Set<String> baseline, String prefix) throws Exception {
        await().atMost(SETTLE).untilAsserted(() -> assertThat(channels()).isEqualTo(baseline));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(presenceKeys(prefix)).isEmpty());
        // Nothing comes back later either (a reconnect's resubscribe, a late presence write).
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(channels()).isEqualTo(baseline));
        assertThat(presenceKeys(prefix)).isEmpty();

        TestClient reader = fixture.connect(nodes.get(0).url());
        reader.next("welcome");
        for (int r = 0; r < ROOMS_PER_CONNECTION; r += 97) {
            JsonNode p = reader.request(reader.frame("presence").put("room", room(prefix, 0, r)));
            assertThat(p.path("connections").asInt()).as(p.toString()).isZero();
        }
    }

    /** This cluster's channels that some connection to Redis is subscribed to. */
    private Set<String> channels() {
        return new HashSet<>(raw.pubsubChannels(ns + ":*"));
    }

    /** The presence keys (entries and node sets) of this test's rooms starting with {@code prefix}. */
    private Set<String> presenceKeys(String prefix) {
        Set<String> keys = new HashSet<>();
        ScanIterator.scan(raw, ScanArgs.Builder.matches(ns + ":{" + prefix + "-*}:p*").limit(1000)).forEachRemaining(keys::add);
        return keys;
    }
}
