package io.wscluster.cli;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.redis.BusOptions;
import io.wscluster.transport.TransportOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the commands that act on a running cluster ({@code drain}, {@code rebalance}):
 * where it is, its admin key, and the authorities its operator listeners' certificates are checked against.
 */
final class ClusterAccess {
    @Option(names = "--redis", paramLabel = "<url>", description = "The cluster's Redis (also WSC_REDIS, or REDIS_URL).")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = "${env:WSC_CLUSTER:-" + BusOptions.DEFAULT_CLUSTER + "}",
            description = "The cluster's name (also WSC_CLUSTER). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--admin-key", paramLabel = "<key>", description = "The nodes' admin key, when they require one (also"
            + " WSC_ADMIN_KEY, which ps does not show). Without one, the nodes answer only on their own host's loopback.")
    String adminKey;

    @Option(names = "--admin-key-file", paramLabel = "<file>", description = "A file holding the nodes' admin key (also"
            + " WSC_ADMIN_KEY_FILE), for keys kept as files (a Kubernetes secret, a systemd credential).")
    String adminKeyFile;

    @Option(names = "--ca-file", paramLabel = "<file>", description = OperatorHttp.CA_FILE_HELP)
    String caFile;

    private HttpClient http;
    private String key;
    private boolean keyRead;

    /** @throws IllegalStateException with a one-line reason; a bad CA or key file is one, before anything is asked */
    List<NodeInfo> nodes() {
        http();
        key();
        return ClusterNodes.read(ClusterNodes.redisUrl(redis), cluster);
    }

    private HttpClient http() {
        if (http == null) {
            try {
                http = OperatorHttp.client(caFile, System.getenv());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }
        return http;
    }

    /**
     * POSTs to {@code path} of {@code node}'s operator listener; returns null on {@code 202}, else
     * a one-line reason.
     */
    String adminPost(NodeInfo node, String path) {
        return adminPost(node.id(), node.adminUrl() != null ? node.adminUrl() : defaultAdminUrl(node.url()), path);
    }

    /**
     * The operator listener of a node known only by its WebSocket URL, as a node configures it by
     * default: the same host, the port plus {@code 1000}.
     */
    static String defaultAdminUrl(String wsUrl) {
        URI ws = URI.create(wsUrl);
        return "http://" + ws.getHost() + ":" + TransportOptions.builder().port(ws.getPort()).build().adminPort();
    }

    /**
     * The key from the first of --admin-key, --admin-key-file, WSC_ADMIN_KEY, WSC_ADMIN_KEY_FILE, read once; null: none.
     *
     * @throws IllegalStateException with a one-line reason when the file cannot be read or is empty
     */
    private String key() {
        if (!keyRead) {
            key = readKey();
            keyRead = true;
        }
        return key;
    }

    private String readKey() {
        if (adminKey != null) {
            return adminKey;
        }
        String file = adminKeyFile != null ? adminKeyFile : System.getenv("WSC_ADMIN_KEY") == null ? System.getenv("WSC_ADMIN_KEY_FILE") : null;
        if (file == null) {
            return System.getenv("WSC_ADMIN_KEY");
        }
        try {
            String read = Files.readString(Path.of(file)).strip();
            if (read.isEmpty()) {
                throw new IllegalStateException("admin-key-file: " + file + " is empty");
            }
            return read;
        } catch (IOException | InvalidPathException e) {
            throw new IllegalStateException("admin-key-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The same for a node known by its id and operator URL. */
    String adminPost(String nodeId, String base, String path) {
        String key = key();
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (key != null) {
                r.header("Authorization", "Bearer " + key);
            }
            HttpResponse<String> answer = http().send(r.build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 202 ? null : nodeId + " answered HTTP " + answer.statusCode() + ": " + answer.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking node " + nodeId;
        } catch (Exception e) {
            return "cannot reach node " + nodeId + " at " + base + " (" + OperatorHttp.why(e) + ")";
        }
    }
}
