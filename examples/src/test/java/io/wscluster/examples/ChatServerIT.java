package io.wscluster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.testkit.TestClient;
import org.junit.jupiter.api.Test;

/** Runs the embedding example and talks to it as a client would. */
class ChatServerIT {

    @Test
    void theExampleServesHooksOpsAuthorizationAndApplicationPublishes() throws Exception {
        try (ChatServer chat = ChatServer.start(0); TestClient client = TestClient.connect(chat.node().url())) {
            assertThat(client.next("welcome").path("node").asText()).isEqualTo("chat-1");

            JsonNode echo = client.request(client.frame("echo").put("data", "ping?"));
            assertThat(echo.path("op").asText()).isEqualTo("reply");
            assertThat(echo.path("data").asText()).isEqualTo("ping?");
            assertThat(client.request(client.frame("whoami")).path("data").path("online").asInt()).isEqualTo(1);

            JsonNode refused = client.request(client.frame("publish").put("room", "clock").put("data", "tick"));
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(client.request(client.frame("publish").put("room", "lobby").put("data", "hi")).path("op").asText()).isEqualTo("ack");

            client.request(client.frame("subscribe").put("room", "clock"));
            assertThat(client.next("message").path("data").path("now").asText()).isNotEmpty();

            client.request(client.frame("subscribe").put("room", "announce:all"));
            long offset = chat.announce("maintenance at noon").join();
            JsonNode announcement = client.nextMatching(m -> "announce:all".equals(m.path("room").asText()), TestClient.TIMEOUT);
            assertThat(announcement.path("offset").asLong()).isEqualTo(offset);
            assertThat(announcement.path("data").path("text").asText()).isEqualTo("maintenance at noon");
        }
    }
}
