package io.wscluster.cli;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        return 0;
    }
}
