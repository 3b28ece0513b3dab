package io.wscluster.cli;

import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.config.ConfigException;
import io.wscluster.config.ConfigLoader;
import io.wscluster.config.Setting;
import io.wscluster.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wsc node}: one node, serving until SIGTERM or Ctrl-C, then stopping gracefully. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Start a wscluster node (embedded bus: no Redis needed).")
public final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>", description = "YAML file of settings (weakest; then WSC_* variables; then flags).")
    Path config;

    @Mixin
    LogOptions log = new LogOptions();

    @Override
    public Integer call() {
        if (!log.apply(spec.name(), System.getenv())) {
            return 2;
        }
        WsCluster node;
        try {
            NodeOptions options = options(spec, config, NodeOptions.defaults());
            if (options.nodeId() != null) {
                LogSetup.nodeId(options.nodeId());
            }
            node = WsCluster.builder().options(options).start();
        } catch (ConfigException | StartupException e) {
            System.err.println("wsc " + spec.name() + ": " + e.getMessage());
            return 2;
        }
        LogSetup.nodeId(node.nodeId());
        System.out.println("wscluster node " + node.nodeId() + " listening on " + node.url() + " (operator listener "
                + node.adminUrl() + ")");
        // A drain ends with the node stopped: the process exits then (async: stop() holds the node's lock).
        node.stopped().thenRunAsync(() -> System.exit(0));
        return serveUntilStopped(node);
    }

    /** Reads the configuration: file, then environment, then the setting flags given. */
    static NodeOptions options(CommandSpec spec, Path config, NodeOptions base) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            OptionSpec o = spec.findOption(s.flag());
            if (o != null && o.getValue() != null) {
                flags.put(s.name(), o.getValue());
            }
        }
        return ConfigLoader.load(config, System.getenv(), flags, base);
    }

    /** Blocks until the JVM is asked to stop, then stops the nodes gracefully within their timeout. */
    static int serveUntilStopped(WsCluster node) {
        return serveUntilStopped(java.util.List.of(node));
    }

    static int serveUntilStopped(java.util.List<WsCluster> nodes) {
        return serveUntilStopped(() -> nodes.parallelStream().forEach(WsCluster::stop));
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop} (which must return once all is stopped). */
    static int serveUntilStopped(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "wsc-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
