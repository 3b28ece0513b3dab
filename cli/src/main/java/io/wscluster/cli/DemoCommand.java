package io.wscluster.cli;

import io.wscluster.EmbeddedCluster;
import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.config.ConfigException;
import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wsc demo}: a cluster of nodes in one process behind a gateway, with the demo page on each
 * (and through the gateway). On Redis when
 * one is configured and reachable, on an embedded bus shared by the nodes otherwise. A port that
 * is taken is replaced by a free one rather than failing a newcomer's first command.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a small cluster in one process (Redis when REDIS_URL is reachable, else an embedded bus) and print its pages.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>", description = "YAML file of settings.")
    Path config;

    @Option(names = "--nodes", paramLabel = "<n>", defaultValue = "3", description = "Nodes to start. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--gateway-port", paramLabel = "<port>", defaultValue = "" + GatewayOptions.DEFAULT_PORT,
            description = "Port of the gateway in front of the nodes (a free one when taken). Default: ${DEFAULT-VALUE}.")
    int gatewayPort;

    @Override
    public Integer call() {
        List<WsCluster> started = new ArrayList<>();
        String backend;
        Gateway gateway;
        try {
            if (nodes < 1 || nodes > 16) {
                throw new ConfigException("nodes: '" + nodes + "' is not valid, expected 1 to 16");
            }
            NodeOptions base = NodeCommand.options(spec, config, NodeOptions.builder().cluster("demo").build());
            EmbeddedCluster embedded = null;
            if (base.redisUrl() != null && !reachable(base.redisUrl())) {
                System.out.println("Redis at " + base.redisUrl() + " is not reachable: using the embedded bus");
                base = base.toBuilder().redisUrl(null).build();
            }
            if (base.redisUrl() == null) {
                embedded = new EmbeddedCluster(base.historySize(), base.historyTtl());
                backend = "an embedded bus shared by the nodes (set REDIS_URL to run them over Redis)";
            } else {
                backend = "Redis at " + base.redisUrl();
            }
            for (int i = 1; i <= nodes; i++) {
                started.add(start(base.toBuilder().nodeId("demo-" + i).port(base.port() == 0 ? 0 : base.port() + i - 1).build(),
                        embedded, i == 1));
            }
            gateway = gateway(base, embedded);
        } catch (ConfigException | StartupException | IllegalStateException e) {
            started.forEach(WsCluster::stop);
            System.err.println("wsc demo: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.forEach(WsCluster::stop);
            return 2;
        }
        System.out.println();
        System.out.println("  wscluster demo: " + started.size() + " node(s) on " + backend + ", and a gateway");
        System.out.println("  open " + gateway.httpUrl() + "/ in a browser (the gateway places each page on a node);"
                + " connect, join a room, publish.");
        for (WsCluster n : started) {
            System.out.println("  or " + n.httpUrl() + "/ (node " + n.nodeId() + ") directly, to see messages cross nodes");
        }
        System.out.println("  metrics: " + started.get(0).httpUrl() + "/metrics   cluster: " + started.get(0).httpUrl() + "/api/cluster"
                + "   gateway: " + gateway.httpUrl() + "/metrics");
        System.out.println("  Ctrl-C stops it.");
        System.out.println();
        return NodeCommand.serveUntilStopped(() -> {
            gateway.close();
            started.parallelStream().forEach(WsCluster::stop);
        });
    }

    /** The gateway in front of the demo's nodes, on --gateway-port or, when that is taken, a free port. */
    private Gateway gateway(NodeOptions base, EmbeddedCluster embedded) throws InterruptedException {
        try {
            return startGateway(base, embedded, gatewayPort);
        } catch (IllegalStateException e) {
            boolean chosen = spec.findOption("--gateway-port").getValue() != null && gatewayPort != GatewayOptions.DEFAULT_PORT;
            if (chosen || !e.getMessage().startsWith("port:")) {
                throw e;
            }
            System.out.println("port " + gatewayPort + " is in use; the gateway takes a free port instead");
            return startGateway(base, embedded, 0);
        }
    }

    private static Gateway startGateway(NodeOptions base, EmbeddedCluster embedded, int port) throws InterruptedException {
        GatewayOptions o = new GatewayOptions(base.host(), port, base.redisUrl(), base.cluster(), base.heartbeat(), base.routing(),
                0, Duration.ofSeconds(2));
        return embedded == null ? Gateway.start(o) : Gateway.start(o, embedded.membership(), embedded.sticky());
    }

    private WsCluster start(NodeOptions options, EmbeddedCluster embedded, boolean first) {
        try {
            return WsCluster.builder().options(options).embedded(embedded).start();
        } catch (StartupException e) {
            boolean portChosen = spec.findOption("--port").getValue() != null || System.getenv("WSC_PORT") != null;
            if ((first && portChosen) || options.port() == 0 || !e.getMessage().startsWith("port:")) {
                throw e;
            }
            System.out.println("port " + options.port() + " is in use; node " + options.nodeId() + " takes a free port instead");
            return WsCluster.builder().options(options.toBuilder().port(0).build()).embedded(embedded).start();
        }
    }

    /** Whether something listens where the Redis URL points (a quick TCP connect, half a second at most). */
    private static boolean reachable(String redisUrl) {
        try (Socket s = new Socket()) {
            URI uri = URI.create(redisUrl.split(",")[0].replaceFirst("^rediss?(-cluster)?://", "redis://"));
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
