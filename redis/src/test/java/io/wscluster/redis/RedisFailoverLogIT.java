package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.failover.FailoverLog.Lease;
import io.wscluster.failover.FailoverRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import io.wscluster.testkit.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisFailoverLog} on a real redis-server: one lease holder, renewal only by the holder, settling, records. */
class RedisFailoverLogIT {
    @RegisterExtension
    static final SharedRedisClient redis = new SharedRedisClient();

    private final String ns = SharedRedis.namespace();

    @Test
    void ofManyClaimsAtOnceExactlyOneWins() {
        RedisFailoverLog sut = new RedisFailoverLog(redis.connection().async(), ns);
        List<CompletableFuture<Boolean>> claims = IntStream.range(0, 20)
                .mapToObj(i -> sut.claim("x@1", "n" + i, Duration.ofSeconds(5)).toCompletableFuture()).toList();
        assertThat(claims.stream().filter(CompletableFuture::join).count()).isEqualTo(1);
        Lease held = sut.lease("x@1").toCompletableFuture().join();
        assertThat(held.state()).isEqualTo(Lease.State.HELD);
        assertThat(held.detail()).startsWith("n");
    }

    @Test
    void onlyTheHolderRenewsAndALapsedLeaseCanBeTakenAgain() {
        RedisFailoverLog sut = new RedisFailoverLog(redis.connection().async(), ns);
        assertThat(sut.claim("x@1", "a", Duration.ofMillis(300)).toCompletableFuture().join()).isTrue();
        assertThat(sut.renew("x@1", "b", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse();
        assertThat(sut.renew("x@1", "a", Duration.ofMillis(300)).toCompletableFuture().join()).isTrue();
        assertThat(sut.claim("x@1", "b", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse();

        await().atMost(Duration.ofSeconds(3)).until(() -> sut.lease("x@1").toCompletableFuture().join().state() == Lease.State.FREE);
        assertThat(sut.renew("x@1", "a", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse(); // too late: gone
        assertThat(sut.claim("x@1", "b", Duration.ofSeconds(5)).toCompletableFuture().join()).isTrue();
    }

    @Test
    void aSettledLeaseIsClaimedByNobodyAndOtherIncarnationsAreFree() {
        RedisFailoverLog sut = new RedisFailoverLog(redis.connection().async(), ns);
        sut.claim("x@1", "a", Duration.ofSeconds(5)).toCompletableFuture().join();
        sut.settle("x@1", "done", Duration.ofMinutes(1)).toCompletableFuture().join();

        assertThat(sut.lease("x@1").toCompletableFuture().join()).isEqualTo(new Lease(Lease.State.SETTLED, "done"));
        assertThat(sut.claim("x@1", "b", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse();
        assertThat(sut.renew("x@1", "a", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse();
        assertThat(redis.connection().sync().pttl(ns + ":failover-lease:x@1")).isBetween(1L, Duration.ofMinutes(1).toMillis());
        assertThat(sut.lease("x@2").toCompletableFuture().join()).isEqualTo(Lease.FREE);
    }

    @Test
    void everyVersionOfARecordIsPublishedAsAFailoverEvent() throws Exception {
        RedisFailoverLog sut = new RedisFailoverLog(redis.connection().async(), ns);
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        try (var sub = redis.client().connectPubSub()) {
            sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    events.add(message);
                }
            });
            sub.sync().subscribe(ns + ":failover-events");
            sut.record(new FailoverRecord("r1", "x", "a", "immediate", 0, Map.of(), 1000, 0, "running")).toCompletableFuture().join();
            sut.record(new FailoverRecord("r1", "x", "a", "immediate", 2, Map.of("b", 2), 1000, 1200, "done")).toCompletableFuture().join();
            assertThat(io.wscluster.failover.FailoverRecordJson.read(events.poll(5, java.util.concurrent.TimeUnit.SECONDS)).outcome())
                    .isEqualTo("running");
            assertThat(io.wscluster.failover.FailoverRecordJson.read(events.poll(5, java.util.concurrent.TimeUnit.SECONDS)).outcome())
                    .isEqualTo("done");
        }
    }

    @Test
    void recordsAreListedNewestFirstWithTheirLatestVersion() {
        RedisFailoverLog sut = new RedisFailoverLog(redis.connection().async(), ns);
        FailoverRecord first = new FailoverRecord("r1", "x", "a", "immediate", 0, Map.of(), 1000, 0, "running");
        FailoverRecord second = new FailoverRecord("r2", "y", "b", "graceful", 0, Map.of(), 2000, 0, "running");
        sut.record(first).toCompletableFuture().join();
        sut.record(second).toCompletableFuture().join();
        sut.record(new FailoverRecord("r1", "x", "a", "immediate", 3, Map.of("b", 3), 1000, 1500, "done")).toCompletableFuture().join();

        List<FailoverRecord> recent = sut.recent(10).toCompletableFuture().join();
        assertThat(recent).extracting(FailoverRecord::id).containsExactly("r2", "r1");
        assertThat(recent.get(1).outcome()).isEqualTo("done");
        assertThat(recent.get(1).targets()).containsEntry("b", 3);
    }
}
