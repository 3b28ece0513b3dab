package io.wscluster.cli;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.routing.Imbalance;
import io.wscluster.routing.RoutingOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wsc rebalance}: applies the imbalance report's moves, e.g. after a scale-out, so existing connections reach a new node. */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = "Even out connections over the nodes: each move of the imbalance report (wsc status) asks a node to send"
                + " that many clients to another, paced like a drain; they resume their sessions there.")
public final class RebalanceCommand implements Callable<Integer> {
    @Mixin
    ClusterAccess cluster;

    @Option(names = "--threshold", paramLabel = "<spread>", description = "Move only when the spread exceeds this. Default: 0.2.")
    Double threshold;

    @Option(names = "--dry-run", description = "Print the moves without making them.")
    boolean dryRun;

    @Override
    public Integer call() {
        List<NodeInfo> nodes;
        try {
            nodes = cluster.nodes();
        } catch (IllegalStateException e) {
            System.err.println("wsc rebalance: " + e.getMessage());
            return 2;
        }
        Imbalance.Report report = Imbalance.of(nodes, threshold != null ? threshold : RoutingOptions.DEFAULT.imbalanceThreshold());
        if (!report.imbalanced()) {
            System.out.printf("balanced: spread %.2f <= %.2f; nothing to move%n", report.spread(), report.threshold());
            return 0;
        }
        int failed = 0;
        for (Imbalance.Move m : report.moves()) {
            System.out.printf("move %d connection(s) from %s to %s%n", m.connections(), m.from(), m.to());
            if (dryRun) {
                continue;
            }
            NodeInfo from = nodes.stream().filter(n -> n.id().equals(m.from())).findFirst().orElseThrow();
            String error = cluster.adminPost(from, "/admin/shed?count=" + m.connections() + "&to="
                    + URLEncoder.encode(m.to(), StandardCharsets.UTF_8));
            if (error != null) {
                System.err.println("wsc rebalance: " + error);
                failed++;
            }
        }
        return failed == 0 ? 0 : 2;
    }
}
