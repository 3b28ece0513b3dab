package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.SessionIdsForTests;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node dies by SIGKILL under a live room stream; its client reconnects to another node with
 * {@code ?session=} and, from the record on Redis, gets its room back with every message, once
 * after dropping duplicates by offset.
 */
class SessionFailoverProcessIT {
    private static final int MESSAGES = 300;

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final NodeProcesses nodes = new NodeProcesses();

    @AfterEach
    void stop() {
        nodes.close();
    }

    @Test
    void aClientOfAKilledNodeResumesItsSessionElsewhereWithoutLosingAMessage() throws Exception {
        String cluster = SharedRedis.namespace();
        String n1 = nodes.start("n1", "--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms");
        String n2 = nodes.start("n2", "--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms");
        TreeSet<Long> seen = new TreeSet<>();
        AtomicInteger published = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        String session = SessionIdsForTests.issuedBy(n1);
        try (TestClient client = TestClient.connect(n1 + "?session=" + session);
             TestClient publisher = TestClient.connect(n2)) {
            client.next("welcome");
            client.request(client.frame("subscribe").put("room", "feed"));
            publisher.next("welcome");
            Thread pub = new Thread(() -> {
                for (int i = 1; i <= MESSAGES && !stop.get(); i++) {
                    publisher.request(publisher.frame("publish").put("room", "feed").put("data", i));
                    published.incrementAndGet();
                    sleep(5);
                }
            }, "publisher");
            pub.start();
            while (seen.size() < 100) {
                seen.add(client.next("message").path("offset").asLong());
            }
            nodes.get(0).destroyForcibly(); // SIGKILL under the stream
            long killedAt = System.nanoTime();
            nodes.get(0).waitFor(10, TimeUnit.SECONDS);
            while (true) { // drain what arrived before the connection dropped
                JsonNode f = client.poll(Duration.ofMillis(200));
                if (f == null) {
                    break;
                }
                if (f.path("op").asText().equals("message")) {
                    seen.add(f.path("offset").asLong());
                }
            }
            try (TestClient back = TestClient.connect(n2 + "?session=" + session)) {
                assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
                long resumedAt = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < MESSAGES && System.nanoTime() < deadline) {
                    JsonNode f = back.next(Duration.ofSeconds(10));
                    if (f.path("op").asText().equals("message")) {
                        if (resumedAt == 0) {
                            resumedAt = System.nanoTime();
                        }
                        seen.add(f.path("offset").asLong());
                    }
                }
                System.out.printf("session failover: from SIGKILL to the first resumed message %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(resumedAt - killedAt));
            } finally {
                stop.set(true);
                pub.join(10_000);
            }
        }
        assertThat(published.get()).isEqualTo(MESSAGES);
        assertThat(seen).hasSize(MESSAGES).first().isEqualTo(1L);
        assertThat(seen.last()).isEqualTo((long) MESSAGES);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
