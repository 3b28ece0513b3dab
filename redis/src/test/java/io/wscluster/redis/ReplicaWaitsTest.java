package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ReplicaWaitsTest {
    private final List<CompletableFuture<Long>> sent = new ArrayList<>();
    private final ReplicaWaits waits = new ReplicaWaits(() -> {
        CompletableFuture<Long> f = new CompletableFuture<>();
        sent.add(f);
        return f;
    });

    @Test
    void placementsAnsweredWhileAWaitIsInFlightShareTheNextOne() {
        CompletionStage<Long> first = waits.after();
        assertThat(sent).hasSize(1);
        CompletionStage<Long> second = waits.after();
        CompletionStage<Long> third = waits.after();
        assertThat(sent).as("no second WAIT while one is in flight").hasSize(1);

        sent.get(0).complete(1L);
        assertThat(first.toCompletableFuture()).isCompletedWithValue(1L);
        assertThat(second.toCompletableFuture()).as("the WAIT in flight may have left before it").isNotDone();
        assertThat(sent).as("the next WAIT leaves when the first returns").hasSize(2);

        sent.get(1).complete(1L);
        assertThat(second.toCompletableFuture()).isCompletedWithValue(1L);
        assertThat(third.toCompletableFuture()).isCompletedWithValue(1L);
        assertThat(sent).hasSize(2);
    }

    @Test
    void aFailedWaitFailsItsPlacementsAndTheNextOnesGetTheirOwn() {
        CompletionStage<Long> first = waits.after();
        sent.get(0).completeExceptionally(new IllegalStateException("connection lost"));
        assertThat(first.toCompletableFuture()).isCompletedExceptionally();

        CompletionStage<Long> later = waits.after();
        assertThat(sent).hasSize(2);
        sent.get(1).complete(0L);
        assertThat(later.toCompletableFuture()).isCompletedWithValue(0L);
    }
}
