package io.wscluster.cli;

import io.wscluster.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wsc drain NODE-ID}: finds the node in the cluster's membership and asks it to drain. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drain a node for a deploy: it stops taking connections, sends its clients to other nodes in paced"
                + " batches (each resumes its session there), then exits.")
public final class DrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NODE-ID", description = "The node to drain, as `wsc status` lists it.")
    String nodeId;

    @Mixin
    ClusterAccess cluster;

    @Option(names = "--wait", paramLabel = "<duration>", defaultValue = "0s", description = "Then wait, at most this long (90s,"
            + " 2m), until the node has left the cluster's membership: what a stop hook needs before it lets the node be killed."
            + " Exit 1 when it is still there. Default: ${DEFAULT-VALUE} (do not wait).")
    String wait;

    @Override
    public Integer call() {
        NodeInfo node;
        try {
            List<NodeInfo> nodes = cluster.nodes();
            node = nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst().orElse(null);
            if (node == null) {
                System.err.println("wsc drain: no node '" + nodeId + "' in cluster '" + cluster.cluster + "' (nodes: "
                        + String.join(", ", nodes.stream().map(NodeInfo::id).toList()) + ")");
                return 2;
            }
        } catch (IllegalStateException e) {
            System.err.println("wsc drain: " + e.getMessage());
            return 2;
        }
        String failed = cluster.adminPost(node, "/admin/drain");
        if (failed != null) {
            System.err.println("wsc drain: " + failed);
            return 2;
        }
        System.out.println("node " + nodeId + " is draining: its clients move to other nodes; it exits when empty");
        return awaitGone();
    }

    /** Polls membership until the node is gone from it, at most {@code --wait}: 0 when it left, 1 when it is still there. */
    private int awaitGone() {
        Duration limit;
        try {
            limit = io.wscluster.metrics.MetricsOptions.duration(wait);
        } catch (IllegalArgumentException e) {
            System.err.println("wsc drain: --wait: " + e.getMessage());
            return 2;
        }
        long end = System.nanoTime() + limit.toNanos();
        while (!limit.isZero()) {
            try {
                if (cluster.nodes().stream().noneMatch(n -> n.id().equals(nodeId))) {
                    System.out.println("node " + nodeId + " has left the cluster");
                    return 0;
                }
            } catch (IllegalStateException e) {
                System.err.println("wsc drain: " + e.getMessage()); // Redis may come back within the wait
            }
            if (System.nanoTime() >= end) {
                System.err.println("wsc drain: node " + nodeId + " is still in the cluster after " + wait);
                return 1;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        return 0;
    }
}
