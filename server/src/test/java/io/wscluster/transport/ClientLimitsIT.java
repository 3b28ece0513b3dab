package io.wscluster.transport;

import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One connection's limits, hit and recovered with a real client: subscriptions, write rate, write bytes, rooms a minute, and abuse. */
class ClientLimitsIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void aConnectionHoldsAtMostMaxSubscriptionsAndGetsRoomBackByUnsubscribing() throws Exception {
        nodes.start(o -> o.security(s -> s.maxSubscriptions(3)));
        TestClient c = nodes.open();
        for (int i = 0; i < 3; i++) {
            subscribe(c, "room-" + i);
        }
        assertThat(error(c, c.frame("subscribe").put("room", "room-3"), "rate_limited").path("message").asText())
                .isEqualTo("at most 3 subscriptions per connection (max-subscriptions): unsubscribe first");
        expect(c.request(c.frame("unsubscribe").put("room", "room-0")), "unsubscribed");
        subscribe(c, "room-3");
    }

    @Test
    void writesBeyondTheRateAreRefusedAndTheConnectionStaysAndRecovers() throws Exception {
        nodes.start(o -> o.security(s -> s.clientPublishRate(5).clientPublishBytes(0)));
        TestClient c = nodes.open();
        int acked = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            JsonNode reply = c.request(c.frame("publish").put("room", "r").put("data", i));
            if (reply.path("op").asText().equals("ack")) {
                acked++;
            } else {
                assertThat(reply.path("code").asText()).isEqualTo("rate_limited");
                assertThat(reply.path("message").asText()).contains("5 messages").contains("slow down");
                limited++;
            }
        }
        assertThat(acked).as("the burst, twice the rate, and what refilled meanwhile").isBetween(10, 20);
        assertThat(limited).isPositive();
        Thread.sleep(1100);
        expect(c.request(c.frame("publish").put("room", "r").put("data", "after a pause")), "ack");
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void writesBeyondTheByteRateAreRefused() throws Exception {
        nodes.start(o -> o.security(s -> s.clientPublishRate(0).clientPublishBytes(2048)));
        TestClient c = nodes.open();
        expect(c.request(c.frame("publish").put("room", "r").put("data", "small")), "ack");
        error(c, c.frame("publish").put("room", "r").put("data", "x".repeat(5000)), "rate_limited");
        expect(c.request(c.frame("publish").put("room", "r").put("data", "small again")), "ack");
    }

    @Test
    void aConnectionUsesAtMostClientRoomsPerMinuteAndKeepsTheRoomsItHas() throws Exception {
        nodes.start(o -> o.security(s -> s.clientRoomsPerMinute(3)));
        TestClient c = nodes.open();
        subscribe(c, "a");
        expect(c.request(c.frame("publish").put("room", "b").put("data", 1)), "ack");
        expect(c.request(c.frame("history").put("room", "c")), "history");

        assertThat(error(c, c.frame("subscribe").put("room", "d"), "rate_limited").path("message").asText())
                .isEqualTo("at most 3 rooms a minute per connection (client-rooms-per-minute): wait, or keep to rooms already used");
        error(c, c.frame("publish").put("room", "e").put("data", 2), "rate_limited");
        error(c, c.frame("history").put("room", "f"), "rate_limited");

        expect(c.request(c.frame("publish").put("room", "a").put("data", 3)), "ack"); // subscribed: counted when it subscribed
        expect(c.request(c.frame("history").put("room", "b")), "history");
        expect(c.request(c.frame("unsubscribe").put("room", "a")), "unsubscribed");
        subscribe(c, "a");
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aConnectionThatGoesOnFloodingIsClosedAndCounted() throws Exception {
        nodes.start(o -> o.security(s -> s.clientPublishRate(2)));
        TestClient c = nodes.open();
        try {
            for (int i = 0; i < 200 && c.isOpen(); i++) {
                c.send(c.frame("publish").put("room", "r").put("data", i));
            }
        } catch (java.io.UncheckedIOException closedMeanwhile) {
            // the node closed the connection while the flood was still being written: what this test wants
        }
        TestClient.CloseStatus closed = c.awaitClose(Duration.ofSeconds(5));
        // 1008 with its reason, unless the close frame was lost to the reset of a socket closed with
        // the flood still unread (then 1006): the counter is what says why.
        assertThat(closed.code()).isIn(1008, 1006);
        if (closed.code() == 1008) {
            assertThat(closed.reason()).isEqualTo("writing far over the rate limit");
        }
        assertThat(nodes.node().registry().find(NodeMetrics.ABUSE_CLOSES).tag("reason", "write-rate").counter().count()).isEqualTo(1.0);
    }

    @Test
    void requestsAwaitingAnAnswerAreBoundedAndSubscribesAreNot() throws Exception {
        CompletableFuture<JsonNode> later = new CompletableFuture<>();
        nodes.start(o -> o.security(s -> s.maxPendingRequests(3).maxSubscriptions(10)), b -> b.op("slow", (session, frame) -> later));
        TestClient c = nodes.open();
        for (int i = 1; i <= 3; i++) {
            c.send(c.frame("slow").put("id", i));
        }
        JsonNode refused = c.request(c.frame("slow"));
        assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.path("message").asText()).contains("at most 3 requests awaiting an answer").contains("max-pending-requests");
        for (int i = 0; i < 5; i++) {
            subscribe(c, "still-" + i); // a reconnecting client resubscribes every room at once: never refused for this
        }
        later.complete(com.fasterxml.jackson.databind.node.TextNode.valueOf("done"));
        for (int i = 0; i < 3; i++) {
            expect(c.next("reply"), "reply");
        }
        assertThat(c.request(c.frame("ping")).path("op").asText()).isEqualTo("pong");
        assertThat(c.request(c.frame("slow")).path("op").asText()).as("answered at once now: nothing awaits").isEqualTo("reply");
    }

    @Test
    void aClientThatKeepsAskingForWhatWasRefusedIsClosed() throws Exception {
        nodes.start(o -> o.security(s -> s.maxSubscriptions(2)));
        TestClient c = nodes.open();
        List<JsonNode> flood = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            flood.add(c.frame("subscribe").put("id", i + 1).put("room", "flood-" + i));
        }
        c.sendAll(flood);
        TestClient.CloseStatus closed = c.awaitClose(Duration.ofSeconds(5));
        assertThat(closed.code()).isIn(1008, 1006);
        assertThat(nodes.node().registry().find(NodeMetrics.ABUSE_CLOSES).tag("reason", "refusals").counter().count()).isEqualTo(1.0);
        TestClient honest = nodes.open();
        subscribe(honest, "one");
        assertThat(error(honest, honest.frame("subscribe").put("room", "one"), "bad_request")).isNotNull(); // a refusal or two is no abuse
        assertThat(honest.isOpen()).isTrue();
    }

    @Test
    void aPingFloodIsClosedAndAKeepAliveIsNot() throws Exception {
        nodes.start();
        TestClient keepAlive = nodes.open();
        keepAlive.pings(5);
        TestClient flood = nodes.open();
        flood.pings(1000);
        TestClient.CloseStatus closed = flood.awaitClose(Duration.ofSeconds(5));
        assertThat(closed.code()).isIn(1008, 1006);
        if (closed.code() == 1008) {
            assertThat(closed.reason()).isEqualTo("ping flood");
        }
        assertThat(nodes.node().registry().find(NodeMetrics.ABUSE_CLOSES).tag("reason", "ping-flood").counter().count()).isEqualTo(1.0);
        assertThat(keepAlive.request(keepAlive.frame("ping")).path("op").asText()).isEqualTo("pong");
    }
}
