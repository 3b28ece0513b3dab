package io.wscluster.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for a test: three masters, with or without replicas, each a {@code
 * redis-server --cluster-enabled yes} on a free loopback port, joined by {@code redis-cli
 * --cluster create}. Ready once every server reports {@code cluster_state:ok}, knows every other,
 * and every replica's link to its master is up (it holds the master's data).
 *
 * <pre>{@code
 * RedisClusterServers redis = RedisClusterServers.withReplicas();  // three masters, a replica each
 * int killed = redis.killMasterOf("wsc:{room}:m");                 // SIGKILL the master of the key's slot
 * int promoted = redis.awaitFailover("wsc:{room}:m");              // its replica serves the slot now
 * }</pre>
 *
 * <p>{@link #stallReplicaOf} leaves a replica behind its master first, for a failover that loses
 * what the master had acknowledged.
 *
 * <p>Servers take a peer for failed after {@link #NODE_TIMEOUT_MILLIS} without an answer, so a
 * replica is promoted a few seconds after its master died. {@link #close()} ends exactly the
 * processes this started. Every wait is bounded. Needs {@code redis-server} and {@code redis-cli}
 * (7.0 or later, for sharded pub/sub) on the PATH.
 */
public final class RedisClusterServers implements AutoCloseable {
    /** {@code cluster-node-timeout}: low, so a failover takes seconds. */
    public static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final int MASTERS = 3;
    private static final long CREATE_TIMEOUT_SECONDS = 30;
    private static final long READY_TIMEOUT_SECONDS = 30;
    private static final long FAILOVER_TIMEOUT_SECONDS = 30;
    /** Written to a master by {@link #stallReplicaOf}: above what loopback sockets buffer (a few MB each way). */
    private static final int STALL_BYTES = 32 * 1024 * 1024;

    private final List<RedisServer> servers;
    private final int replicasPerMaster;
    /** The ports of the servers a test killed: left out of every later question to the cluster. */
    private final Set<Integer> killed = new HashSet<>();

    private RedisClusterServers(List<RedisServer> servers, int replicasPerMaster) {
        this.servers = servers;
        this.replicasPerMaster = replicasPerMaster;
    }

    /** Three masters, no replicas. */
    public static RedisClusterServers start() throws IOException {
        return start(0);
    }

    /** Three masters and a replica of each: six servers, for failover tests. */
    public static RedisClusterServers withReplicas() throws IOException {
        return start(1);
    }

    /** Three masters with {@code replicasPerMaster} replicas each; nothing is left running when it fails. */
    public static RedisClusterServers start(int replicasPerMaster) throws IOException {
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicasPerMaster must be 0 or more, got " + replicasPerMaster);
        }
        int count = MASTERS * (1 + replicasPerMaster);
        List<RedisServer> started = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                started.add(startNode());
            }
            RedisClusterServers cluster = new RedisClusterServers(List.copyOf(started), replicasPerMaster);
            cluster.create();
            cluster.awaitReady();
            return cluster;
        } catch (IOException | RuntimeException e) {
            started.forEach(RedisServer::stop);
            throw e;
        }
    }

    /**
     * One cluster-enabled server. Its config file is relative to the server's own {@code --dir}, so
     * each node has its own. The cluster bus port is picked free too: by default it is the port +
     * 10000, which is out of range (or taken) for a port above 55535. A port taken between being
     * found free and being bound makes the server exit: that is retried.
     */
    private static RedisServer startNode() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MILLIS),
                        "--cluster-port", String.valueOf(RedisServer.freePort()));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The ports of every server this started, masters and replicas, killed or not. */
    public List<Integer> ports() {
        return servers.stream().map(RedisServer::port).toList();
    }

    /** Every server as a seed: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}. */
    public String url() {
        return "redis-cluster://" + servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
    }

    /** The process ids of every server this started. */
    public List<Long> pids() {
        return servers.stream().map(RedisServer::pid).toList();
    }

    /** The slot of {@code key} ({@code CLUSTER KEYSLOT}). */
    public int slotOf(String key) throws IOException {
        RedisCli.Result r = RedisCli.at(living().get(0).port(), "cluster", "keyslot", key);
        if (!r.ok()) {
            throw new IOException("CLUSTER KEYSLOT " + key + " failed: " + r.output());
        }
        return Integer.parseInt(r.output().strip());
    }

    /** The port of the master serving {@code key}'s slot, as a living server sees it. */
    public int masterOf(String key) throws IOException {
        return masterOfSlot(slotOf(key));
    }

    /** The port of the master serving {@code slot}, as a living server sees it. */
    public int masterOfSlot(int slot) throws IOException {
        ClusterNodes view = nodes(living().get(0).port());
        return view.masterOf(slot).map(ClusterNodes.Node::port)
                .orElseThrow(() -> new IOException("no master serves slot " + slot + ": " + view));
    }

    /** The port of a replica of the master serving {@code key}'s slot, as a living server sees it. */
    public int replicaOf(String key) throws IOException {
        int master = masterOf(key);
        ClusterNodes view = nodes(living().get(0).port());
        String id = view.byPort(master).orElseThrow().id();
        return view.replicasOf(id).stream().filter(n -> !killed.contains(n.port())).findFirst().map(ClusterNodes.Node::port)
                .orElseThrow(() -> new IOException("the master on " + master + " has no replica: " + view));
    }

    /**
     * Leaves the replica of {@code key}'s master behind it: freezes the replica (SIGSTOP), then has
     * the master write {@link #STALL_BYTES} under the key's slot, more than the kernel buffers of the
     * replication link hold. What the master acknowledges from then on waits in the master's own
     * memory for the replica, and is lost if the master dies. Returns the replica's port, for
     * {@link #resume(int)}.
     */
    public int stallReplicaOf(String key) throws IOException {
        int master = masterOf(key);
        int replica = replicaOf(key);
        server(replica).pause();
        RedisCli.Result r = RedisCli.at(master, "eval", "redis.call('set', KEYS[1], string.rep('x', tonumber(ARGV[1]))) return 1",
                "1", "{" + slotTag(key) + "}:wsc-test-stall", String.valueOf(STALL_BYTES));
        if (!r.ok() || !r.output().strip().equals("1")) {
            throw new IOException("could not fill the replication link of the master on " + master + ": " + r.output());
        }
        return replica;
    }

    /** The part of {@code key} its slot is computed from: the first non-empty {@code {...}}, else all of it. */
    private static String slotTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : key;
    }

    /** Lets the server on {@code port} go on (SIGCONT). */
    public void resume(int port) {
        server(port).resume();
    }

    /** Kills (SIGKILL) the master serving {@code key}'s slot; returns its port. Check first that it has a replica. */
    public int killMasterOf(String key) throws IOException {
        int port = masterOf(key);
        killed.add(port);
        server(port).kill();
        return port;
    }

    private RedisServer server(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("port " + port + " is not a server of this cluster"));
    }

    /**
     * Waits until a replica serves {@code key}'s slot in place of a killed master: every living server
     * says {@code cluster_state:ok}, takes every killed server for failed, and names the same living
     * master for the slot. Returns that master's port; throws when that takes longer than {@link
     * #FAILOVER_TIMEOUT_SECONDS}.
     */
    public int awaitFailover(String key) throws IOException {
        int slot = slotOf(key);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FAILOVER_TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            Optional<Integer> agreed = agreedMasterOf(slot);
            if (agreed.isPresent()) {
                return agreed.get();
            }
            last = RedisCli.at(living().get(0).port(), "cluster", "nodes").output();
            sleep(100);
        }
        throw new IOException("no replica took over slot " + slot + " of the killed " + killed + " within "
                + FAILOVER_TIMEOUT_SECONDS + " s; last cluster nodes: " + last);
    }

    /** The living master every living server names for {@code slot}, once they all agree and are ok. */
    private Optional<Integer> agreedMasterOf(int slot) throws IOException {
        Integer agreed = null;
        for (RedisServer s : living()) {
            if (!RedisCli.at(s.port(), "cluster", "info").output().contains("cluster_state:ok")) {
                return Optional.empty();
            }
            ClusterNodes view = nodes(s.port());
            boolean failedSeen = killed.stream().allMatch(p -> view.byPort(p).map(ClusterNodes.Node::failed).orElse(false));
            Optional<Integer> master = view.masterOf(slot).map(ClusterNodes.Node::port).filter(p -> !killed.contains(p));
            if (!failedSeen || master.isEmpty() || (agreed != null && !agreed.equals(master.get()))) {
                return Optional.empty();
            }
            agreed = master.get();
        }
        return Optional.ofNullable(agreed);
    }

    /** Stops every server this started (by their processes, SIGKILL), killed ones included. */
    @Override
    public void close() {
        servers.forEach(RedisServer::stop);
    }

    private List<RedisServer> living() {
        return servers.stream().filter(s -> !killed.contains(s.port())).toList();
    }

    private static ClusterNodes nodes(int port) throws IOException {
        RedisCli.Result r = RedisCli.at(port, "cluster", "nodes");
        if (!r.ok()) {
            throw new IOException("CLUSTER NODES on port " + port + " failed: " + r.output());
        }
        return ClusterNodes.parse(r.output());
    }

    private void create() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        servers.forEach(s -> cmd.add("127.0.0.1:" + s.port()));
        cmd.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        RedisCli.Result r = RedisCli.run(cmd, CREATE_TIMEOUT_SECONDS);
        if (!r.ok()) {
            throw new IOException("redis-cli --cluster create failed (exit " + r.exit() + "): " + r.output());
        }
    }

    /** Waits until every server is ready ({@link #ready(int)}). */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = "";
            for (RedisServer s : servers) {
                last = ready(s.port());
                if (!last.isEmpty()) {
                    break;
                }
            }
            if (last.isEmpty()) {
                return;
            }
            sleep(100);
        }
        throw new IOException("the Redis Cluster on ports " + ports() + " was not ready within " + READY_TIMEOUT_SECONDS
                + " s; " + last);
    }

    /**
     * Empty when the server on {@code port} is ready: it says {@code cluster_state:ok}, knows every
     * server, sees three masters with their replicas, and, if it is a replica, its link to its master
     * is up. Otherwise what is not ready yet.
     */
    private String ready(int port) throws IOException {
        RedisCli.Result info = RedisCli.at(port, "cluster", "info");
        if (!info.ok() || !info.output().contains("cluster_state:ok")
                || !info.output().contains("cluster_known_nodes:" + servers.size() + "\n")) {
            return "cluster info on " + port + ": " + info.output();
        }
        ClusterNodes view = nodes(port);
        List<ClusterNodes.Node> masters = view.nodes().stream().filter(ClusterNodes.Node::master).toList();
        if (masters.size() != MASTERS || masters.stream().anyMatch(m -> view.replicasOf(m.id()).size() != replicasPerMaster)) {
            return "cluster nodes on " + port + ": " + view;
        }
        RedisCli.Result replication = RedisCli.at(port, "info", "replication");
        if (!replication.ok() || (replication.output().contains("role:slave")
                && !replication.output().contains("master_link_status:up"))) {
            return "info replication on " + port + ": " + replication.output();
        }
        return "";
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the Redis Cluster", e);
        }
    }
}
