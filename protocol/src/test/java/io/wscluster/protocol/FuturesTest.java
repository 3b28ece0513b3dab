package io.wscluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FuturesTest {
    @Test
    void unwrapsACompletionExceptionWithACauseOnlyAndOneLevelOnly() {
        IllegalStateException inner = new IllegalStateException("x");
        assertThat(Futures.cause(new CompletionException(inner))).isSameAs(inner);
        CompletionException bare = new CompletionException("no cause", null);
        assertThat(Futures.cause(bare)).isSameAs(bare);
        assertThat(Futures.cause(inner)).isSameAs(inner);
        assertThat(Futures.cause(null)).isNull();
        CompletionException twice = new CompletionException(new CompletionException(inner));
        assertThat(Futures.cause(twice)).isSameAs(twice.getCause());
    }
}
