package io.wscluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStickyRegistryTest {
    private final AtomicLong now = new AtomicLong();
    private final LocalStickyRegistry registry = new LocalStickyRegistry(Duration.ofSeconds(10), now::get);

    @Test
    void mappingsExpireAfterTheirTtlWithoutUse() {
        registry.assign("u:alice", "n1");
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(lookup("u:alice")).isEqualTo("n1");
        registry.assign("u:alice", "n1"); // used again: ten more seconds
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(lookup("u:alice")).isEqualTo("n1");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(lookup("u:alice")).isNull();
    }

    @Test
    void migrationMovesEveryMappingOfANode() {
        registry.assign("u:alice", "n1");
        registry.assign("u:bob", "n1");
        registry.assign("u:carol", "n2");

        int moved = registry.migrate("n1", key -> key.equals("u:alice") ? "n2" : "n3").toCompletableFuture().join();

        assertThat(moved).isEqualTo(2);
        assertThat(registry.keysOf("n1").toCompletableFuture().join()).isEmpty();
        assertThat(registry.keysOf("n2").toCompletableFuture().join()).containsExactly("u:alice", "u:carol");
        assertThat(lookup("u:bob")).isEqualTo("n3");
    }

    private String lookup(String key) {
        return registry.lookup(key).toCompletableFuture().join();
    }
}
