package io.wscluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.SessionIdsForTests;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that comes back with {@code ?session=} to another node gets its rooms and every message it missed. */
class SessionResumeIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();
    private final LocalNodes nodes = fixture.cluster(b -> b.options(o -> o.history(h -> h.size(1000)).bus(bus -> bus.heartbeat(Duration.ofMillis(100)))));

    @Test
    void aSessionResumesItsRoomsOnAnotherNodeWithEveryMessageItMissed() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        TreeSet<Long> seenR1 = new TreeSet<>();
        TreeSet<Long> seenR2 = new TreeSet<>();
        String session = SessionIdsForTests.issuedBy(a.url());
        try (TestClient first = TestClient.connect(a.url() + "?session=" + session);
             TestClient publisher = TestClient.connect(b.url())) {
            JsonNode welcome = first.next("welcome");
            assertThat(welcome.path("session").asText()).isEqualTo(session);
            assertThat(welcome.path("resumed").asBoolean()).isFalse(); // nothing recorded yet
            first.request(first.frame("subscribe").put("room", "r1"));
            first.request(first.frame("subscribe").put("room", "r2"));
            publisher.next("welcome");
            for (int i = 1; i <= 5; i++) {
                publisher.request(publisher.frame("publish").put("room", "r1").put("data", i));
                publisher.request(publisher.frame("publish").put("room", "r2").put("data", i));
            }
            for (JsonNode m : first.messages(10)) {
                (m.path("room").asText().equals("r1") ? seenR1 : seenR2).add(m.path("offset").asLong());
            }
            Thread.sleep(2500); // two periods: the node's room positions are recorded
            first.close(); // gone (its node could as well have died)
            for (int i = 6; i <= 12; i++) { // missed while away
                publisher.request(publisher.frame("publish").put("room", "r1").put("data", i));
                publisher.request(publisher.frame("publish").put("room", "r2").put("data", i));
            }
        }
        try (TestClient back = TestClient.connect(b.url() + "?session=" + session)) {
            JsonNode welcome = back.next("welcome");
            assertThat(welcome.path("resumed").asBoolean()).isTrue();
            assertThat(welcome.path("node").asText()).isEqualTo("b");
            int subscribed = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((seenR1.size() < 12 || seenR2.size() < 12 || subscribed < 2) && System.nanoTime() < deadline) {
                JsonNode f = back.next();
                if (f.path("op").asText().equals("subscribed")) {
                    subscribed++;
                    assertThat(f.path("recovered").asBoolean()).isTrue();
                } else if (f.path("op").asText().equals("message")) {
                    (f.path("room").asText().equals("r1") ? seenR1 : seenR2).add(f.path("offset").asLong());
                }
            }
            assertThat(subscribed).isEqualTo(2);
            // Every offset once (the set drops the duplicates a resume may repeat), none missing.
            assertThat(seenR1).containsExactlyElementsOf(range(1, 12));
            assertThat(seenR2).containsExactlyElementsOf(range(1, 12));
        }
    }

    @Test
    void anotherUsersSessionIdResumesNothing() throws Exception {
        WsCluster a = nodes.start("a");
        String session = SessionIdsForTests.issuedBy(a.url());
        try (TestClient c = TestClient.connect(a.url() + "?session=" + session)) {
            c.next("welcome");
            c.request(c.frame("subscribe").put("room", "private"));
        }
        // Same id, anonymous too: resumed. The record's user must match; a token user would not.
        try (TestClient again = TestClient.connect(a.url() + "?session=" + session)) {
            assertThat(again.next("welcome").path("resumed").asBoolean()).isTrue();
            assertThat(again.next("subscribed").path("room").asText()).isEqualTo("private");
            // A client that resubscribes on its own as well (with since) is answered, not refused.
            JsonNode reply = again.request(again.frame("subscribe").put("room", "private"));
            assertThat(reply.path("op").asText()).isEqualTo("subscribed");
        }
        // An id of the same shape this cluster never issued: a session of its own, nothing resumed.
        String invented = "A".repeat(session.length());
        try (TestClient fresh = TestClient.connect(a.url() + "?session=" + invented)) {
            JsonNode welcome = fresh.next("welcome");
            assertThat(welcome.path("resumed").asBoolean()).isFalse();
            assertThat(welcome.path("session").asText()).isNotEqualTo(invented);
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> r = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            r.add(i);
        }
        return r;
    }
}
