package io.wscluster.testkit;

import io.wscluster.resources.NodeResources;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis shared by the tests of one class, started before the first and stopped after the
 * last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedRedis redis = new SharedRedis();           // one redis-server
 * @RegisterExtension
 * static final SharedRedis redis = SharedRedis.cluster();       // a three-master Redis Cluster
 *
 * private final String cluster = SharedRedis.namespace();       // this test's keys
 * }</pre>
 *
 * <p>Tests keep apart by a key namespace of their own ({@link #namespace()}: the cluster name of
 * their nodes, the prefix of their keys); what a test opens on it and hands to {@link
 * #closeAfterEach} is closed after that test. A test may kill the redis-server for an outage: the
 * next test finds it running again, empty. Register it on a static field: class-level callbacks
 * are not called for an instance field.
 */
public final class SharedRedis implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final boolean cluster;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private RedisServer server;
    private RedisClusterServers servers;
    /** The periodic work of what the tests run on this Redis (heartbeats, presence refreshes), as a node's. */
    private NodeResources resources;

    /** One redis-server. */
    public SharedRedis() {
        this(false);
    }

    private SharedRedis(boolean cluster) {
        this.cluster = cluster;
    }

    /** A three-master Redis Cluster ({@link RedisClusterServers}); its {@link #url()} is a {@code redis-cluster://} one. */
    public static SharedRedis cluster() {
        return new SharedRedis(true);
    }

    /** A namespace no other test uses, valid as a cluster name. */
    public static String namespace() {
        return "wsc-it-" + UUID.randomUUID();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        resources = NodeResources.create("test");
        if (cluster) {
            servers = RedisClusterServers.start();
        } else {
            server = RedisServer.start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (server != null && !server.ping()) {
            server.restart(); // an earlier test killed it
        }
    }

    /** Closes what the test handed to {@link #closeAfterEach}, the last first. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        resources.close();
        if (server != null) {
            server.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    /** The scheduler for the parts a test runs on this Redis (memberships, presence, session stores). */
    public java.util.concurrent.ScheduledExecutorService scheduler() {
        return resources.scheduler();
    }

    /** Closes {@code resource} (a client, a connection, a store on this Redis) after the test, before what was opened earlier. */
    public <T extends AutoCloseable> T closeAfterEach(T resource) {
        opened.push(resource);
        return resource;
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code redis-cluster://} with every master as a seed. */
    public String url() {
        return cluster ? servers.url() : server().url();
    }

    /** The redis-server, to kill or restart it. */
    public RedisServer server() {
        if (cluster) {
            throw new IllegalStateException("a Redis Cluster has three servers: use url()");
        }
        if (server == null) {
            throw new IllegalStateException("not started: register SharedRedis on a static field");
        }
        return server;
    }
}
