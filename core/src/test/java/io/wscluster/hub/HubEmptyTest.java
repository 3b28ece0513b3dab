package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.codec.Encoding;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Hub#whenEmpty}: what a graceful stop waits on instead of polling the connection count. */
class HubEmptyTest {
    private final HubHarness h = new HubHarness(2);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void completesAtOnceWithoutSessionsAndWhenTheLastSessionLeaves() {
        assertThat(h.hub.whenEmpty().toCompletableFuture()).isDone();
        RecordingSession a = h.open(0, "a", Encoding.JSON);
        RecordingSession b = h.open(1, "b", Encoding.JSON);
        CompletableFuture<Void> empty = h.hub.whenEmpty().toCompletableFuture();
        assertThat(empty).isNotDone();
        h.closed(a);
        assertThat(empty).isNotDone();
        h.closed(b);
        assertThat(empty).isDone();
    }
}
