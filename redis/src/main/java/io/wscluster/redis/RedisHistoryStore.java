package io.wscluster.redis;

import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.wscluster.history.HistoryLimits;
import io.wscluster.history.HistoryRead;
import io.wscluster.history.HistoryStore;
import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Room history in Redis streams, written by {@link RedisBus}'s publish script and read here in one
 * atomic script call per request. Recovery is exact: a stream entry's id is its offset. The same
 * on a standalone Redis and on a Redis Cluster: the keys of a call share the room's slot.
 */
final class RedisHistoryStore implements HistoryStore {
    private final RedisScriptingAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final HistoryLimits limits;

    RedisHistoryStore(RedisScriptingAsyncCommands<String, String> redis, RedisKeys keys, HistoryLimits limits) {
        this.redis = redis;
        this.keys = keys;
        this.limits = limits;
    }

    /** {@code room}'s TTL in whole seconds, at least one, as the scripts take it. */
    static String ttlSeconds(HistoryLimits limits, String room) {
        return String.valueOf(Math.max(1, limits.ttl(room).toSeconds()));
    }

    static String newEpoch() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    @Override
    public CompletionStage<StreamPosition> position(String room) {
        return call(room, 0).thenApply(r -> r.latest);
    }

    @Override
    public CompletionStage<HistoryRead> read(String room, StreamPosition since, int limit) {
        long from = since == null ? 1 : since.offset() + 1;
        return call(room, from).thenCompose(r -> {
            boolean sameEpoch = since != null && since.epoch().equals(r.latest.epoch()) && since.offset() <= r.latest.offset();
            if (since != null && !sameEpoch && from > 1) {
                // The caller's offset belongs to another epoch: everything stored is news to it.
                return call(room, 1).thenApply(all -> all.result(false, limit));
            }
            long oldest = r.oldest == 0 ? r.latest.offset() + 1 : r.oldest;
            boolean recovered = sameEpoch && from >= oldest;
            return java.util.concurrent.CompletableFuture.completedFuture(r.result(recovered, limit));
        });
    }

    private CompletionStage<Raw> call(String room, long from) {
        String[] k = {keys.roomMeta(room), keys.roomHistory(room)};
        return Scripts.READ.run(redis, k, newEpoch(), ttlSeconds(limits, room), String.valueOf(from)).thenApply(out -> parse(room, out));
    }

    private static Raw parse(String room, List<Object> out) {
        String epoch = (String) out.get(0);
        long offset = Long.parseLong(String.valueOf(out.get(1)));
        long oldest = offsetOfId(String.valueOf(out.get(2)));
        List<Message> messages = new ArrayList<>((out.size() - 3) / 2);
        for (int i = 3; i + 1 < out.size(); i += 2) {
            long o = offsetOfId((String) out.get(i));
            messages.add(MessageCodec.decode((String) out.get(i + 1), epoch, o));
        }
        return new Raw(new StreamPosition(epoch, offset), oldest, messages);
    }

    /** A stream id {@code <offset>-0} back to the offset; "0" for none. */
    private static long offsetOfId(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    private record Raw(StreamPosition latest, long oldest, List<Message> messages) {
        HistoryRead result(boolean recovered, int limit) {
            List<Message> found = messages;
            if (limit > 0 && found.size() > limit) {
                found = found.subList(found.size() - limit, found.size());
                recovered = false;
            }
            return new HistoryRead(latest, found, recovered);
        }
    }
}
