package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where a room stands after the server's frames: what a resubscription asks since, and what the handler gets. */
class SubscriptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Subscriptions sut = new Subscriptions(JsonCodec.jackson());
    private final List<Long> handed = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        sut.add("r", m -> handed.add(m.offset()));
        sut.subscribed(json("{\"op\":\"subscribed\",\"room\":\"r\",\"epoch\":\"e1\",\"offset\":10,\"recovered\":false}"));
    }

    @Test
    void aGapMovesWhereAResubscriptionAsksFromAndLaterMessagesAreHandedOn() {
        message("e1", 11);
        assertThat(sut.gap(gap("e1", 12, 40))).isEqualTo(new ClientEvent.Lost("e1", 12, 40));
        assertThat(since()).as("not the dropped ones again").isEqualTo("e1/40");
        message("e1", 41);
        message("e1", 41);
        message("e1", 42);
        assertThat(handed).containsExactly(11L, 41L, 42L);
        assertThat(sut.duplicatesDropped()).isOne();
        assertThat(since()).isEqualTo("e1/42");
    }

    @Test
    void aMessageOfTheRangeThatTheServerKeptStillReachesTheHandler() {
        // latest-per-key: 38 was the newest of its key, held while 11..40 were dropped around it.
        sut.gap(gap("e1", 11, 40));
        message("e1", 38);
        assertThat(handed).containsExactly(38L);
        assertThat(since()).as("a reconnect now asks after the gap, not after 38").isEqualTo("e1/40");
        message("e1", 41);
        assertThat(handed).containsExactly(38L, 41L);
    }

    @Test
    void aGapInAnEpochTheClientHadNoMessageOfIsFollowed() {
        message("e1", 11);
        sut.gap(gap("e2", 1, 30));
        assertThat(since()).isEqualTo("e2/30");
        message("e2", 31);
        message("e2", 31);
        assertThat(handed).containsExactly(11L, 31L);
    }

    @Test
    void aStreamThatStartsAgainForgetsAnEarlierGap() {
        sut.gap(gap("e1", 11, 40));
        // rewound: Redis lost messages; offsets after 20 now name other messages, which must be asked for
        sut.subscribed(json("{\"op\":\"subscribed\",\"room\":\"r\",\"epoch\":\"e1\",\"offset\":20,\"recovered\":false,\"reason\":\"rewound\"}"));
        assertThat(since()).isEqualTo("e1/20");
        message("e1", 21);
        assertThat(handed).containsExactly(21L);

        sut.gap(gap("e1", 22, 50));
        message("e2", 1); // a new epoch's first message
        assertThat(since()).isEqualTo("e2/1");
    }

    @Test
    void aGapOrAnEndOfARoomNotSubscribedIsNothing() {
        assertThat(sut.gap(json("{\"op\":\"gap\",\"room\":\"other\",\"epoch\":\"e1\",\"from\":1,\"to\":2}"))).isNull();
        assertThat(sut.ended(json("{\"op\":\"unsubscribed\",\"room\":\"other\",\"reason\":\"subscription token expired\"}"))).isFalse();
        assertThat(sut.ended(json("{\"op\":\"unsubscribed\",\"room\":\"r\",\"reason\":\"subscription token expired\"}"))).isTrue();
        assertThat(sut.contains("r")).isFalse();
        message("e1", 11);
        assertThat(handed).isEmpty();
    }

    private String since() {
        JsonNode since = sut.since("r", JSON.createObjectNode()).path("since");
        return since.path("epoch").asText() + "/" + since.path("offset").asLong();
    }

    private void message(String epoch, long offset) {
        ObjectNode m = JSON.createObjectNode().put("op", "message").put("room", "r").put("epoch", epoch).put("offset", offset);
        m.put("data", "x");
        sut.deliver(m);
    }

    private static JsonNode gap(String epoch, long from, long to) {
        return JSON.createObjectNode().put("op", "gap").put("room", "r").put("epoch", epoch).put("from", from).put("to", to);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
