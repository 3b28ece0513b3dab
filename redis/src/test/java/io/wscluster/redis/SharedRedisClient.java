package io.wscluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The testkit's {@link SharedRedis} with a Lettuce client and a connection to it, for the tests
 * of one class: {@code @RegisterExtension static final SharedRedisClient redis = new SharedRedisClient();}.
 * Tests keep apart by a namespace of their own ({@link SharedRedis#namespace()}); what a test hands
 * to {@link #closeAfterEach} is closed after it.
 */
final class SharedRedisClient implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final SharedRedis redis = new SharedRedis();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        redis.beforeAll(context);
        client = client(redis.server());
        connection = client.connect();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        redis.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        redis.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        connection.close();
        client.shutdown();
        redis.afterAll(context);
    }

    /** See {@link SharedRedis#closeAfterEach}. */
    <T extends AutoCloseable> T closeAfterEach(T resource) {
        return redis.closeAfterEach(resource);
    }

    java.util.concurrent.ScheduledExecutorService scheduler() {
        return redis.scheduler();
    }

    RedisServer server() {
        return redis.server();
    }

    RedisClient client() {
        return client;
    }

    StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    /** A client that fails a command at once while disconnected, and after 2 s without an answer. */
    static RedisClient client(RedisServer redis) {
        return configured(RedisClient.create(redis.url()));
    }

    /** {@link #client(RedisServer)} on {@code resources} (a reconnect delay of the test's choosing, say), which the caller shuts down. */
    static RedisClient client(RedisServer redis, ClientResources resources) {
        return configured(RedisClient.create(resources, redis.url()));
    }

    private static RedisClient configured(RedisClient c) {
        c.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        return c;
    }
}
