package io.wscluster.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.wscluster.testkit.SharedRedis;

/**
 * A test's own connection to the class's Redis, to look at what the nodes left there
 * ({@code PUBSUB CHANNELS}, keys, memory); closed after the test.
 */
final class RedisInspector implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private RedisInspector(String url) {
        client = RedisClient.create(url);
        connection = client.connect();
    }

    /** Opens one on {@code redis}, closed after the test. */
    static RedisCommands<String, String> open(SharedRedis redis) {
        return redis.closeAfterEach(new RedisInspector(redis.url())).connection.sync();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
