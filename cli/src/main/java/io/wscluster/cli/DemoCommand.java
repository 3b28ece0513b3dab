package io.wscluster.cli;

import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wsc demo}: a node with its demo page, for a first look. When port 8080 is taken and no
 * port was asked for, it takes a free one rather than fail a newcomer's first command.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a node with its demo page and print the page's address.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>", description = "YAML file of settings.")
    Path config;

    @Override
    public Integer call() {
        WsCluster node;
        try {
            NodeOptions options = NodeCommand.options(spec, config, NodeOptions.builder().nodeId("demo-1").build());
            node = start(options);
        } catch (ConfigException | StartupException e) {
            System.err.println("wsc demo: " + e.getMessage());
            return 2;
        }
        System.out.println();
        System.out.println("  wscluster demo is running (embedded bus, node " + node.nodeId() + ")");
        System.out.println("  open " + node.httpUrl() + "/ in a browser: connect, join a room, publish.");
        System.out.println("  WebSocket endpoint: " + node.url() + "   metrics: " + node.httpUrl() + "/metrics");
        System.out.println("  Ctrl-C stops it.");
        System.out.println();
        return NodeCommand.serveUntilStopped(node);
    }

    private WsCluster start(NodeOptions options) {
        try {
            return WsCluster.builder().options(options).start();
        } catch (StartupException e) {
            boolean portChosen = spec.findOption("--port").getValue() != null || System.getenv("WSC_PORT") != null;
            if (portChosen || options.port() == 0) {
                throw e;
            }
            System.out.println("port " + options.port() + " is in use; taking a free port instead");
            return WsCluster.builder().options(options.toBuilder().port(0).build()).start();
        }
    }
}
