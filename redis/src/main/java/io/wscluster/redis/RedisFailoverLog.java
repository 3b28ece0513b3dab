package io.wscluster.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.failover.FailoverLog;
import io.wscluster.failover.FailoverRecord;
import io.wscluster.failover.FailoverRecordJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The failover log on Redis. Keys, under the cluster's namespace {@code ns}:
 * <ul>
 *   <li>{@code <ns>:failover-lease:<incarnation>}: {@code held:<owner>}, who handles that node's
 *       failover ({@code SET NX PX}: one winner however many nodes ask at once; renewed while it
 *       runs, so a coordinator that dies lets it lapse), or {@code settled:<why>} once none is needed;</li>
 *   <li>{@code <ns>:failovers}: hash of record id to record JSON, and {@code <ns>:failover-order}:
 *       sorted set of ids by start time; the newest 100 are kept, both keys expire a week after the
 *       last failover;</li>
 *   <li>{@code <ns>:failover-events}: channel on which every version of a record is published as
 *       it is written (when the failover starts, {@code running}, and when it ends), for gateways,
 *       dashboards and operators ({@code redis-cli subscribe <ns>:failover-events}).</li>
 * </ul>
 * Every command touches one key (works on a Redis Cluster). Thread-safe; never blocks.
 */
public final class RedisFailoverLog implements FailoverLog {
    private static final int KEEP = 100;
    private static final String HELD = "held:";
    private static final String SETTLED = "settled:";
    private static final long KEEP_MILLIS = Duration.ofDays(7).toMillis();

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String leasePrefix;
    private final String recordsKey;
    private final String orderKey;
    private final String eventsChannel;

    public RedisFailoverLog(RedisClusterAsyncCommands<String, String> commands, String namespace) {
        this.redis = Objects.requireNonNull(commands, "commands");
        String ns = RedisMembership.requireNamespace(namespace);
        this.leasePrefix = ns + ":failover-lease:";
        this.recordsKey = ns + ":failovers";
        this.orderKey = ns + ":failover-order";
        this.eventsChannel = ns + ":failover-events";
    }

    @Override
    public CompletionStage<Boolean> claim(String incarnation, String owner, Duration ttl) {
        return redis.set(leasePrefix + incarnation, HELD + owner, SetArgs.Builder.nx().px(ttl.toMillis())).thenApply("OK"::equals);
    }

    @Override
    public CompletionStage<Boolean> renew(String incarnation, String owner, Duration ttl) {
        return Scripts.RENEW_LEASE.run(redis, new String[] {leasePrefix + incarnation}, HELD + owner, String.valueOf(ttl.toMillis()))
                .thenApply(out -> Long.valueOf(1).equals(out.get(0)));
    }

    @Override
    public CompletionStage<Void> settle(String incarnation, String why, Duration ttl) {
        return redis.set(leasePrefix + incarnation, SETTLED + why, SetArgs.Builder.px(ttl.toMillis())).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Lease> lease(String incarnation) {
        return redis.get(leasePrefix + incarnation).thenApply(v -> {
            if (v == null) {
                return Lease.FREE;
            }
            return v.startsWith(SETTLED) ? new Lease(Lease.State.SETTLED, v.substring(SETTLED.length()))
                    : new Lease(Lease.State.HELD, v.startsWith(HELD) ? v.substring(HELD.length()) : v);
        });
    }

    @Override
    public CompletionStage<Void> record(FailoverRecord r) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        String json = FailoverRecordJson.toJson(r).toString();
        sent.add(redis.hset(recordsKey, r.id(), json).toCompletableFuture());
        sent.add(redis.publish(eventsChannel, json).toCompletableFuture());
        sent.add(redis.zadd(orderKey, (double) r.startedAtMillis(), r.id()).toCompletableFuture());
        sent.add(redis.pexpire(recordsKey, KEEP_MILLIS).toCompletableFuture());
        sent.add(redis.pexpire(orderKey, KEEP_MILLIS).toCompletableFuture());
        // Beyond the newest KEEP: drop from the order (the hash entries go with the next trim below).
        sent.add(redis.zrange(orderKey, 0, -(KEEP + 1)).thenCompose(old -> old.isEmpty() ? CompletableFuture.completedFuture(0L)
                : redis.zrem(orderKey, old.toArray(String[]::new)).thenCompose(n -> redis.hdel(recordsKey, old.toArray(String[]::new))))
                .toCompletableFuture());
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<List<FailoverRecord>> recent(int n) {
        return redis.zrevrange(orderKey, 0, n - 1).thenCompose(ids -> {
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
            }
            return redis.hmget(recordsKey, ids.toArray(String[]::new)).thenApply(values -> {
                List<FailoverRecord> out = new ArrayList<>();
                values.forEach(kv -> {
                    if (kv.hasValue()) {
                        out.add(FailoverRecordJson.read(kv.getValue()));
                    }
                });
                return out;
            });
        });
    }
}
