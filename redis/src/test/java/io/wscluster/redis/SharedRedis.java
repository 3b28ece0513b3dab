package io.wscluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.wscluster.testkit.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A redis-server of its own for the tests of one class, with a client and a connection to it:
 * {@code @RegisterExtension static final SharedRedis redis = new SharedRedis();}. Tests keep apart
 * by a namespace of their own.
 */
final class SharedRedis implements BeforeAllCallback, AfterAllCallback {
    private RedisServer server;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start();
        client = RedisMembershipIT.client(server);
        connection = client.connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        connection.close();
        client.shutdown();
        server.close();
    }

    RedisServer server() {
        return server;
    }

    RedisClient client() {
        return client;
    }

    StatefulRedisConnection<String, String> connection() {
        return connection;
    }
}
