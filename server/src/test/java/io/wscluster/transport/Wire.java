package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The requests the integration tests make again and again, each checking the reply's op. */
final class Wire {
    /** How long a test waits to be sure that something does not arrive. */
    static final Duration QUIET = Duration.ofMillis(300);

    private Wire() {
    }

    /** Subscribes without {@code since}; returns the {@code subscribed} reply. */
    static JsonNode subscribe(TestClient c, String room) {
        return expect(c.request(c.frame("subscribe").put("room", room)), "subscribed");
    }

    /** Subscribes with {@code since: {epoch, offset}}; returns the {@code subscribed} reply. */
    static JsonNode subscribe(TestClient c, String room, String epoch, long offset) {
        ObjectNode f = c.frame("subscribe").put("room", room);
        f.putObject("since").put("epoch", epoch).put("offset", offset);
        return expect(c.request(f), "subscribed");
    }

    /** Publishes text {@code data}; returns the {@code ack}. */
    static JsonNode publish(TestClient c, String room, String data) {
        return expect(c.request(c.frame("publish").put("room", room).put("data", data)), "ack");
    }

    /** Sends {@code request} and returns its reply, which must be an error with {@code code}. */
    static JsonNode error(TestClient c, ObjectNode request, String code) {
        JsonNode reply = c.request(request);
        assertThat(reply.path("op").asText()).as("reply to %s: %s", request, reply).isEqualTo("error");
        assertThat(reply.path("code").asText()).as("reply to %s: %s", request, reply).isEqualTo(code);
        return reply;
    }

    static JsonNode expect(JsonNode reply, String op) {
        assertThat(reply.path("op").asText()).as("reply %s", reply).isEqualTo(op);
        return reply;
    }

    /** The {@code offset} of each message frame. */
    static List<Long> offsets(List<JsonNode> messages) {
        List<Long> out = new ArrayList<>(messages.size());
        for (JsonNode m : messages) {
            out.add(m.path("offset").asLong());
        }
        return out;
    }

    /** The offsets {@code from} to {@code to}, both included. */
    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    /** Asserts that no frame at all arrives within {@link #QUIET}. */
    static void assertSilent(TestClient c) {
        assertThat(c.poll(QUIET)).as("unexpected frame").isNull();
    }
}
