package io.wscluster.cli;

import io.wscluster.EmbeddedCluster;
import io.wscluster.LocalNodes;
import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.config.ConfigException;
import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import io.wscluster.security.ClientReach;
import io.wscluster.security.RoomAccess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    LogOptions log = new LogOptions();

    @Override
    public Integer call() {
        if (!log.apply(spec.name(), System.getenv())) {
            return 2;
        }
        LocalNodes started = null;
        String backend;
        Gateway gateway;
        try {
            if (nodes < 1 || nodes > 16) {
                throw new ConfigException("nodes: '" + nodes + "' is not valid, expected 1 to 16");
            }
            // The demo serves its page (and the cluster view the page shows) on the public ports.
            // Its page's anonymous users publish, read presence, send and broadcast: so it listens on
            // this host only unless --host says otherwise.
            NodeOptions base = NodeCommand.options(spec, config, NodeOptions.builder().bus(b -> b.cluster("demo"))
                    .security(s -> s.roomPublish(RoomAccess.ANYONE).roomPresence(RoomAccess.ANYONE)
                            .clientSend(ClientReach.ANYONE).clientBroadcast(ClientReach.ANYONE))
                    // Its pages follow reconnect frames from node to node on this host: other origins.
                    .transport(t -> t.host("127.0.0.1").page(true).allowedOrigins(List.of("http://127.0.0.1:*", "http://localhost:*")))
                    .build());
            if (base.bus().redisUrl() != null && !reachable(base.bus().redisUrl())) {
                System.out.println("Redis at " + base.bus().redisUrl() + " is not reachable: using the embedded bus");
                base = base.toBuilder().bus(b -> b.redisUrl(null)).build();
            }
            backend = base.bus().redisUrl() == null ? "an embedded bus shared by the nodes (set REDIS_URL to run them over Redis)"
                    : "Redis at " + base.bus().redisUrl();
            started = LocalNodes.builder().options(base).idPrefix("demo-").onPortTaken(this::takeFreePort).start(nodes);
            gateway = gateway(base, started.embedded());
        } catch (ConfigException | StartupException | IllegalStateException e) {
            if (started != null) {
                started.close();
            }
            System.err.println("wsc demo: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (started != null) {
                started.close();
            }
            return 2;
        }
        LocalNodes running = started;
        System.out.println();
        System.out.println("  wscluster demo: " + running.nodes().size() + " node(s) on " + backend + ", and a gateway");
        System.out.println("  open " + gateway.httpUrl() + "/ in a browser (the gateway places each page on a node);"
                + " connect, join a room, publish.");
        for (WsCluster n : running.nodes()) {
            System.out.println("  or " + n.httpUrl() + "/ (node " + n.nodeId() + ") directly, to see messages cross nodes");
        }
        System.out.println("  operator listeners (loopback only): " + String.join(", ",
                running.nodes().stream().map(n -> n.adminUrl() + " (" + n.nodeId() + ")").toList()));
        System.out.println("  metrics: " + running.get(0).adminUrl() + "/metrics   cluster: " + running.get(0).adminUrl()
                + "/api/cluster   gateway: " + gateway.httpUrl() + "/metrics");
        System.out.println("  dashboard: " + running.get(0).adminUrl() + "/dashboard (every node live, alerts, slowest readers)");
        System.out.println("  Ctrl-C stops it.");
        System.out.println();
        return NodeCommand.serveUntilStopped(() -> {
            gateway.close();
            running.close();
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
        GatewayOptions o = GatewayOptions.builder().host(base.transport().host()).port(port).redisUrl(base.bus().redisUrl())
                .cluster(base.bus().cluster()).heartbeat(base.bus().heartbeat()).routing(any -> base.routing())
                .tokens(base.security()).build();
        return embedded == null ? Gateway.start(o) : Gateway.start(o, embedded.membership(), embedded.sticky());
    }

    /** A node whose port is taken takes a free one, unless it is the first and its port was chosen. */
    private boolean takeFreePort(int index, NodeOptions node) {
        boolean portChosen = spec.findOption("--port").getValue() != null || System.getenv("WSC_PORT") != null;
        if (index == 0 && portChosen) {
            return false;
        }
        System.out.println("port " + node.transport().port() + " is in use; node " + node.nodeId() + " takes a free port instead");
        return true;
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
